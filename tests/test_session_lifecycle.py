"""The session lifecycle (docs/sessions.md) with a real charge point over a real WebSocket: what
real stations do (lose StopTransactions in a power cut, drop a start we answered ConcurrentTx,
start again on a busy connector, send their queued stop late) leaves no session open for ever,
no card locked and every session priced once."""

from datetime import datetime, timedelta
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.utils import timezone
from ocpp.v16 import call

from billing.models import SessionPrice
from billing.services import tariff_create
from loadmgmt.models import StationControl
from loadmgmt.records import limit_result_record
from stations.models import ChargingSession, CloseReason, Connector, MeterSample, Station, StatusEvent
from stations.services.batch import Batch, batch_write
from stations.services.session_lifecycle import sessions_close_orphans
from stations.services.transactions import transaction_start
from stations.simulator.core import utcnow
from stations.tasks import close_orphan_sessions
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant

ENERGY_ONLY = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]


def make_tenant_with_tariff():
    tenant = make_tenant()
    tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19",
                  idle_grace_minutes=15, elements=ENERGY_ONLY, is_default=True)
    return tenant


def session_of(station, transaction_id) -> ChargingSession:
    return ChargingSession.objects.get(station=station, transaction_id=transaction_id)


async def status_stored(station, connector_id: int, status: str) -> None:
    await eventually(lambda: Connector.objects.filter(station=station, connector_id=connector_id,
                                                      status=status).exists())


def after_grace():
    return timezone.now() + timedelta(seconds=5)  # tests run with a 2 s grace period


def closed_by_backend(session_id: int, reason: str):
    return lambda: ChargingSession.objects.filter(pk=session_id, closed_reason=reason).first()


async def test_a_second_start_on_a_busy_connector_supersedes_the_open_session(server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    make_id_tag(tenant, "CARD-B")
    async with charge_point(server, tenant, station, password) as cp:
        first = await cp.start_transaction(1, "CARD-A")
        await cp.meter_values(1, 4000)
        cp.connectors[1].transaction_id = None  # the station lost that session (no stop)
        second = await cp.start_transaction(1, "CARD-B")
        assert await cp.authorize("CARD-A") == "Accepted"  # card A is free again
    older = session_of(station, first.transaction_id)
    assert second.id_tag_info["status"] == "Accepted"
    assert (older.closed_reason, older.meter_stop, older.energy_wh) == (CloseReason.SUPERSEDED, 4000, 4000)
    assert older.stopped_at <= session_of(station, second.transaction_id).started_at
    assert session_of(station, second.transaction_id).stopped_at is None
    price = await eventually(lambda: SessionPrice.objects.filter(session=older, final=True).first())
    assert price.net == Decimal("1.20")


async def test_a_power_cut_frees_the_card_at_once_and_closes_the_session_after_the_grace_period(
        server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "CARD-A")
        await cp.status(1, "Charging")
        await cp.meter_values(1, 2500)
    # Power returns: the station boots and reports its connector Available, with no stop.
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Available")
        await status_stored(station, 1, "Available")
        assert await cp.authorize("CARD-A") == "Accepted"  # not ConcurrentTx
        session = session_of(station, start.transaction_id)
        assert session.stopped_at is None
        sessions_close_orphans()
        assert session_of(station, start.transaction_id).stopped_at is None  # within the grace period
        sessions_close_orphans(now=after_grace())
    session = session_of(station, start.transaction_id)
    assert (session.closed_reason, session.meter_stop, session.stop_reason) == (
        CloseReason.CONNECTOR_AVAILABLE, 2500, "Other")
    await eventually(lambda: SessionPrice.objects.filter(session=session, final=True).exists())
    sessions_close_orphans(now=after_grace())
    assert session_of(station, start.transaction_id).stopped_at == session.stopped_at  # closed once


async def test_the_stations_late_stop_completes_the_closed_session_once(server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "CARD-A")
        await cp.meter_values(1, 1000)
        await cp.status(1, "Available")
        await status_stored(station, 1, "Available")
        sessions_close_orphans(now=after_grace())
        closed = session_of(station, start.transaction_id)
        assert (closed.closed_reason, closed.meter_stop) == (CloseReason.CONNECTOR_AVAILABLE, 1000)
        late = call.StopTransaction(transaction_id=start.transaction_id, meter_stop=1500,
                                    timestamp=utcnow(), reason="PowerLoss")
        await cp.call(late)
        await cp.call(late)  # retransmitted
    completed = session_of(station, start.transaction_id)
    assert ChargingSession.objects.filter(station=station).count() == 1
    assert (completed.meter_stop, completed.stop_reason) == (1500, "PowerLoss")
    assert completed.closed_reason == CloseReason.CONNECTOR_AVAILABLE  # the record keeps it
    price = await eventually(lambda: SessionPrice.objects.filter(session=completed, net="0.45").first())
    assert SessionPrice.objects.filter(session=completed).count() == 1 and price.final


async def test_a_start_answered_concurrent_tx_never_counts_as_running(server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        running = await cp.start_transaction(1, "CARD-A")
        refused = await cp.start_transaction(2, "CARD-A")
        assert refused.id_tag_info["status"] == "ConcurrentTx"
        await cp.status(2, "Available")  # the station dropped it, with no stop
        await status_stored(station, 2, "Available")
        await cp.stop_transaction(1)
        assert await cp.authorize("CARD-A") == "Accepted"  # the refused one never counted
        sessions_close_orphans(now=after_grace())
    dropped = session_of(station, refused.transaction_id)
    assert dropped.closed_reason == CloseReason.CONNECTOR_AVAILABLE
    assert dropped.stopped_at == dropped.started_at  # no charging time for a refused start
    assert session_of(station, running.transaction_id).closed_reason == ""


async def test_a_card_runs_as_many_sessions_as_its_limit(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "FLEET", max_sessions=2)
    make_id_tag(tenant, "ANY", max_sessions=0)
    make_id_tag(tenant, "ONE")
    async with charge_point(server, tenant, station, password, connectors=3) as cp:
        fleet = [(await cp.start_transaction(c, "FLEET")).id_tag_info["status"] for c in (1, 2, 3)]
        assert fleet == ["Accepted", "Accepted", "ConcurrentTx"]
        for c in (1, 2, 3):
            await cp.status(c, "Available")
        await eventually(lambda: Connector.objects.filter(station=station, status="Available").count() == 3)
        unlimited = [(await cp.start_transaction(c, "ANY")).id_tag_info["status"] for c in (1, 2, 3)]
        assert unlimited == ["Accepted"] * 3
    tenant.max_sessions_per_id_tag = 0
    tenant.save()
    async with charge_point(server, tenant, station, password, connectors=3) as cp:
        for c in (1, 2, 3):
            await cp.status(c, "Available")
        await eventually(lambda: Connector.objects.filter(station=station, status="Available").count() == 3)
        ones = [(await cp.start_transaction(c, "ONE")).id_tag_info["status"] for c in (1, 2)]
        assert ones == ["Accepted", "Accepted"]  # the tenant's default is now unlimited


async def test_id_tags_are_matched_in_any_case(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "04A2B3C4")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        assert await cp.authorize("04a2b3c4") == "Accepted"
        start = await cp.start_transaction(1, "04a2B3c4")
        again = await cp.start_transaction(2, "04A2B3C4")
    assert start.id_tag_info["status"] == "Accepted"
    assert again.id_tag_info["status"] == "ConcurrentTx"  # one card, one session
    assert session_of(station, start.transaction_id).id_tag == "04A2B3C4"  # as the tenant wrote it


async def test_a_silent_station_has_its_sessions_closed(server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "CARD-A")
        await cp.meter_values(1, 700)
    session = session_of(station, start.transaction_id)
    long_ago = timezone.now() - timedelta(hours=49)
    ChargingSession.objects.filter(pk=session.pk).update(started_at=long_ago - timedelta(hours=1))
    await eventually(lambda: Station.objects.filter(pk=station.pk, channel_name="").exists())
    Station.objects.filter(pk=station.pk).update(last_seen=long_ago)
    await sync_to_async(close_orphan_sessions.delay)()  # on the real worker where there is one
    closed = await eventually(closed_by_backend(session.pk, CloseReason.STATION_SILENT))
    assert closed.meter_stop == 700


async def test_an_operator_closes_a_session_through_the_api(server, celery_worker):
    tenant = make_tenant_with_tariff()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        start = await cp.start_transaction(1, "CARD-A")
        await cp.meter_values(1, 3000)
        session = session_of(station, start.transaction_id)
        url = f"/api/v1/sessions/{session.pk}/close/"
        assert (await api.post(url, json={"meter_stop": -1})).status_code == 400
        below = await api.post(url, json={"meter_stop": 0, "stopped_at": "2000-01-01T00:00:00Z"})
        assert below.status_code == 400 and "before the session started" in below.text
        closed = await api.post(url, json={})
        again = await api.post(url, json={})
        assert await cp.authorize("CARD-A") == "Accepted"
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["closed_reason"], body["meter_stop"], body["energy_wh"]) == ("operator", 3000, 3000)
    last_sample = MeterSample.objects.filter(session_id=session.pk).latest("timestamp").timestamp
    assert datetime.fromisoformat(body["stopped_at"]) == last_sample  # the last reading's time
    assert body["closed_by"].startswith("API token")
    assert again.status_code == 409
    await eventually(lambda: SessionPrice.objects.filter(session_id=session.pk, final=True).exists())


async def test_another_tenant_cannot_close_a_session(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp, api_client(server, other) as api:
        start = await cp.start_transaction(1, "CARD-A")
        session = session_of(station, start.transaction_id)
        answer = await api.post(f"/api/v1/sessions/{session.pk}/close/", json={})
    assert answer.status_code == 404
    assert session_of(station, start.transaction_id).stopped_at is None


def test_a_tx_profile_rejected_for_a_freed_connector_marks_the_session_stale_not_the_station():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    began = timezone.now() - timedelta(minutes=10)
    transaction_id, _ = transaction_start(station=station, received_at=began, payload={
        "connectorId": 1, "idTag": "CARD-A", "meterStart": 0, "timestamp": began.isoformat()})
    freed = began + timedelta(minutes=5)
    batch_write(Batch(statuses=[StatusEvent(station_id=station.pk, connector_id=1, status="Available",
                                            error_code="NoError", received_at=freed)]))
    limit_result_record(station_id=station.pk, connector_id=1, transaction_id=transaction_id,
                        purpose="TxProfile", limit=Decimal(16), status="Rejected", profile_id=None,
                        allocation_id=None)
    assert session_of(station, transaction_id).stale_at is not None
    assert not StationControl.objects.filter(station=station, controllable=False).exists()
    sessions_close_orphans(now=after_grace())
    assert session_of(station, transaction_id).closed_reason == CloseReason.UNKNOWN_TO_STATION


async def test_a_connector_once_reported_free_keeps_the_session_over_whatever_status_follows(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        lost = await cp.start_transaction(1, "CARD-A")
        await cp.status(1, "Available")  # the station lost it in a reboot
        await cp.status(1, "Reserved")  # and the connector is reserved for someone else
        assert await cp.authorize("CARD-A") == "Accepted"
        again = await cp.start_transaction(2, "CARD-A")
    assert again.id_tag_info["status"] == "Accepted"
    assert session_of(station, lost.transaction_id).freed_at is not None


async def test_a_preparing_stamped_before_the_start_but_read_after_it_frees_nothing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        before = (timezone.now() - timedelta(seconds=5)).isoformat()
        start = await cp.start_transaction(1, "CARD-A")
        await cp.call(call.StatusNotification(connector_id=1, status="Preparing", error_code="NoError",
                                              timestamp=before))  # sent before the start, queued
        await status_stored(station, 1, "Preparing")
        assert await cp.authorize("CARD-A") == "ConcurrentTx"  # still charging
    assert session_of(station, start.transaction_id).freed_at is None


async def test_a_station_whose_clock_was_reset_by_the_power_cut_still_frees_its_connector(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:
        lost = await cp.start_transaction(1, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:  # rebooted, clock at its build date
        await cp.call(call.StatusNotification(connector_id=1, status="Available", error_code="NoError",
                                              timestamp="2020-01-01T00:00:00Z"))
        await status_stored(station, 1, "Available")
        assert await cp.authorize("CARD-A") == "Accepted"
    assert session_of(station, lost.transaction_id).freed_at is not None


async def test_a_start_from_a_clock_reset_by_a_reboot_still_supersedes_the_lost_session(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    make_id_tag(tenant, "CARD-B")
    async with charge_point(server, tenant, station, password) as cp:
        lost = await cp.start_transaction(1, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:  # rebooted, clock at its build date
        new = await cp.call(call.StartTransaction(connector_id=1, id_tag="CARD-B", meter_start=0,
                                                  timestamp="2020-01-01T00:00:00Z"))
    assert session_of(station, lost.transaction_id).closed_reason == CloseReason.SUPERSEDED
    assert session_of(station, new.transaction_id).stopped_at is None
