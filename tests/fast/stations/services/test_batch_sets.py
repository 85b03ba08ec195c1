"""A batch is written in a few statements per kind of item, whatever their number
(stations/services/batch.py; why: bench/README.md, issue 22): attaches, boots, detaches and free
statuses of many stations keep each station's own outcome, in arrival order."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stations.models import ChargingSession, ServerProcess, Station, StatusEvent
from stations.services.batch import Attach, Batch, Boot, Detach, batch_write
from tests.factories import make_station

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def process():
    return ServerProcess.objects.create(hostname="here", pid=1, last_beat=timezone.now())


def stations(tenant, count: int) -> list[Station]:
    return [make_station(tenant)[0] for _ in range(count)]


def queries(batch: Batch) -> int:
    with CaptureQueriesContext(connection) as captured:
        batch_write(batch)
    return len(captured.captured_queries)


def test_attaches_learn_the_socket_they_take_over_from_in_arrival_order(tenant, process):
    first, second = stations(tenant, 2)
    Station.objects.filter(pk=first.pk).update(channel_name="old", server_process=process)
    attaches = [Attach(first.pk, "a", process.pk, AT), Attach(second.pk, "b", process.pk, AT),
                Attach(first.pk, "c", process.pk, AT + timedelta(seconds=1), ocpp_version="2.0.1")]
    batch_write(Batch(attaches=attaches))
    assert [a.previous for a in attaches] == ["old", "", "a"]
    first.refresh_from_db()
    assert (first.channel_name, first.ocpp_version, first.connected_since) == (
        "c", "2.0.1", AT + timedelta(seconds=1))
    assert first.server_process_id == process.pk
    assert Station.objects.get(pk=second.pk).channel_name == "b"


def test_a_socket_of_a_dead_process_is_not_told_to_close(tenant, process):
    station = stations(tenant, 1)[0]
    dead = ServerProcess.objects.create(hostname="gone", pid=2,
                                      last_beat=timezone.now() - timedelta(hours=1))
    Station.objects.filter(pk=station.pk).update(channel_name="gone", server_process=dead)
    attach = Attach(station.pk, "new", process.pk, AT)
    batch_write(Batch(attaches=[attach]))
    assert attach.previous == ""


def test_a_detach_disconnects_only_a_station_still_on_that_socket(tenant, process):
    kept, left = stations(tenant, 2)
    for station, address in ((kept, "newer"), (left, "closing")):
        Station.objects.filter(pk=station.pk).update(channel_name=address, server_process=process,
                                                     connected_since=AT, last_seen=AT)
    later = AT + timedelta(minutes=5)
    batch_write(Batch(detaches=[Detach(kept.pk, "older", later), Detach(left.pk, "closing", later)]))
    kept.refresh_from_db()
    left.refresh_from_db()
    assert (kept.channel_name, kept.connected_since, kept.last_seen) == ("newer", AT, AT)
    assert (left.channel_name, left.server_process_id, left.connected_since, left.last_seen) == (
        "", None, None, later)


def test_each_station_keeps_its_latest_boot_of_either_version(tenant):
    a, b = stations(tenant, 2)
    v16 = {"vendor": "V16", "model": "M1", "firmware_version": "1.0"}
    v201 = {"vendor": "V201", "model": "M2", "boot_reason": "PowerUp"}
    batch_write(Batch(boots=[Boot(a.pk, v16), Boot(b.pk, v201), Boot(a.pk, {**v16, "model": "M3"})]))
    assert Station.objects.filter(pk=a.pk).values_list("vendor", "model", "firmware_version").get() \
        == ("V16", "M3", "1.0")
    assert Station.objects.filter(pk=b.pk).values_list("vendor", "model", "boot_reason").get() \
        == ("V201", "M2", "PowerUp")


def free_status(station, connector_id: int, at: datetime) -> StatusEvent:
    return StatusEvent(station_id=station.pk, connector_id=connector_id, status="Available",
                       error_code="NoError", received_at=at, station_timestamp=at)


def test_a_free_status_frees_its_connectors_open_session_and_no_other(tenant):
    charging, idle = stations(tenant, 2)
    session = ChargingSession.objects.create(
        tenant_id=tenant.pk, station=charging, connector_id=1, id_tag="A", started_at=AT,
        start_received_at=AT, meter_start=0)
    other = ChargingSession.objects.create(
        tenant_id=tenant.pk, station=charging, connector_id=2, id_tag="B", started_at=AT,
        start_received_at=AT, meter_start=0)
    later = AT + timedelta(minutes=1)
    batch_write(Batch(statuses=[free_status(charging, 1, later), free_status(idle, 1, later)]))
    session.refresh_from_db()
    other.refresh_from_db()
    assert (session.freed_at, other.freed_at) == (later, None)


def test_a_batch_costs_the_same_statements_for_five_stations_as_for_twenty(tenant, process):
    def batch_of(fleet: list[Station]) -> Batch:
        return Batch(
            attaches=[Attach(s.pk, f"sock-{s.pk}", process.pk, AT) for s in fleet],
            boots=[Boot(s.pk, {"vendor": "V", "model": "M"}) for s in fleet],
            statuses=[free_status(s, c, AT) for s in fleet for c in (0, 1, 2)],
            detaches=[Detach(s.pk, f"sock-{s.pk}", AT) for s in fleet],
            seen={s.pk: AT for s in fleet})

    assert queries(batch_of(stations(tenant, 5))) == queries(batch_of(stations(tenant, 20)))
