"""The handshake: subprotocol, HTTP Basic auth, refusal before any message, replacement."""

import asyncio
import base64

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from stations.models import Station
from stations.simulator import connect
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant


async def _refused(coro) -> int:
    with pytest.raises(InvalidStatus) as refused:
        connection = await coro
        await connection.close()
    return refused.value.response.status_code


async def test_a_station_with_the_right_password_connects_with_ocpp16(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    assert connection.subprotocol == "ocpp1.6"
    await connection.close()


async def test_a_wrong_password_is_refused_at_the_handshake(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    status = await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                    "wrong-password-0123456789"))
    assert status == 403


async def test_an_unknown_station_is_refused(server):
    tenant = make_tenant()
    assert await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", "NOPE",
                                  "some-password-0123456789")) == 403


async def test_a_station_of_another_tenant_path_is_refused(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    assert await _refused(connect(f"{server.ws}/ocpp/{other.slug}", station.identity,
                                  password)) == 403


async def test_a_disabled_station_is_refused(server):
    tenant = make_tenant()
    station, password = make_station(tenant, enabled=False)
    assert await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                  password)) == 403


async def test_no_basic_auth_is_refused(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    assert await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                  None)) == 403


async def test_basic_auth_with_another_user_name_is_refused(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    other, _ = make_station(tenant)
    token = base64.b64encode(f"{other.identity}:{password}".encode()).decode()
    status = await _refused(websockets.connect(
        f"{server.ws}/ocpp/{tenant.slug}/{station.identity}", subprotocols=["ocpp1.6"],
        additional_headers={"Authorization": f"Basic {token}"}))
    assert status == 403


async def test_a_handshake_without_the_ocpp16_subprotocol_is_refused(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    token = base64.b64encode(f"{station.identity}:{password}".encode()).decode()
    for offered in ([], ["ocpp2.0.1"]):
        status = await _refused(websockets.connect(
            f"{server.ws}/ocpp/{tenant.slug}/{station.identity}", subprotocols=offered or None,
            additional_headers={"Authorization": f"Basic {token}"}))
        assert status == 403


async def test_a_second_connection_replaces_the_first(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as first:
        async with charge_point(server, tenant, station, password) as second:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(first._connection.recv(), 5)
            result = await second.boot()
            assert result.status == "Accepted"
            async with api_client(server, tenant) as api:
                body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
            assert body["connected"] is True


async def test_connected_turns_false_within_seconds_of_the_socket_closing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api:
        async def connected():
            return (await api.get(f"/api/v1/stations/{station.identity}/")).json()["connected"]

        async with charge_point(server, tenant, station, password):
            assert await connected() is True
        await eventually(lambda: _not(connected()), timeout=5)
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
        assert body["last_seen"] is not None


async def _not(awaitable):
    return not await awaitable


async def test_a_killed_server_process_leaves_its_stations_disconnected(fresh_server, server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api:
        async with charge_point(fresh_server, tenant, station, password):
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
            assert body["connected"] is True
            fresh_server.stop(hard=True)  # SIGKILL: no disconnect handler runs

            async def disconnected():
                body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
                return body["connected"] is False

            await eventually(disconnected, timeout=8)
    assert Station.objects.get(pk=station.pk).channel_name  # the row itself was never cleaned
