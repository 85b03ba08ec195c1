"""The OCPP URL shown to installers follows the address the server was reached at (or started
on, for a command) unless OCPP_PUBLIC_URL says otherwise: a charger configured from it connects."""

import html
import re

import pytest

from stations.simulator import connect
from tenants.models import Role
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, make_station, make_tenant
from tests.server import server_env, start_server
from tests.test_admin import add_station, admin_session, make_user
from tests.test_management import manage

ONBOARDED_URL = re.compile(r'<code id="ocpp-url">([^<]+)</code>')


@pytest.fixture
def public_url_server(database, tmp_path):
    """A server whose deployment names its public URL."""
    srv = start_server(server_env() | {"OCPP_PUBLIC_URL": "wss://cpms.example.com/"}, tmp_path)
    yield srv
    srv.stop()


async def test_the_api_shows_the_port_the_server_was_reached_at_and_the_station_connects(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        created = (await api.post("/api/v1/stations/", json={"identity": "URL-1"})).json()
        fetched = (await api.get("/api/v1/stations/URL-1/")).json()
    expected = f"ws://127.0.0.1:{server.port}/ocpp/{tenant.slug}/URL-1"
    assert created["ocpp_url"] == fetched["ocpp_url"] == expected
    connection = await connect(expected, "URL-1", created["password"])
    assert connection.subprotocol == "ocpp1.6"
    await connection.close()


@pytest.fixture
def proxied_server(database, tmp_path):
    """A server that trusts the proxy in front of it (as behind the nginx of deploy/)."""
    srv = start_server(server_env() | {"OCPP_TRUST_PROXY_HEADERS": "1"}, tmp_path)
    yield srv
    srv.stop()


async def test_behind_a_trusted_tls_proxy_the_api_shows_wss_and_the_proxys_host(proxied_server):
    tenant = make_tenant()
    station, _ = make_station(tenant, identity="URL-2")
    async with api_client(proxied_server, tenant) as api:
        body = (await api.get("/api/v1/stations/URL-2/", headers={
            "Host": "cpms.example.net", "X-Forwarded-Proto": "https"})).json()
    assert body["ocpp_url"] == f"wss://cpms.example.net/ocpp/{tenant.slug}/URL-2"


async def test_an_untrusted_forwarded_scheme_is_ignored(server):
    tenant = make_tenant()
    make_station(tenant, identity="URL-5")
    async with api_client(server, tenant) as api:
        body = (await api.get("/api/v1/stations/URL-5/", headers={
            "Host": "cpms.example.net", "X-Forwarded-Proto": "https"})).json()
    assert body["ocpp_url"] == f"ws://cpms.example.net/ocpp/{tenant.slug}/URL-5"


async def test_ocpp_public_url_wins_over_the_address_reached(public_url_server):
    tenant = make_tenant()
    make_station(tenant, identity="URL-3")
    async with api_client(public_url_server, tenant) as api:
        body = (await api.get("/api/v1/stations/URL-3/")).json()
    assert body["ocpp_url"] == f"wss://cpms.example.com/ocpp/{tenant.slug}/URL-3"


async def test_the_onboarding_page_and_station_page_show_the_port_reached(server):
    tenant = make_tenant()
    http = await logged_in(server, make_user(tenant=tenant, role=Role.INSTALLER))
    try:
        onboarded = await post(http, "/stations/new/", {"identity": "URL-4", "max_current": "32"},
                               htmx=False)
        detail = await http.get("/stations/URL-4/")
    finally:
        await http.aclose()
    expected = f"ws://127.0.0.1:{server.port}/ocpp/{tenant.slug}/URL-4"
    assert html.unescape(ONBOARDED_URL.search(onboarded.text).group(1)) == expected
    assert f"<code>{expected}</code>" in html.unescape(detail.text)


async def test_the_admin_shows_the_port_reached_when_adding_and_editing(server):
    tenant = make_tenant()
    async with admin_session(server, make_user(superuser=True)) as http:
        added = await add_station(http, tenant, "URL-5")
        station = tenant.stations.get(identity="URL-5")
        change = await http.get(f"/admin/stations/station/{station.pk}/change/")
    expected = f"ws://127.0.0.1:{server.port}/ocpp/{tenant.slug}/URL-5"
    assert f"OCPP URL <code>{expected}</code>" in html.unescape(added.text)
    assert expected in html.unescape(change.text)


def test_the_demo_prints_ocpp_public_url_when_it_is_set(monkeypatch):
    monkeypatch.setenv("OCPP_PUBLIC_URL", "wss://cpms.example.com")
    demo = manage("demo", "--host", "localhost:9200")
    assert demo.returncode == 0, demo.stderr
    assert "Station OCPP URL : wss://cpms.example.com/ocpp/demo/DEMO-CP1" in demo.stdout
    assert "simulate wss://cpms.example.com/ocpp/demo " in demo.stdout
