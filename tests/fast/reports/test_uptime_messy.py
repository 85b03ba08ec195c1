"""reports/services.py over messy real-station histories (Hypothesis): link storms written through
the connection history's services, StatusNotifications through the station link's batch writer,
some stamped long before they arrive (sent again after a reconnect, an old Faulted). The day's
figures stay within their bounds, online time is the links' time whatever the statuses say, and
replaying the whole history (retransmissions, redeliveries) gives the same rollup."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.models import StationDay
from reports.services import rollup_stations
from stations.connection_history import period_close, period_open
from stations.models import ConnectionPeriod, Connector, ServerProcess, Station, StatusEvent
from stations.services.batch import Batch, batch_write
from tests.factories import make_station

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)
T0 = datetime(2026, 3, 2, tzinfo=UTC)  # the tenant's time zone is UTC
SECONDS = 24 * 3600
FIGURES = ("seconds", "online_s", "uptime_s", "faulted_s", "connectors", "connector_s",
           "occupied_cs", "charging_cs")

# Links: a gap since the previous connect and how long until the link's own close (None: replaced
# by the next one, or up to the end). From before the day's start to after its end.
GAPS = st.sampled_from([timedelta(microseconds=1), timedelta(milliseconds=400), timedelta(seconds=1),
                        timedelta(minutes=7), timedelta(hours=5)])
LASTS = st.none() | st.sampled_from([timedelta(0), timedelta(milliseconds=300), timedelta(seconds=1),
                                     timedelta(hours=2), timedelta(hours=9)])
LINKS = st.lists(st.tuples(GAPS, LASTS), max_size=8)
# Statuses: connector, hours into the day it was received, status, and how old its station stamp
# was then (0: sent at once; else sent late, after a reconnect).
STATUSES = st.lists(st.tuples(
    st.integers(0, 2), st.floats(-3, 27, allow_nan=False),
    st.sampled_from(["Available", "Preparing", "Charging", "SuspendedEV", "Finishing", "Faulted",
                     "Unavailable", "Reserved"]),
    st.sampled_from([timedelta(0), timedelta(minutes=3), timedelta(hours=6)])), max_size=14)
MESSY = settings(max_examples=50, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def station(tenant):
    station, _ = make_station(tenant)
    Station.objects.filter(pk=station.pk).update(created_at=T0 - timedelta(days=2))
    station.refresh_from_db()
    return station


def links_of(links) -> list[tuple[datetime, datetime | None]]:
    out, at = [], T0 - timedelta(hours=3)
    for gap, lasts in links:
        at += gap
        out.append((at, None if lasts is None else at + lasts))
    return out


def online_truth(times, end: datetime) -> int:
    """Seconds of the day some link was up (a link until its close or the next connect)."""
    spans = []
    for i, (start, close) in enumerate(times):
        ends = [t for t in (close, times[i + 1][0] if i + 1 < len(times) else None, end) if t]
        spans.append((max(start, T0), min(min(ends), T0 + timedelta(days=1))))
    total, reach = 0.0, T0
    for start, stop in sorted(spans):
        start = max(start, reach)
        if stop > start:
            total += (stop - start).total_seconds()
            reach = stop
    return round(total)


def write(station, times, statuses) -> None:
    """The history as the services write it: each link's open (on a server process that still
    beats), then its close; the statuses in the order they were received, in batches as the
    writer takes them."""
    process, _ = ServerProcess.objects.update_or_create(
        hostname="messy", pid=1, defaults={"last_beat": datetime.now(UTC)})
    for start, close in times:
        period_open(station_id=station.pk, started_at=start, process=process.pk)
        if close is not None:
            period_close(station_id=station.pk, started_at=start, ended_at=close)
    received = sorted(statuses, key=lambda s: s[1])
    for first in range(0, len(received), 3):
        batch_write(Batch(statuses=[
            StatusEvent(station_id=station.pk, connector_id=connector, status=status,
                        error_code="OtherError" if status == "Faulted" else "NoError",
                        received_at=T0 + timedelta(hours=hours),
                        station_timestamp=T0 + timedelta(hours=hours) - age)
            for connector, hours, status, age in received[first:first + 3]]))


def rolled_up(station) -> dict:
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY, until=DAY,
                    now=T0 + timedelta(days=1, hours=1))
    return StationDay.objects.filter(station=station, day=DAY).values(*FIGURES).get()


def _reset(station) -> None:
    for model in (ConnectionPeriod, StatusEvent, Connector, StationDay):
        model.objects.filter(station=station).delete()


@MESSY
@given(links=LINKS, statuses=STATUSES)
def test_a_messy_day_stays_within_its_bounds_and_replays_the_same(station, links, statuses):
    _reset(station)
    times = links_of(links)
    write(station, times, statuses)
    day = rolled_up(station)
    assert day["seconds"] == SECONDS
    assert 0 <= day["uptime_s"] <= day["online_s"] <= day["seconds"]
    assert 0 <= day["faulted_s"] <= day["seconds"]  # faulted counts online or not (metrics.Figures)
    assert day["uptime_s"] >= day["online_s"] - day["faulted_s"]
    assert 0 <= day["charging_cs"] <= day["occupied_cs"] <= day["connector_s"]
    # Online is the links' time: no status, however late or old, makes a station online.
    end = T0 + timedelta(days=1, hours=1)  # "now": the last link, if still up, is up until now
    assert day["online_s"] == online_truth(times, end)
    write(station, times, statuses)  # the whole history again: redeliveries, retransmissions
    assert rolled_up(station) == day


@settings(MESSY, max_examples=25)
@given(links=LINKS)
def test_statuses_never_make_a_station_online(station, links):
    """A station that reports statuses (old ones, after the fact) but has no link up: 0 online."""
    _reset(station)
    times = links_of(links)
    write(station, times, [])
    alone = rolled_up(station)["online_s"]
    write(station, [], [(1, 12.0, "Available", timedelta(hours=6)), (0, 12.5, "Faulted", timedelta(0))])
    assert rolled_up(station)["online_s"] == alone


def test_a_station_never_connected_has_no_uptime_whatever_it_reported(station):
    write(station, [], [(1, 1.0, "Charging", timedelta(hours=6)), (1, 2.0, "Available", timedelta(0))])
    day = rolled_up(station)
    assert (day["online_s"], day["uptime_s"]) == (0, 0)
