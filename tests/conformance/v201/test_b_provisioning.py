"""OCA OCPP 2.0.1 conformance scenarios of block B, Provisioning (boot, heartbeat, the link):
the charging station plays its part over the real WebSocket, the central system is driven
through our API (docs/conformance.md)."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import websockets
from django.conf import settings
from ocpp.exceptions import SecurityError
from ocpp.v201 import call
from websockets.exceptions import ConnectionClosed

from stations.models import Station
from stations.simulator.core import basic_auth
from tests.conformance.v201.steps import evse_status
from tests.factories import eventually


async def test_tc_b_01_cold_boot_charging_station_accepted(server, octt201):
    """Cold Boot Charging Station – Accepted

    BootNotification (PowerUp) is Accepted with the current time and a heartbeat interval; the
    station reports its connectors; Heartbeat is answered with the current time."""
    station = octt201.station
    async with octt201.charge_point(server, evses=2, boot=False) as cp, \
            octt201.api(server) as api:
        boot = await cp.boot(reason="PowerUp", vendor="OCTT", model="Cold-201")
        for evse_id in (1, 2):
            await cp.status(evse_id, "Available")
        heartbeat = await cp.heartbeat()
        for evse_id in (1, 2):
            await evse_status(api, station, evse_id, "Available")
        shown = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    now = datetime.now(UTC)
    assert boot.status == "Accepted" and boot.interval > 0
    assert abs(datetime.fromisoformat(boot.current_time) - now) < timedelta(seconds=10)
    assert abs(datetime.fromisoformat(heartbeat) - now) < timedelta(seconds=10)
    stored = Station.objects.get(pk=station.pk)
    assert (stored.vendor, stored.model, stored.boot_reason) == ("OCTT", "Cold-201", "PowerUp")
    assert stored.last_boot_at is not None
    assert shown["ocpp_version"] == "2.0.1" and shown["vendor"] == "OCTT"


async def _admission(api, station, admission: str) -> None:
    """The operator accepts, holds or rejects the station through the API."""
    response = await api.patch(f"/api/v1/stations/{station.identity}/",
                               json={"admission": admission})
    assert response.status_code == 200 and response.json()["admission"] == admission


async def test_tc_b_02_cold_boot_charging_station_pending(server, octt201, celery_worker):
    """Cold Boot Charging Station – Pending

    The CSMS answers the boot Pending with a retry interval and may provision the station
    meanwhile (GetVariables); once the operator accepts it, the station's next BootNotification
    is Accepted with the heartbeat interval and it reports its connectors."""
    station = octt201.configure(admission="Pending")
    try:
        async with octt201.charge_point(server, boot=False) as cp, octt201.api(server) as api:
            pending = await cp.boot(reason="PowerUp")
            assert pending.status == "Pending"
            assert pending.interval == settings.OCPP_PENDING_RETRY_SECONDS > 0
            await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
            read = await api.post(f"/api/v1/stations/{station.identity}/device-model/get/", json={
                "variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}]})
            assert read.status_code == 200, read.text
            await _admission(api, station, "Accepted")
            accepted = await eventually(lambda: next(
                (b for b in cp.boots[1:] if b.status == "Accepted"), None))
            assert accepted.interval == settings.OCPP_HEARTBEAT_INTERVAL
            await cp.status(1, "Available")
            await evse_status(api, station, 1, "Available")
    finally:
        octt201.configure(admission="Accepted")


async def test_tc_b_30_cold_boot_charging_station_pending_rejected_security_error(
        server, octt201):
    """Cold Boot Charging Station – Pending/Rejected – SecurityError

    While its boot is answered Pending or Rejected, the station's other messages (Heartbeat,
    StatusNotification) get a CALLERROR SecurityError; the link stays up and its BootNotification
    is still answered."""
    try:
        for admission in ("Pending", "Rejected"):
            octt201.configure(admission=admission)
            async with octt201.charge_point(server, boot=False) as cp:
                assert (await cp.boot()).status == admission
                with pytest.raises(SecurityError):
                    await cp.call(call.Heartbeat(), suppress=False)
                with pytest.raises(SecurityError):
                    await cp.call(call.StatusNotification(
                        timestamp=datetime.now(UTC).isoformat(), connector_status="Available",
                        evse_id=1, connector_id=1), suppress=False)
                assert (await cp.boot(reason="Watchdog")).status == admission
    finally:
        octt201.configure(admission="Accepted")


async def test_tc_b_31_cold_boot_charging_station_pending_rejected_trigger_message(
        server, octt201, celery_worker):
    """Cold Boot Charging Station – Pending/Rejected – TriggerMessage

    A station held Pending is accepted by the operator: the CSMS sends it a
    TriggerMessage(BootNotification) at once, and the boot it triggers is Accepted."""
    station = octt201.configure(admission="Pending")
    try:
        async with octt201.charge_point(server, boot=False) as cp, octt201.api(server) as api:
            assert (await cp.boot()).status == "Pending"
            await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
            await _admission(api, station, "Accepted")
            await eventually(lambda: "BootNotification" in cp.triggered)
            triggered = await eventually(lambda: cp.boots[1:])
            assert triggered[0].status == "Accepted"
            assert await cp.heartbeat()
    finally:
        octt201.configure(admission="Accepted")


async def test_tc_b_58_websocket_subprotocol_validation(server, octt201):
    """WebSocket Subprotocol validation

    A station offering no subprotocol, or only ones the CSMS does not speak, is not linked (the
    handshake completes without a subprotocol and the CSMS closes); one offering `ocpp2.0.1`
    (first, or beside `ocpp1.6`) gets `ocpp2.0.1`."""
    octt201.configure(security_profile=1)  # plain ws with Basic auth
    tenant, station, password = octt201.tenant, octt201.station, octt201.password
    url = f"{server.ws}/ocpp/{tenant.slug}/{station.identity}"
    headers = basic_auth(station.identity, password)
    for offered in (None, ["ocpp2.0"], ["ocpp1.5", "ocpp2.1"]):
        refused = await websockets.connect(url, subprotocols=offered, additional_headers=headers,
                                           open_timeout=10)
        assert refused.subprotocol is None
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(refused.recv(), 5)
    for offered in (["ocpp2.0.1"], ["ocpp2.0.1", "ocpp1.6"]):
        connection = await websockets.connect(url, subprotocols=offered,
                                              additional_headers=headers)
        try:
            assert connection.subprotocol == "ocpp2.0.1"
        finally:
            await connection.close()
