"""OCPP 1.6 Core conformance (OCA test cases): the charge point boots, charges and reports; the
central system answers and stores. The charge point is a real OCPP client over a real WebSocket."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import websockets
from ocpp.v16 import call
from websockets.exceptions import ConnectionClosed

from stations.models import Station, StatusEvent
from stations.simulator import basic_auth
from tests.conformance.core_steps import answered, connector_status, frames
from tests.factories import (
    api_client,
    eventually,
)


async def test_tc_001_cold_boot_charge_point(server, octt):
    """Cold Boot Charge Point"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, connectors=2, boot=False) as cp, \
            api_client(server, tenant) as api:
        boot = await cp.boot(vendor="OCTT", model="Cold-1")
        for connector_id in (0, 1, 2):
            await cp.status(connector_id, "Available")
        heartbeat = await cp.call(call.Heartbeat())
        for connector_id in (0, 1, 2):
            await connector_status(api, station, connector_id, "Available")
    now = datetime.now(UTC)
    assert boot.status == "Accepted" and boot.interval > 0
    assert abs(datetime.fromisoformat(boot.current_time) - now) < timedelta(seconds=10)
    assert abs(datetime.fromisoformat(heartbeat.current_time) - now) < timedelta(seconds=10)
    stored = Station.objects.get(pk=station.pk)
    assert (stored.vendor, stored.model) == ("OCTT", "Cold-1") and stored.last_boot_at is not None


async def test_tc_003_regular_charging_session_plugin_first(server, octt):
    """Regular Charging Session – Plugin First"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        assert await cp.authorize(octt.valid) == "Accepted"
        start = await cp.start_transaction(1, octt.valid)
        await cp.status(1, "Charging")
        await cp.meter_values(1, 1200)
        await connector_status(api, station, 1, "Charging")
        [session] = await octt.sessions(api)
    assert start.id_tag_info["status"] == "Accepted"
    assert session["transaction_id"] == start.transaction_id
    assert (session["id_tag"], session["energy_wh"], session["stopped_at"]) == (octt.valid, 1200, None)


async def test_tc_004_1_regular_charging_session_identification_first(server, octt):
    """Regular Charging Session – Identification First"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize(octt.valid) == "Accepted"
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, octt.valid)
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        [session] = await octt.sessions(api)
    assert start.id_tag_info["status"] == "Accepted"
    assert (session["transaction_id"], session["connector_id"]) == (start.transaction_id, 1)


async def test_tc_004_2_regular_charging_session_identification_first_connection_timeout(server, octt):
    """Regular Charging Session – Identification First – ConnectionTimeOut"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize(octt.valid) == "Accepted"
        await cp.status(1, "Preparing")
        await cp.status(1, "Available")  # no cable within ConnectionTimeOut
        await connector_status(api, station, 1, "Available")
    history = await eventually(lambda: list(StatusEvent.objects.filter(
        station=station, connector_id=1, received_at__gte=octt.began).order_by(
        "received_at").values_list("status", flat=True)))
    assert history == ["Available", "Preparing", "Available"]  # idle after its boot, then the case
    assert octt.no_session()


async def test_tc_005_1_ev_side_disconnected(server, octt):
    """EV Side Disconnected"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        await cp.meter_values(1, 2500)
        # The cable is pulled at the EV's side: StopTransactionOnEVSideDisconnect stops the session.
        stop = await cp.stop_transaction(1, reason="EVDisconnected")
        await cp.status(1, "Finishing")
        await cp.status(1, "Available")
        await connector_status(api, station, 1, "Available")
        [session] = await octt.sessions(api)
    assert stop.id_tag_info is None  # no idTag in the stop: nothing to authorize
    assert session["transaction_id"] == start.transaction_id
    assert (session["stop_reason"], session["energy_wh"]) == ("EVDisconnected", 2500)


async def test_tc_007_regular_start_charging_session_cached_id(server, octt):
    """Regular Start Charging Session – Cached Id"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, octt.valid)  # authorized from the cache: no Authorize
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        [session] = await octt.sessions(api)
    assert start.id_tag_info["status"] == "Accepted"
    assert session["transaction_id"] == start.transaction_id and session["id_tag"] == octt.valid
    assert not frames(octt, action="Authorize").exists()


async def _refused_authorization(server, octt, case: str):
    tenant, station = octt.tenant, octt.station
    card = {"Invalid": octt.invalid, "Expired": octt.expired, "Blocked": octt.blocked}[case]
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        info = (await cp.call(call.Authorize(id_tag=card))).id_tag_info
        await cp.status(1, "Available")  # the station does not start
        await connector_status(api, station, 1, "Available")
    assert info["status"] == case
    assert [a["idTagInfo"]["status"] for a in await answered(octt, "Authorize")] == [case]
    assert octt.no_session()


async def test_tc_023_1_start_charging_session_authorize_invalid(server, octt):
    """Start Charging Session – Authorize Invalid"""
    await _refused_authorization(server, octt, "Invalid")


async def test_tc_023_2_start_charging_session_authorize_expired(server, octt):
    """Start Charging Session – Authorize Expired"""
    await _refused_authorization(server, octt, "Expired")


async def test_tc_023_3_start_charging_session_authorize_blocked(server, octt):
    """Start Charging Session – Authorize Blocked"""
    await _refused_authorization(server, octt, "Blocked")


async def test_tc_024_start_charging_session_lock_failure(server, octt):
    """Start Charging Session Lock Failure"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize(octt.valid) == "Accepted"
        await cp.status(1, "Preparing")
        await cp.status(1, "Faulted", error_code="ConnectorLockFailure")
        connector = await connector_status(api, station, 1, "Faulted")
    assert connector["error_code"] == "ConnectorLockFailure"
    assert octt.no_session()


async def test_tc_064_data_transfer_to_a_central_system(server, octt):
    """Data Transfer to a Central System"""
    async with octt.charge_point(server) as cp:
        result = await cp.call(call.DataTransfer(vendor_id="org.openchargealliance.octt",
                                                 message_id="TestMessage", data="hello"))
    # No vendor extension is registered: the answer says so, as OCPP allows.
    assert result.status == "UnknownVendorId"
    request = await eventually(lambda: frames(octt, direction="in", action="DataTransfer").first())
    assert request.payload == {"vendorId": "org.openchargealliance.octt",
                               "messageId": "TestMessage", "data": "hello"}


async def test_tc_088_websocket_subprotocol_validation(server, octt):
    """WebSocket Subprotocol validation"""
    octt.configure(security_profile=1)  # plain ws with Basic auth
    tenant, station, password = octt.tenant, octt.station, octt.password
    url = f"{server.ws}/ocpp/{tenant.slug}/{station.identity}"
    headers = basic_auth(station.identity, password)
    for offered in (None, ["ocpp1.5"], ["ocpp2.0", "ocpp1.2"]):
        # OCPP-J: the handshake completes without a subprotocol and the server closes at once.
        refused = await websockets.connect(url, subprotocols=offered, additional_headers=headers,
                                           open_timeout=10)
        assert refused.subprotocol is None
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(refused.recv(), 5)
    # The endpoint speaks 2.0.1 too: the station's first choice that we speak is the link's.
    for offered in (["ocpp1.6"], ["ocpp1.5", "ocpp1.6", "ocpp2.0.1"]):
        connection = await websockets.connect(url, subprotocols=offered,
                                              additional_headers=headers)
        try:
            assert connection.subprotocol == "ocpp1.6"
        finally:
            await connection.close()
