"""stations/connection_history.py under real stations' messy link histories (Hypothesis): storms of
connects and drops within a second, a new link before the old one's close is seen, the writes of
several server processes in any order, redeliveries. A station's periods never overlap, never
end before they start, and their union is the time some link of the station was up."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations import connection_history, events
from stations.connection_history import period_close, period_open
from stations.models import ConnectionPeriod, Station
from tests.factories import make_station

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
US = timedelta(microseconds=1)
GAPS = st.sampled_from([US, timedelta(milliseconds=300), timedelta(seconds=1), timedelta(minutes=2)])
LASTS = st.sampled_from([timedelta(0), US, timedelta(milliseconds=200), timedelta(seconds=1),
                         timedelta(minutes=10)])
# One link: the gap since the previous link's connect, and how long until its own close (None:
# never closed by itself: replaced by the next link, or still up).
LINKS = st.lists(st.tuples(GAPS, st.none() | LASTS), min_size=1, max_size=8)
MESSY = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def timeline(links) -> list[tuple[datetime, datetime | None]]:
    """Each link's connect and own close."""
    out, at = [], T0
    for gap, lasts in links:
        at += gap
        out.append((at, None if lasts is None else at + lasts))
    return out


def truth(times) -> list[tuple[datetime, datetime | None]]:
    """What the periods should say: a link is up from its connect to its close or the next
    link's connect, whichever comes first (the server closes a replaced link)."""
    out = []
    for i, (start, end) in enumerate(times):
        ends = [t for t in (end, times[i + 1][0] if i + 1 < len(times) else None) if t is not None]
        out.append((start, min(ends) if ends else None))
    return out


def union(periods, now: datetime) -> list[tuple[datetime, datetime]]:
    out = []
    for start, end in sorted((s, e or now) for s, e in periods):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def stored(station) -> list[tuple[datetime, datetime | None]]:
    return list(ConnectionPeriod.objects.filter(station=station).order_by("started_at")
                .values_list("started_at", "ended_at"))


def assert_sound(periods) -> None:
    """No end before its start, no overlap, at most one open period, the last."""
    for start, end in periods:
        assert end is None or end >= start
    for (_, end), (next_start, _) in zip(periods, periods[1:], strict=False):
        assert end is not None and end <= next_start
    assert all(end is not None for _, end in periods[:-1])


def run(follow_up) -> None:
    """Run a follow-up to its end, here (its db() calls are made synchronous)."""
    coroutine = follow_up()
    with pytest.raises(StopIteration):
        coroutine.send(None)


async def _db(fn, **kwargs):
    return fn(**kwargs)


async def _process_id():
    return None


@pytest.fixture
def station(tenant):
    station, _ = make_station(tenant)
    return station


def _reset(station) -> None:
    ConnectionPeriod.objects.filter(station=station).delete()
    connection_history._opened.pop(station.pk, None)
    connection_history._turns.pop(station.pk, None)


@MESSY
@given(links=LINKS)
def test_one_process_storm_through_the_link_events(station, links):
    """The events as one process's consumer publishes them, in time order: connect, drop, a new
    link before the old one's close is seen (its close then asks nothing)."""
    _reset(station)
    times = timeline(links)
    stream = sorted([(start, i, "connect") for i, (start, _) in enumerate(times)]
                    + [(end, i, "drop") for i, (_, end) in enumerate(times) if end is not None])
    objects = [Station.objects.get(pk=station.pk) for _ in times]  # each link's own object
    with mock.patch.object(connection_history, "db", _db), \
            mock.patch.object(connection_history, "process_id", _process_id):
        for at, i, kind in stream:
            with mock.patch.object(connection_history.timezone, "now", return_value=at):
                if kind == "connect":
                    follow_up = connection_history.on_station_connected(events.StationConnected(objects[i]))
                else:
                    follow_up = connection_history.on_station_disconnected(
                        events.StationDisconnected(objects[i]))
            if follow_up is not None:
                run(follow_up)
    periods = stored(station)
    assert_sound(periods)
    now = times[-1][0] + timedelta(hours=1)
    assert union(periods, now) == union(truth(times), now)


@MESSY
@given(links=LINKS, data=st.data())
def test_writes_of_several_processes_in_any_order(station, links, data):
    """Each link on a process of its own: its open, then its close, interleaved in any order
    with the other links' writes, some delivered twice. The result is the same periods."""
    _reset(station)
    times = timeline(links)
    pending = [[("open", i)] + ([("close", i)] if end is not None else [])
               for i, (_, end) in enumerate(times)]
    order = []
    while any(pending):
        i = data.draw(st.sampled_from([k for k, own in enumerate(pending) if own]))
        write = pending[i].pop(0)
        order.extend([write] * data.draw(st.integers(1, 2)))  # redelivered now and then
    for kind, i in order:
        start, end = times[i]
        if kind == "open":
            period_open(station_id=station.pk, started_at=start, process=None)
        else:
            period_close(station_id=station.pk, started_at=start, ended_at=end)
    periods = stored(station)
    assert_sound(periods)
    assert periods == truth(times)


def test_a_late_open_ends_at_the_newer_links_start(station):
    later = T0 + timedelta(seconds=1)
    period_open(station_id=station.pk, started_at=later, process=None)
    period_open(station_id=station.pk, started_at=T0, process=None)  # written after the newer one
    assert stored(station) == [(T0, later), (later, None)]


def test_a_close_stamped_before_its_open_ends_it_at_its_start(station):
    period_open(station_id=station.pk, started_at=T0, process=None)
    period_close(station_id=station.pk, started_at=T0, ended_at=T0 - timedelta(seconds=2))
    assert stored(station) == [(T0, T0)]
