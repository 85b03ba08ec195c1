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
    no_session,
    session_stopped,
    sessions,
)
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant


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


async def test_tc_010_remote_start_charging_session_cable_plugged_in_first(server):
    """Remote Start Charging Session – Cable Plugged in First"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-1")
    async with charge_point(server, tenant, station, password, cls=AuthorizingStation) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": "APP-1", "connectorId": 1})
        await connector_status(api, station, 1, "Charging")
        [session] = await eventually(lambda: sessions(api, station))
    assert answer == {"status": "Accepted"}
    assert [a["idTagInfo"]["status"] for a in await answered(station, "Authorize")] == ["Accepted"]
    [start] = await answered(station, "StartTransaction")
    assert start["idTagInfo"]["status"] == "Accepted"
    assert (session["transaction_id"], session["id_tag"]) == (start["transactionId"], "APP-1")


async def test_tc_011_1_remote_start_charging_session_remote_start_first(server):
    """Remote Start Charging Session – Remote Start First"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-2")
    async with charge_point(server, tenant, station, password, cls=AuthorizingStation) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction", {"idTag": "APP-2"})
        await connector_status(api, station, 1, "Charging")
        [session] = await eventually(lambda: sessions(api, station))
    assert answer == {"status": "Accepted"}
    assert ("RemoteStartTransaction", {"id_tag": "APP-2"}) in cp.received
    assert session["id_tag"] == "APP-2" and session["stopped_at"] is None
    assert session["transaction_id"] == cp.connectors[1].transaction_id


async def test_tc_011_2_remote_start_charging_session_time_out(server):
    """Remote Start Charging Session – Time Out"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-3")
    async with charge_point(server, tenant, station, password, cls=NoCableStation), \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": "APP-3", "connectorId": 1})
        assert [a["idTagInfo"]["status"] for a in await answered(station, "Authorize")] == [
            "Accepted"]
        await eventually(lambda: len(station.status_events.all()) == 2)
        await connector_status(api, station, 1, "Available")
    assert answer == {"status": "Accepted"}
    assert no_session(station)


async def test_tc_012_remote_stop_charging_session(server):
    """Remote Stop Charging Session"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-6")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, "OCTT-6")
        await cp.status(1, "Charging")
        await cp.meter_values(1, 3000)
        answer = await command(api, station, "RemoteStopTransaction",
                               {"transactionId": start.transaction_id})
        [running] = await sessions(api, station)
        session = await session_stopped(api, running["id"], "Remote")
    assert answer == {"status": "Accepted"}
    assert session["energy_wh"] == 3000
    assert ("RemoteStopTransaction", {"transaction_id": start.transaction_id}) in cp.received


async def test_tc_026_remote_start_charging_session_rejected(server):
    """Remote Start Charging Session – Rejected"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-4")
    async with charge_point(server, tenant, station, password, cls=RejectingStation) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "RemoteStartTransaction",
                               {"idTag": "APP-4", "connectorId": 1})
    assert answer == {"status": "Rejected"}
    assert cp.received == [("RemoteStartTransaction", {"id_tag": "APP-4"})]
    assert no_session(station)


async def test_tc_028_remote_stop_transaction_rejected(server):
    """Remote Stop Transaction – Rejected"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-7")
    async with charge_point(server, tenant, station, password, cls=RejectingStation) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, "OCTT-7")
        answer = await command(api, station, "RemoteStopTransaction",
                               {"transactionId": start.transaction_id})
        [session] = await sessions(api, station)
    assert answer == {"status": "Rejected"}
    assert session["stopped_at"] is None  # the session runs on
    assert await logged_command(station, "RemoteStopTransaction") == (
        {"transactionId": start.transaction_id}, {"status": "Rejected"})


async def test_tc_061_clear_authorization_data_in_authorization_cache(server):
    """Clear Authorization Data in Authorization Cache"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-8")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "ClearCache")
        # With an empty cache the station asks the central system again.
        assert await cp.authorize("OCTT-8") == "Accepted"
    assert answer == {"status": "Accepted"}
