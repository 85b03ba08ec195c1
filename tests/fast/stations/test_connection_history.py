"""stations/connection_history.py: a period per link, a replacing link ends the older one, a
close ends only its own link's period, and a dead process's periods end at its last beat."""

from datetime import UTC, datetime, timedelta

import pytest

from stations import events
from stations.connection_history import (
    on_station_connected,
    on_station_disconnected,
    period_close,
    period_open,
    periods_of_dead_processes_close,
)
from stations.models import ConnectionPeriod, ServerProcess, Station
from tests.factories import make_station

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def periods(station) -> list[tuple]:
    return list(ConnectionPeriod.objects.filter(station=station).order_by("started_at")
                .values_list("started_at", "ended_at"))


def test_a_link_opens_and_closes_its_period_once(tenant):
    station, _ = make_station(tenant)
    period_open(station_id=station.pk, started_at=T0, process=None)
    period_open(station_id=station.pk, started_at=T0, process=None)  # a redelivery: still one
    period_close(station_id=station.pk, started_at=T0, ended_at=T0 + timedelta(hours=1))
    period_close(station_id=station.pk, started_at=T0, ended_at=T0 + timedelta(hours=2))
    assert periods(station) == [(T0, T0 + timedelta(hours=1))]


def test_a_link_that_replaces_another_ends_the_older_period(tenant):
    station, _ = make_station(tenant)
    period_open(station_id=station.pk, started_at=T0, process=None)
    period_open(station_id=station.pk, started_at=T0 + timedelta(minutes=5), process=None)
    assert periods(station) == [(T0, T0 + timedelta(minutes=5)), (T0 + timedelta(minutes=5), None)]


def test_the_close_of_a_replaced_link_asks_nothing(tenant):
    station, _ = make_station(tenant)
    old, new = Station.objects.get(pk=station.pk), Station.objects.get(pk=station.pk)
    assert on_station_connected(events.StationConnected(old)) is not None
    assert on_station_connected(events.StationConnected(new)) is not None
    assert on_station_disconnected(events.StationDisconnected(old)) is None
    assert on_station_disconnected(events.StationDisconnected(new)) is not None


def test_the_periods_of_a_dead_process_end_at_its_last_beat(tenant):
    station, _ = make_station(tenant)
    other, _ = make_station(tenant)
    Station.objects.filter(pk=other.pk).update(last_seen=T0 + timedelta(minutes=30))
    dead = ServerProcess.objects.create(hostname="gone", pid=1, last_beat=T0 + timedelta(hours=1))
    alive = ServerProcess.objects.create(hostname="here", pid=2, last_beat=datetime.now(UTC))
    ConnectionPeriod.objects.create(station=station, started_at=T0, server_process=dead)
    ConnectionPeriod.objects.create(station=station, started_at=T0 + timedelta(hours=2), server_process=alive)
    ConnectionPeriod.objects.create(station=other, started_at=T0,
                                    server_process_id="00000000-0000-0000-0000-000000000001")
    assert periods_of_dead_processes_close() == 2
    assert periods(station) == [(T0, T0 + timedelta(hours=1)), (T0 + timedelta(hours=2), None)]
    assert periods(other) == [(T0, T0 + timedelta(minutes=30))]
