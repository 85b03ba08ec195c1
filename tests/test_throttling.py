"""Guessing is slowed (issue 16, finding 8): failed sign-ins lock the account and the address
out for a while, failed station handshakes the identity and the address; right credentials never
count, so a reconnect storm of stations that know their passwords is never refused."""

import asyncio
import secrets

import httpx
import pytest

from tests.factories import make_station, make_tenant
from tests.server import server_env, start_server
from tests.test_admin import PASSWORD, _hidden_fields, make_user
from tests.test_security import handshake_status

LIMITS = {"LOGIN_FAILURES_PER_ACCOUNT": "3", "LOGIN_FAILURES_PER_ADDRESS": "6",
          "OCPP_HANDSHAKE_FAILURES_PER_IDENTITY": "3", "OCPP_HANDSHAKE_FAILURES_PER_ADDRESS": "6"}


@pytest.fixture
def strict_server(database, tmp_path):
    counters = {"CACHE_PREFIX": f"throttle-{secrets.token_hex(4)}"}  # counts of its own in Redis
    srv = start_server(server_env() | LIMITS | counters, tmp_path)
    yield srv
    srv.stop()


async def sign_in(server, username: str, password: str, page: str = "/accounts/login/") -> int:
    async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
        form = await http.get(page)
        response = await http.post(page, data={
            "username": username, "password": password, "next": "/",
            "csrfmiddlewaretoken": _hidden_fields(form.text)["csrfmiddlewaretoken"]})
        return response.status_code


async def test_an_account_is_locked_out_after_its_failed_sign_ins(strict_server):
    user, other = make_user(), make_user()

    assert [await sign_in(strict_server, user.username, "guess") for _ in range(3)] == [200] * 3
    assert await sign_in(strict_server, user.username, PASSWORD) == 429
    assert await sign_in(strict_server, user.username.upper(), PASSWORD) == 429
    assert await sign_in(strict_server, user.username, PASSWORD, page="/admin/login/") == 200
    assert await sign_in(strict_server, other.username, PASSWORD) == 302


async def test_an_address_is_locked_out_after_failed_sign_ins_for_many_accounts(strict_server):
    user = make_user()

    for n in range(6):
        await sign_in(strict_server, f"nobody-{n}", "guess")
    assert await sign_in(strict_server, user.username, PASSWORD) == 429


async def test_a_right_password_clears_its_accounts_failures(strict_server):
    user = make_user()

    for _ in range(2):
        await sign_in(strict_server, user.username, "guess")
    assert await sign_in(strict_server, user.username, PASSWORD) == 302
    assert [await sign_in(strict_server, user.username, "guess") for _ in range(2)] == [200] * 2
    assert await sign_in(strict_server, user.username, PASSWORD) == 302


async def test_a_station_identity_is_locked_out_after_failed_handshakes(strict_server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    neighbour, neighbours_password = make_station(tenant)

    assert [await handshake_status(strict_server, tenant, station.identity, "guess")
            for _ in range(3)] == [401] * 3
    assert await handshake_status(strict_server, tenant, station.identity, password) == 401
    assert await handshake_status(strict_server, tenant, neighbour.identity, neighbours_password) == 101


async def test_an_address_is_locked_out_after_failed_handshakes_for_many_identities(strict_server):
    tenant = make_tenant()
    station, password = make_station(tenant)

    for n in range(6):
        await handshake_status(strict_server, tenant, f"nobody-{n}", "guess")
    assert await handshake_status(strict_server, tenant, station.identity, password) == 401


async def test_a_reconnect_storm_with_right_passwords_is_never_refused(strict_server):
    tenant = make_tenant()
    stations = [make_station(tenant) for _ in range(10)]

    for _ in range(3):
        statuses = await asyncio.gather(*(handshake_status(strict_server, tenant, s.identity, p)
                                          for s, p in stations))
        assert statuses == [101] * 10
