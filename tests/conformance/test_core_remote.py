"""OCPP 1.6 Core conformance (OCA test cases): the central system starts and stops sessions
remotely and clears the authorization cache, driven through our command API."""

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.simulator import SimulatedChargePoint
from tests.conformance.core_steps import (
    answered,
    command,
    connector_status,
    logged_command,
    session_stopped,
)
from tests.factories import api_client, eventually


def _statuses(octt, connector_id: int) -> list[str]:
    """The connector's statuses reported since the case began, oldest first."""
    return list(octt.station.status_events.filter(
        connector_id=connector_id, received_at__gte=octt.began).order_by(
        "received_at", "pk").values_list("status", flat=True))


class AuthorizingStation(SimulatedChargePoint):
    """AuthorizeRemoteTxRequests is true: a remote start is authorized before it starts."""

    async def _remote_session(self, connector_id: int, id_tag: str) -> None:
        if await self.authorize(id_tag) == "Accepted":
            await super()._remote_session(connector_id, id_tag)


class NoCableStation(SimulatedChargePoint):
    """Accepts a remote start, but no cable is plugged in before ConnectionTimeOut."""

    async def _remote_session(self, connector_id: int, id_tag: str) -> None:
        await self.authorize(id_tag)
        await self.status(connector_id, "Preparing")
        await self.status(connector_id, "Available")


class RejectingStation(SimulatedChargePoint):
    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag, connector_id=None, **kwargs):
        self.received.append(("RemoteStartTransaction", {"id_tag": id_tag}))
        return call_result.RemoteStartTransaction(status="Rejected")

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id, **kwargs):
        self.received.append(("RemoteStopTransaction", {"transaction_id": transaction_id}))
        return call_result.RemoteStopTransaction(status="Rejected")


async def test_tc_010_remote_start_charging_session_cable_plugged_in_first(server, octt):
    """Remote Start Charging Session – Cable Plugged in First"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=AuthorizingStation) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": octt.valid, "connectorId": 1})
        await connector_status(api, station, 1, "Charging")
        [session] = await eventually(lambda: octt.sessions(api))
    assert answer == {"status": "Accepted"}
    assert [a["idTagInfo"]["status"] for a in await answered(octt, "Authorize")] == ["Accepted"]
    [start] = await answered(octt, "StartTransaction")
    assert start["idTagInfo"]["status"] == "Accepted"
    assert (session["transaction_id"], session["id_tag"]) == (start["transactionId"], octt.valid)


async def test_tc_011_1_remote_start_charging_session_remote_start_first(server, octt):
    """Remote Start Charging Session – Remote Start First"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=AuthorizingStation) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction", {"idTag": octt.valid})
        await connector_status(api, station, 1, "Charging")
        [session] = await eventually(lambda: octt.sessions(api))
    assert answer == {"status": "Accepted"}
    assert ("RemoteStartTransaction", {"id_tag": octt.valid}) in cp.received
    assert session["id_tag"] == octt.valid and session["stopped_at"] is None
    assert session["transaction_id"] == cp.connectors[1].transaction_id


async def test_tc_011_2_remote_start_charging_session_time_out(server, octt):
    """Remote Start Charging Session – Time Out"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=NoCableStation), \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": octt.valid, "connectorId": 1})
        assert [a["idTagInfo"]["status"] for a in await answered(octt, "Authorize")] == [
            "Accepted"]
        await eventually(lambda: _statuses(octt, 1) == ["Available", "Preparing", "Available"])
        await connector_status(api, station, 1, "Available")
    assert answer == {"status": "Accepted"}
    assert octt.no_session()


async def test_tc_012_remote_stop_charging_session(server, octt):
    """Remote Stop Charging Session"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        await cp.meter_values(1, 3000)
        answer = await command(api, station, "RemoteStopTransaction",
                               {"transactionId": start.transaction_id})
        [running] = await octt.sessions(api)
        session = await session_stopped(api, running["id"], "Remote")
    assert answer == {"status": "Accepted"}
    assert session["energy_wh"] == 3000
    assert ("RemoteStopTransaction", {"transaction_id": start.transaction_id}) in cp.received


async def test_tc_026_remote_start_charging_session_rejected(server, octt):
    """Remote Start Charging Session – Rejected"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=RejectingStation) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": octt.valid, "connectorId": 1})
    assert answer == {"status": "Rejected"}
    assert cp.received == [("RemoteStartTransaction", {"id_tag": octt.valid})]
    assert octt.no_session()


async def test_tc_028_remote_stop_transaction_rejected(server, octt):
    """Remote Stop Transaction – Rejected"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=RejectingStation) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        answer = await command(api, station, "RemoteStopTransaction",
                               {"transactionId": start.transaction_id})
        [session] = await octt.sessions(api)
    assert answer == {"status": "Rejected"}
    assert session["stopped_at"] is None  # the session runs on
    assert await logged_command(octt, "RemoteStopTransaction") == (
        {"transactionId": start.transaction_id}, {"status": "Rejected"})


async def test_tc_061_clear_authorization_data_in_authorization_cache(server, octt):
    """Clear Authorization Data in Authorization Cache"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "ClearCache")
        # With an empty cache the station asks the central system again.
        assert await cp.authorize(octt.valid) == "Accepted"
    assert answer == {"status": "Accepted"}
