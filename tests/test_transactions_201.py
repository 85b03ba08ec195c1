"""OCPP 2.0.1 transactions and meter values over a real WebSocket, checked through the API: a
session keyed by the station's transaction id, priced by the tariff (energy, idle after grace),
the running cost told to the station (CostUpdated) and the final cost in the answer to its Ended;
retransmitted, offline and reordered events applied once; an Ended without a Started still
priced; meter values outside a transaction kept without a session (docs/sessions.md)."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from ocpp.v201 import call

from billing.models import SessionPrice
from stations.models import ChargingSession, MeterSample, TransactionEventRecord
from tests.factories import (
    api_client,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.test_session_pricing import ENERGY_AND_PARKING, make_tariff, priced, priced_finally


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def register(wh: int, at: datetime, context: str = "Sample.Periodic") -> list[dict]:
    return [{"timestamp": iso(at), "sampledValue": [
        {"value": wh, "context": context, "measurand": "Energy.Active.Import.Register",
         "unitOfMeasure": {"unit": "Wh"}}]}]


async def session_of(api, station, transaction_id: str) -> dict:
    body = (await api.get("/api/v1/sessions/", params={"station": station.identity})).json()
    rows = body["results"] if isinstance(body, dict) else body
    return next(row for row in rows if row["station_transaction_id"] == transaction_id)


async def test_a_session_charges_is_priced_and_the_station_learns_its_costs(server):
    tenant = make_tenant()
    station, password = make_station(tenant, tariff=make_tariff(tenant))  # 0.30 EUR/kWh, VAT 19 %
    make_id_tag(tenant, "04A2B3C4")
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, "04a2b3c4")
        transaction_id = cp.evses[1].transaction_id
        await cp.meter_values(1, 10_000)
        await eventually(lambda: cp.costs.get(transaction_id) is not None)  # CostUpdated
        ended = await cp.stop_transaction(1, "EVDisconnected")
        async with api_client(server, tenant) as api:
            row = await session_of(api, station, transaction_id)
    assert (row["transaction_id"], row["evse_id"], row["connector_id"]) == (None, 1, 1)
    assert (row["energy_wh"], row["id_tag"], row["stop_reason"]) == (10_000, "04A2B3C4", "EVDisconnected")
    assert ("CostUpdated", {"total_cost": 3.57, "transaction_id": transaction_id}) in cp.received
    assert ended.total_cost == 3.57  # 10 kWh x 0.30 + 19 % VAT
    record = await priced(ChargingSession.objects.get(station_transaction_id=transaction_id).pk)
    assert record.gross == Decimal("3.57")


async def test_retransmitted_and_reordered_events_count_once(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    async with charge_point_201(server, tenant, station, password) as cp:
        cp.evses[1].transaction_id = "TX-REORDER"
        for _ in range(2):  # the answer was lost: the station sends it again
            await cp.transaction_event(1, "Started", "Authorized", seq_no=0, timestamp=iso(t0),
                                       meter_value=register(1_000, t0, "Transaction.Begin"))
        await cp.transaction_event(1, "Ended", "EVDeparted", seq_no=3, stopped_reason="EVDisconnected",
                                   timestamp=iso(t0 + timedelta(minutes=30)),
                                   meter_value=register(9_000, t0 + timedelta(minutes=30), "Transaction.End"))
        await cp.transaction_event(1, "Updated", "MeterValuePeriodic", seq_no=1, offline=True,
                                   timestamp=iso(t0 + timedelta(minutes=10)),
                                   meter_value=register(4_000, t0 + timedelta(minutes=10)))
        async with api_client(server, tenant) as api:
            row = await session_of(api, station, "TX-REORDER")
    assert (row["energy_wh"], row["meter_start"], row["meter_stop"]) == (8_000, 1_000, 9_000)
    assert row["stopped_at"].startswith(iso(t0 + timedelta(minutes=30))[:19])
    assert ChargingSession.objects.filter(station=station).count() == 1
    assert TransactionEventRecord.objects.filter(station=station).count() == 3
    assert MeterSample.objects.filter(station=station, session__isnull=False).count() == 3


async def test_an_ended_without_its_started_is_recorded_and_priced(server):
    tenant = make_tenant()
    station, password = make_station(tenant, tariff=make_tariff(tenant))
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    async with charge_point_201(server, tenant, station, password) as cp:
        cp.evses[1].transaction_id = "TX-LOST-START"
        await cp.transaction_event(1, "Ended", "EVDeparted", seq_no=4, offline=True,
                                   timestamp=iso(t0 + timedelta(minutes=45)),
                                   meter_value=register(2_000, t0, "Transaction.Begin")
                                   + register(12_000, t0 + timedelta(minutes=45), "Transaction.End"))
        async with api_client(server, tenant) as api:
            row = await session_of(api, station, "TX-LOST-START")
    assert (row["start_missing"], row["energy_wh"]) == (True, 10_000)
    record = await priced(row["id"])
    assert record.gross == Decimal("3.57")


async def test_idle_after_the_grace_is_priced_from_the_charging_state(server):
    tenant = make_tenant()
    # 0.30 EUR/kWh and 6.00 EUR/h parked after a 15-minute grace
    station, password = make_station(tenant, tariff=make_tariff(tenant, ENERGY_AND_PARKING))
    make_id_tag(tenant, "PARKER")
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    token = {"idToken": "PARKER", "type": "ISO14443"}
    # Booted without the statuses of now: the session's history is three hours old.
    async with charge_point_201(server, tenant, station, password, boot=False) as cp:
        await cp.boot()
        cp.evses[1].transaction_id = "TX-PARK"
        await cp.transaction_event(1, "Started", "Authorized", seq_no=0, id_token=token,
                                   charging_state="Charging", timestamp=iso(t0),
                                   meter_value=register(0, t0, "Transaction.Begin"))
        full = t0 + timedelta(minutes=60)
        await cp.transaction_event(1, "Updated", "ChargingStateChanged", seq_no=1,
                                   charging_state="SuspendedEV", timestamp=iso(full),
                                   meter_value=register(10_000, full))
        stop = full + timedelta(minutes=45)  # 45 idle minutes, 30 of them billed
        await cp.transaction_event(1, "Ended", "StopAuthorized", seq_no=2, id_token=token,
                                   charging_state="EVConnected", stopped_reason="Local",
                                   timestamp=iso(stop), meter_value=register(10_000, stop, "Transaction.End"))
        await cp.call(call.StatusNotification(timestamp=iso(stop),
                                              connector_status="Available", evse_id=1, connector_id=1))
        session_id = ChargingSession.objects.get(station_transaction_id="TX-PARK").pk
        record = await priced_finally(session_id)
    assert (record.energy_wh, record.parking_seconds) == (10_000, 30 * 60)
    assert record.net == Decimal("6.00")  # 10 kWh x 0.30 + 0.5 h x 6.00


async def test_meter_values_outside_a_transaction_belong_to_no_session(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.meter_values(1, 500)  # no transaction: a MeterValues message
    samples = await eventually(lambda: list(MeterSample.objects.filter(station=station)))
    assert {s.session_id for s in samples} == {None}
    assert {s.evse_id for s in samples} == {1}
    assert Decimal(500) in {s.value for s in samples if s.measurand == "Energy.Active.Import.Register"}


async def test_a_retransmitted_started_answers_the_same_id_token_info(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "ONE-AT-A-TIME", max_sessions=1)
    token = {"idToken": "ONE-AT-A-TIME", "type": "ISO14443"}
    async with charge_point_201(server, tenant, station, password) as cp:
        cp.evses[1].transaction_id = "TX-SAME"
        first = await cp.transaction_event(1, "Started", "Authorized", seq_no=0, id_token=token)
        again = await cp.transaction_event(1, "Started", "Authorized", seq_no=0, id_token=token)
    assert first.id_token_info == again.id_token_info == {"status": "Accepted"}
    assert await sync_to_async(SessionPrice.objects.filter(session__station=station).count)() == 0


async def test_the_api_asks_a_2_0_1_station_about_a_sessions_transaction(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, None, "CablePluggedIn")
        transaction_id = cp.evses[1].transaction_id
        session_id = ChargingSession.objects.get(station_transaction_id=transaction_id).pk
        async with api_client(server, tenant) as api:
            running = await api.post(f"/api/v1/sessions/{session_id}/transaction-status/")
            await cp.stop_transaction(1)
            ended = await api.post(f"/api/v1/sessions/{session_id}/transaction-status/")
    assert running.json() == {"transaction_id": transaction_id, "ongoing": True,
                              "messages_in_queue": False}
    assert ended.json()["ongoing"] is False
    assert ("GetTransactionStatus", {"transaction_id": transaction_id}) in cp.received
    async with api_client(server, make_tenant("Other")) as outsider:
        assert (await outsider.post(f"/api/v1/sessions/{session_id}/transaction-status/")).status_code == 404


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_whole_offline_transaction_delivered_in_any_order_with_repeats_is_one_session(server, seed):
    """The live twin of tests/fast/stations/services/test_transaction_events_histories.py: the
    station charges offline, then sends its queue shuffled, some events twice, the Started
    maybe last; the API shows one session with the energy of all of it."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OFFLINE")
    shuffle = random.Random(seed)
    async with charge_point_201(server, tenant, station, password) as cp:
        cp.offline = True
        await cp.start_transaction(1, "OFFLINE")
        transaction_id = cp.evses[1].transaction_id
        for _ in range(3):
            await cp.meter_values(1, 1_000)
        await cp.stop_transaction(1, "EVDisconnected")
        order = list(range(len(cp.queued)))
        shuffle.shuffle(order)
        order += shuffle.sample(order, 2)  # retransmissions
        await cp.flush_offline(order=order)
        async with api_client(server, tenant) as api:
            row = await session_of(api, station, transaction_id)
    assert (row["energy_wh"], row["start_missing"], row["stop_reason"]) == (3_000, False, "EVDisconnected")
    assert (row["id_tag"], row["id_tag_status"]) == ("OFFLINE", "Accepted")
    assert ChargingSession.objects.filter(station=station).count() == 1
    assert TransactionEventRecord.objects.filter(station=station).count() == 5


async def test_a_power_cut_mid_session_frees_the_card_and_the_next_start_supersedes_the_lost_one(server):
    """The station loses power while charging: no Ended ever comes. After its reboot (a new link,
    BootNotification PowerUp, the connector Available) the same card authorizes again and starts a
    new transaction on the same EVSE; the lost one is closed as superseded with its last reading."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A", max_sessions=1)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, "CARD-A")
        lost = cp.evses[1].transaction_id
        await cp.meter_values(1, 4000)
    async with charge_point_201(server, tenant, station, password) as rebooted:  # PowerUp
        assert await rebooted.authorize("CARD-A") == "Accepted"
        started = await rebooted.start_transaction(1, "CARD-A")
        current = rebooted.evses[1].transaction_id
    older = await sync_to_async(ChargingSession.objects.get)(station=station, station_transaction_id=lost)
    newer = await sync_to_async(ChargingSession.objects.get)(station=station,
                                                             station_transaction_id=current)
    assert started.id_token_info["status"] == "Accepted"
    assert (older.closed_reason, older.meter_stop, older.energy_wh) == ("superseded", 4000, 4000)
    assert older.stopped_at <= newer.started_at and newer.stopped_at is None
