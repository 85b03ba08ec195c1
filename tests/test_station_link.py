"""The handshake: subprotocol, HTTP Basic auth, refusal before any message, replacement."""

import asyncio
import base64

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from stations.models import Station
from stations.simulator import connect
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant


async def _refusal(coro):
    """The HTTP response that refused the handshake."""
    with pytest.raises(InvalidStatus) as refused:
        connection = await coro
        await connection.close()
    return refused.value.response


async def _refused(coro) -> int:
    return (await _refusal(coro)).status_code


def _asks_for_basic_auth(response) -> bool:
    return (response.status_code == 401
            and response.headers.get("WWW-Authenticate") == 'Basic realm="OCPP"')


async def _connected(server, tenant, station) -> bool:
    async with api_client(server, tenant) as api:
        return (await api.get(f"/api/v1/stations/{station.identity}/")).json()["connected"]


def _basic(identity: str, password: str) -> dict:
    token = base64.b64encode(f"{identity}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def test_a_station_with_the_right_password_connects_with_ocpp16(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    assert connection.subprotocol == "ocpp1.6"
    await connection.close()


async def test_a_wrong_password_gets_401_asking_for_basic_auth(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    response = await _refusal(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                      "wrong-password-0123456789"))
    assert _asks_for_basic_auth(response)


async def test_an_unknown_station_gets_the_same_401_as_a_wrong_password(server):
    tenant = make_tenant()
    response = await _refusal(connect(f"{server.ws}/ocpp/{tenant.slug}", "NOPE",
                                      "some-password-0123456789"))
    assert _asks_for_basic_auth(response)


async def test_an_unknown_tenant_gets_401(server):
    response = await _refusal(connect(f"{server.ws}/ocpp/no-such-tenant", "NOPE",
                                      "some-password-0123456789"))
    assert _asks_for_basic_auth(response)


async def test_a_station_of_another_tenant_path_gets_401(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    response = await _refusal(connect(f"{server.ws}/ocpp/{other.slug}", station.identity,
                                      password))
    assert _asks_for_basic_auth(response)


async def test_a_disabled_station_with_its_password_gets_403(server):
    tenant = make_tenant()
    station, password = make_station(tenant, enabled=False)
    assert await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                  password)) == 403


async def test_a_disabled_station_does_not_tell_a_wrong_password_it_exists(server):
    tenant = make_tenant()
    station, _ = make_station(tenant, enabled=False)
    response = await _refusal(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                      "wrong-password-0123456789"))
    assert _asks_for_basic_auth(response)


async def test_no_basic_auth_gets_401(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    response = await _refusal(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, None))
    assert _asks_for_basic_auth(response)


async def test_basic_auth_with_another_user_name_gets_401(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    other, _ = make_station(tenant)
    response = await _refusal(websockets.connect(
        f"{server.ws}/ocpp/{tenant.slug}/{station.identity}", subprotocols=["ocpp1.6"],
        additional_headers=_basic(other.identity, password)))
    assert _asks_for_basic_auth(response)


async def test_a_refused_handshake_leaves_the_server_serving(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    for _ in range(3):
        await _refused(connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, "wrong"))
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    assert connection.subprotocol == "ocpp1.6"
    await connection.close()


async def test_a_client_offering_no_ocpp_we_speak_is_accepted_without_a_subprotocol_then_closed(server):
    """OCPP-J 1.6 §3.1.2: the handshake completes without Sec-WebSocket-Protocol and the
    server closes the connection at once; the station is never counted connected."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    for offered in ([], ["ocpp2.0"], ["ocpp2.1"]):
        connection = await websockets.connect(
            f"{server.ws}/ocpp/{tenant.slug}/{station.identity}", subprotocols=offered or None,
            additional_headers=_basic(station.identity, password), open_timeout=10)
        assert connection.subprotocol is None
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(connection.recv(), 5)
        assert connection.close_code == 1000
    assert await _connected(server, tenant, station) is False


async def test_a_client_offering_no_subprotocol_with_a_wrong_password_still_gets_401(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    response = await _refusal(websockets.connect(
        f"{server.ws}/ocpp/{tenant.slug}/{station.identity}",
        additional_headers=_basic(station.identity, "wrong-password-0123456789")))
    assert _asks_for_basic_auth(response)


async def test_a_second_connection_replaces_the_first(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as first:
        async with charge_point(server, tenant, station, password) as second:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(first._connection.recv(), 5)
            result = await second.boot()
            assert result.status == "Accepted"
            assert await _connected(server, tenant, station) is True


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
