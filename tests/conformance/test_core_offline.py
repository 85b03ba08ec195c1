"""OCPP 1.6 Core conformance (OCA test cases): what a station queued while it was offline or down
arrives after it reconnects, with past timestamps, and is stored once with the station's times."""

from datetime import datetime

from ocpp.v16 import call

from stations.models import ChargingSession, MeterSample
from tests.conformance.core_steps import ago, answered, connector_status, iso
from tests.factories import (
    api_client,
    eventually,
)


def energy(wh: int, at: datetime, context: str = "Sample.Periodic") -> list[dict]:
    return [{"timestamp": iso(at), "sampledValue": [
        {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh",
         "context": context}]}]


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _offline_then_back(server, octt):
    """Boot once (idle), then lose the connection; what follows happened offline."""
    async with octt.charge_point(server):
        pass
    return octt.charge_point(server, boot=False)


async def test_tc_032_1_power_failure_boot_charging_point_stop_transactions(server, octt):
    """Power Failure Boot Charging Point – Stop Transaction(s)"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, connectors=2) as cp:
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        await cp.meter_values(1, 4200)
    # Power is lost and comes back: the station boots and stops what ran before.
    async with octt.charge_point(server, connectors=2, boot=False) as cp, \
            api_client(server, tenant) as api:
        boot = await cp.boot()
        await cp.status(0, "Available")
        await cp.status(1, "Finishing")
        await cp.status(2, "Available")
        stop = await cp.call(call.StopTransaction(
            transaction_id=start.transaction_id, meter_stop=4200, timestamp=iso(ago(0)),
            reason="PowerLoss", id_tag=octt.valid))
        await connector_status(api, station, 1, "Finishing")
        await connector_status(api, station, 2, "Available")
        [session] = await octt.sessions(api)
    assert boot.status == "Accepted"
    assert stop.id_tag_info["status"] == "Accepted"
    assert (session["transaction_id"], session["stop_reason"], session["energy_wh"]) == (
        start.transaction_id, "PowerLoss", 4200)
    assert session["stopped_at"] is not None


async def test_tc_037_1_offline_start_transaction_valid_idtag(server, octt):
    """Offline Start Transaction – Valid IdTag"""
    tenant, station = octt.tenant, octt.station
    started = ago(20)
    queued = call.StartTransaction(connector_id=1, id_tag=octt.valid, meter_start=500,
                                   timestamp=iso(started))
    async with await _offline_then_back(server, octt) as cp, \
            api_client(server, tenant) as api:
        first = await cp.call(queued)
        again = await cp.call(queued)  # sent again: the station never saw the answer
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        [session] = await octt.sessions(api)
    assert first.id_tag_info["status"] == "Accepted"
    assert again.transaction_id == first.transaction_id
    assert session["transaction_id"] == first.transaction_id
    assert at(session["started_at"]) == started and session["stopped_at"] is None


async def test_tc_037_3_offline_start_transaction_invalid_idtag(server, octt):
    """Offline Start Transaction – Invalid IdTag"""
    tenant = octt.tenant
    started = ago(15)
    async with await _offline_then_back(server, octt) as cp, \
            api_client(server, tenant) as api:
        start = await cp.call(call.StartTransaction(connector_id=1, id_tag=octt.invalid,
                                                    meter_start=100, timestamp=iso(started)))
        await cp.status(1, "Charging")
        # StopTransactionOnInvalidId: the station stops the session the central system refused.
        await cp.call(call.StopTransaction(transaction_id=start.transaction_id, meter_stop=350,
                                           timestamp=iso(ago(0)), reason="DeAuthorized"))
        await cp.status(1, "Finishing")
        [session] = await octt.sessions(api)
    assert start.id_tag_info == {"status": "Invalid"}
    assert [a["idTagInfo"] for a in await answered(octt, "StartTransaction")] == [
        {"status": "Invalid"}]
    assert (session["transaction_id"], session["stop_reason"], session["energy_wh"]) == (
        start.transaction_id, "DeAuthorized", 250)
    assert at(session["started_at"]) == started
    assert ChargingSession.objects.get(pk=session["id"]).id_tag_status == "Invalid"


async def test_tc_039_offline_transaction(server, octt):
    """Offline Transaction"""
    tenant = octt.tenant
    started, sampled, stopped = ago(40), ago(30), ago(25)
    async with await _offline_then_back(server, octt) as cp, \
            api_client(server, tenant) as api:
        start = await cp.call(call.StartTransaction(connector_id=1, id_tag=octt.valid,
                                                    meter_start=1000, timestamp=iso(started)))
        values = call.MeterValues(connector_id=1, transaction_id=start.transaction_id,
                                  meter_value=energy(2500, sampled))
        await cp.call(values)
        await cp.call(values)  # a queued message sent twice is stored once
        stop = await cp.call(call.StopTransaction(
            transaction_id=start.transaction_id, meter_stop=4000, timestamp=iso(stopped),
            reason="Local", id_tag=octt.valid,
            transaction_data=energy(4000, stopped, "Transaction.End")))
        await cp.status(1, "Available")
        [session] = await octt.sessions(api)
    assert start.id_tag_info["status"] == "Accepted" and stop.id_tag_info["status"] == "Accepted"
    assert (session["meter_start"], session["meter_stop"], session["energy_wh"]) == (1000, 4000, 3000)
    assert (at(session["started_at"]), at(session["stopped_at"])) == (started, stopped)
    assert session["stop_reason"] == "Local"

    def registers():
        rows = MeterSample.objects.filter(session_id=session["id"],
                                          measurand="Energy.Active.Import.Register")
        return sorted((s.timestamp, int(s.value)) for s in rows)

    await eventually(lambda: len(registers()) >= 2)
    assert registers() == [(sampled, 2500), (stopped, 4000)]
