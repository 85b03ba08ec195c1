"""OCA OCPP 2.0.1 conformance scenarios of block B, Provisioning (boot, heartbeat, the link):
the charging station plays its part over the real WebSocket, the central system is driven
through our API (docs/conformance.md)."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from stations.models import Station
from stations.simulator.core import basic_auth
from tests.conformance.v201.steps import evse_status


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
