"""The dashboard's frame and overview: sign-in, password reset by email, the tenant switcher,
and the overview's figures (stations, sessions, energy, revenue for money roles, faults).
(In process, without a station: tests/fast/stations/test_dashboard.py.)"""

import re
from datetime import timedelta
from decimal import Decimal

import httpx
from django.utils import timezone

from billing.models import SessionPrice
from stations.models import ChargingSession
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in
from tests.factories import charge_point, make_station, make_tenant
from tests.test_admin import _hidden_fields


def _figure(page: str, name: str) -> str:
    match = re.search(rf'id="fig-{name}">([^<]*)<', page)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def _session(tenant, station, wh: int, started_at, running: bool = False, **fields):
    return ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, transaction_id=fields.pop("tx"),
        meter_start=1000, meter_stop=None if running else 1000 + wh,
        meter_last=1000 + wh, started_at=started_at, stopped_at=None if running else started_at,
        id_tag_status="Accepted", start_received_at=started_at, **fields)


async def test_an_anonymous_visitor_is_sent_to_the_login_page(server):
    async with httpx.AsyncClient(base_url=server.http) as http:
        response = await http.get("/")
        login = await http.get("/accounts/login/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/accounts/login/")
    assert '<label for="id_username">Username</label>' in login.text and "Log in</button>" in login.text


async def test_a_wrong_password_is_refused_with_a_reason(server):
    user = member(make_tenant("Login"), Role.MANAGER)
    async with httpx.AsyncClient(base_url=server.http) as http:
        page = await http.get("/accounts/login/")
        response = await http.post("/accounts/login/", data={
            "username": user.username, "password": "wrong",
            "csrfmiddlewaretoken": _hidden_fields(page.text)["csrfmiddlewaretoken"]})
    assert response.status_code == 200 and "didn't match" in response.text


async def test_the_overview_counts_the_tenants_stations_sessions_energy_and_revenue(server):
    tenant, other = make_tenant("Overview"), make_tenant("Elsewhere")
    online, password = make_station(tenant, identity="OV-ONLINE")
    faulted, faulted_password = make_station(tenant, identity="OV-FAULTED")
    make_station(tenant, identity="OV-OFFLINE")
    foreign, _ = make_station(other, identity="OV-FOREIGN")
    now = timezone.now()
    today = _session(tenant, online, 7500, now - timedelta(minutes=5), tx=1)
    _session(tenant, online, 2500, now - timedelta(minutes=2), running=True, tx=2)
    _session(tenant, online, 100_000, now - timedelta(days=40), tx=3)  # not this month
    _session(other, foreign, 50_000, now, tx=4)
    SessionPrice.objects.create(session=today, tenant=tenant, currency="EUR", net=Decimal("3"),
                                vat=Decimal("0.57"), gross=Decimal("3.57"))
    manager, installer = member(tenant, Role.MANAGER), member(tenant, Role.INSTALLER)
    as_manager, as_installer = await logged_in(server, manager), await logged_in(server, installer)
    try:
        async with charge_point(server, tenant, online, password) as cp:
            await cp.status(1, "Charging")  # its running session (Available would end it)
            async with charge_point(server, tenant, faulted, faulted_password) as bad:
                await bad.status(1, "Faulted", error_code="GroundFailure")
                page = (await as_manager.get("/")).text
        installer_page = (await as_installer.get("/")).text
    finally:
        await as_manager.aclose()
        await as_installer.aclose()
    assert _figure(page, "online") == "2" and _figure(page, "offline") == "1"
    assert _figure(page, "faulted") == "1"
    assert _figure(page, "running") == "1"
    assert _figure(page, "energy-today") == "10.0 kWh"  # 7.5 done + 2.5 so far, not the foreign 50
    assert _figure(page, "energy-month") == "10.0 kWh"  # the 40-day-old session is not in it
    assert _figure(page, "revenue-today") == "3.57 EUR"
    assert "GroundFailure" in page and "OV-FOREIGN" not in page
    assert 'id="energy-data"' in page and '"kwh": 10.0' in page
    assert "fig-revenue" not in installer_page  # no money for installers
    assert _figure(installer_page, "energy-today") == "10.0 kWh"


async def test_a_password_is_reset_through_the_emailed_link(server):
    user = member(make_tenant("Reset"), Role.ACCOUNTANT)
    user.email = f"{user.username}@example.com"
    user.save(update_fields=["email"])
    async with httpx.AsyncClient(base_url=server.http, timeout=20) as http:
        form = await http.get("/accounts/password_reset/")
        sent = await http.post("/accounts/password_reset/", data={
            "email": user.email, "csrfmiddlewaretoken": _hidden_fields(form.text)["csrfmiddlewaretoken"]})
        done_page = await http.get(sent.headers["location"])
        assert sent.status_code == 302 and "Check your email" in done_page.text
        mail = server.log()[server.log().rindex(f"To: {user.email}"):]
        path = re.search(r"http://[^/\s]+(/accounts/reset/\S+/)", mail).group(1)
        confirm = await http.get(path, follow_redirects=True)
        assert "Choose a new password" in confirm.text
        done = await http.post(str(confirm.url.path), data={
            "new_password1": "a-new-Pass-4321", "new_password2": "a-new-Pass-4321",
            "csrfmiddlewaretoken": _hidden_fields(confirm.text)["csrfmiddlewaretoken"]})
        assert done.status_code == 302
    signed_in = await logged_in(server, user, password="a-new-Pass-4321")
    await signed_in.aclose()
