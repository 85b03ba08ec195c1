"""reports/metrics.py: uptime and utilisation with worked numbers (docs/reports.md's example)."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.metrics import figures, merged, percent, spans, without

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_the_worked_example_of_the_docs():
    # A day; online 00:00-20:00; connector 1 Faulted 06:00-08:00, then Available, Preparing at
    # 10:00, Charging 10:15-12:15, Finishing until 12:30, Available; connector 2 Available all day.
    result = figures(start=at(0), end=at(24), online=[(at(0), at(20))], statuses={
        1: ("Available", [(at(6), "Faulted"), (at(8), "Available"), (at(10), "Preparing"),
                          (at(10.25), "Charging"), (at(12.25), "Finishing"), (at(12.5), "Available")]),
        2: ("Available", []),
    })
    assert result.seconds == 86400
    assert result.online_s == 20 * 3600
    assert result.uptime_s == 18 * 3600  # 20 h online less 2 h faulted
    assert percent(result.uptime_s, result.seconds) == 75.0
    assert result.occupied_cs == int(2.5 * 3600)
    assert result.charging_cs == 2 * 3600
    assert percent(result.occupied_cs, result.connectors * result.seconds) == 5.2  # 2.5 h / 48 h
    assert percent(result.charging_cs, result.connectors * result.seconds) == 4.2  # 2 h / 48 h


def test_a_station_never_connected_has_no_uptime():
    result = figures(start=at(0), end=at(24), online=[], statuses={1: ("Available", [])})
    assert result.uptime_s == 0
    assert percent(result.uptime_s, result.seconds) == 0


def test_overlapping_periods_count_once():
    result = figures(start=at(0), end=at(10), online=[(at(0), at(6)), (at(4), at(10)), (at(-5), at(1))],
                     statuses={})
    assert result.online_s == result.uptime_s == 10 * 3600


def test_connector_zero_faulted_takes_the_station_down_but_is_no_connector():
    result = figures(start=at(0), end=at(10), online=[(at(0), at(10))],
                     statuses={0: ("Faulted", [(at(5), "Available")]), 1: ("Charging", [])})
    assert result.uptime_s == 5 * 3600
    assert result.connectors == 1
    assert result.charging_cs == 10 * 3600


def test_the_status_in_force_at_the_start_is_the_last_one_before_it():
    assert spans("Available", [(at(-2), "Faulted"), (at(1), "Available")], at(0), at(2)) == [
        (at(0), at(1), "Faulted"), (at(1), at(2), "Available")]


def test_no_status_known_counts_as_nothing():
    assert spans(None, [(at(1), "Charging")], at(0), at(2)) == [(at(1), at(2), "Charging")]


def test_without_cuts_the_middle_out():
    assert without([(at(0), at(10))], [(at(2), at(3)), (at(5), at(6))]) == [
        (at(0), at(2)), (at(3), at(5)), (at(6), at(10))]


hours = st.floats(min_value=-30, max_value=54, allow_nan=False)
intervals = st.lists(st.tuples(hours, hours).map(lambda p: (at(min(p)), at(max(p)))), max_size=8)
statuses = st.sampled_from(["Available", "Faulted", "Charging", "Occupied", "Preparing", "Unavailable"])
changes = st.lists(st.tuples(hours, statuses), max_size=6).map(
    lambda c: sorted(((at(h), s) for h, s in c), key=lambda x: x[0]))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(online=intervals, connectors=st.dictionaries(st.integers(0, 3), st.tuples(
    st.none() | statuses, changes), max_size=4))
def test_every_share_lies_between_0_and_100(online, connectors):
    result = figures(start=at(0), end=at(24), online=online, statuses=connectors)
    whole = result.connectors * result.seconds
    assert 0 <= result.uptime_s <= result.online_s <= result.seconds
    assert 0 <= result.charging_cs <= result.occupied_cs <= whole
    for share in (percent(result.uptime_s, result.seconds), percent(result.online_s, result.seconds)):
        assert 0 <= share <= 100
    assert result.online_s == round(sum((b - a).total_seconds() for a, b in merged(
        (max(a, at(0)), min(b, at(24))) for a, b in online)))
