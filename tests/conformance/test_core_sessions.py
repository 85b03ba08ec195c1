"""OCPP 1.6 Core conformance (OCA test cases): the charge point boots, charges and reports; the
central system answers and stores. The charge point is a real OCPP client over a real WebSocket."""

from datetime import UTC, datetime, timedelta

import pytest
import websockets
from ocpp.v16 import call
from websockets.exceptions import InvalidStatus

from stations.models import OcppMessage, Station, StatusEvent
from stations.simulator import basic_auth
from tests.conformance.core_steps import answered, connector_status, no_session, sessions
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


async def test_tc_001_cold_boot_charge_point(server):
    """Cold Boot Charge Point"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, connectors=2, boot=False) as cp, \
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


async def test_tc_003_regular_charging_session_plugin_first(server):
    """Regular Charging Session – Plugin First"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-1")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        assert await cp.authorize("OCTT-1") == "Accepted"
        start = await cp.start_transaction(1, "OCTT-1")
        await cp.status(1, "Charging")
        await cp.meter_values(1, 1200)
        await connector_status(api, station, 1, "Charging")
        [session] = await sessions(api, station)
    assert start.id_tag_info["status"] == "Accepted"
    assert session["transaction_id"] == start.transaction_id
    assert (session["id_tag"], session["energy_wh"], session["stopped_at"]) == ("OCTT-1", 1200, None)


async def test_tc_004_1_regular_charging_session_identification_first(server):
    """Regular Charging Session – Identification First"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-2")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize("OCTT-2") == "Accepted"
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, "OCTT-2")
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        [session] = await sessions(api, station)
    assert start.id_tag_info["status"] == "Accepted"
    assert (session["transaction_id"], session["connector_id"]) == (start.transaction_id, 1)


async def test_tc_004_2_regular_charging_session_identification_first_connection_timeout(server):
    """Regular Charging Session – Identification First – ConnectionTimeOut"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-3")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize("OCTT-3") == "Accepted"
        await cp.status(1, "Preparing")
        await cp.status(1, "Available")  # no cable within ConnectionTimeOut
        await connector_status(api, station, 1, "Available")
    history = await eventually(lambda: list(StatusEvent.objects.filter(
        station=station, connector_id=1).order_by("received_at").values_list("status", flat=True)))
    assert history == ["Preparing", "Available"]
    assert no_session(station)


async def test_tc_005_1_ev_side_disconnected(server):
    """EV Side Disconnected"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-4")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, "OCTT-4")
        await cp.status(1, "Charging")
        await cp.meter_values(1, 2500)
        # The cable is pulled at the EV's side: StopTransactionOnEVSideDisconnect stops the session.
        stop = await cp.stop_transaction(1, reason="EVDisconnected")
        await cp.status(1, "Finishing")
        await cp.status(1, "Available")
        await connector_status(api, station, 1, "Available")
        [session] = await sessions(api, station)
    assert stop.id_tag_info is None  # no idTag in the stop: nothing to authorize
    assert session["transaction_id"] == start.transaction_id
    assert (session["stop_reason"], session["energy_wh"]) == ("EVDisconnected", 2500)


async def test_tc_007_regular_start_charging_session_cached_id(server):
    """Regular Start Charging Session – Cached Id"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CACHED")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, "CACHED")  # authorized from the cache: no Authorize
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        [session] = await sessions(api, station)
    assert start.id_tag_info["status"] == "Accepted"
    assert session["transaction_id"] == start.transaction_id and session["id_tag"] == "CACHED"
    assert not OcppMessage.objects.filter(station=station, action="Authorize").exists()


async def _refused_authorization(server, case: str):
    tenant = make_tenant()
    station, password = make_station(tenant)
    fields = {"Expired": {"expiry_date": datetime.now(UTC) - timedelta(days=1)},
              "Blocked": {"status": "Blocked"}}
    if case != "Invalid":
        make_id_tag(tenant, "DRIVER", **fields[case])
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Preparing")
        info = (await cp.call(call.Authorize(id_tag="DRIVER"))).id_tag_info
        await cp.status(1, "Available")  # the station does not start
        await connector_status(api, station, 1, "Available")
    assert info["status"] == case
    assert [a["idTagInfo"]["status"] for a in await answered(station, "Authorize")] == [case]
    assert no_session(station)


async def test_tc_023_1_start_charging_session_authorize_invalid(server):
    """Start Charging Session – Authorize Invalid"""
    await _refused_authorization(server, "Invalid")


async def test_tc_023_2_start_charging_session_authorize_expired(server):
    """Start Charging Session – Authorize Expired"""
    await _refused_authorization(server, "Expired")


async def test_tc_023_3_start_charging_session_authorize_blocked(server):
    """Start Charging Session – Authorize Blocked"""
    await _refused_authorization(server, "Blocked")


async def test_tc_024_start_charging_session_lock_failure(server):
    """Start Charging Session Lock Failure"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "OCTT-5")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert await cp.authorize("OCTT-5") == "Accepted"
        await cp.status(1, "Preparing")
        await cp.status(1, "Faulted", error_code="ConnectorLockFailure")
        connector = await connector_status(api, station, 1, "Faulted")
    assert connector["error_code"] == "ConnectorLockFailure"
    assert no_session(station)


async def test_tc_064_data_transfer_to_a_central_system(server):
    """Data Transfer to a Central System"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        result = await cp.call(call.DataTransfer(vendor_id="org.openchargealliance.octt",
                                                 message_id="TestMessage", data="hello"))
    # No vendor extension is registered: the answer says so, as OCPP allows.
    assert result.status == "UnknownVendorId"
    request = await eventually(lambda: OcppMessage.objects.filter(
        station=station, direction="in", action="DataTransfer").first())
    assert request.payload == {"vendorId": "org.openchargealliance.octt",
                               "messageId": "TestMessage", "data": "hello"}


async def test_tc_088_websocket_subprotocol_validation(server):
    """WebSocket Subprotocol validation"""
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"{server.ws}/ocpp/{tenant.slug}/{station.identity}"
    headers = basic_auth(station.identity, password)
    for offered in (None, ["ocpp2.0.1"], ["ocpp1.5"]):
        with pytest.raises(InvalidStatus) as refused:
            connection = await websockets.connect(url, subprotocols=offered,
                                                  additional_headers=headers)
            await connection.close()
        assert refused.value.response.status_code == 403
    connection = await websockets.connect(url, subprotocols=["ocpp2.0.1", "ocpp1.6"],
                                          additional_headers=headers)
    try:
        assert connection.subprotocol == "ocpp1.6"
    finally:
        await connection.close()
