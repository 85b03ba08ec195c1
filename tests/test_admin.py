"""Installers onboard stations in the Django admin, over real HTTP against the running server: the
password shown once connects a real station (the admin's checks and tenancy in process:
tests/fast/stations/test_admin.py)."""

from contextlib import asynccontextmanager

import httpx

from stations.models import Station
from tests.factories import charge_point, make_tenant
from tests.fast.stations.test_admin import PASSWORD, _hidden_fields, _shown_password, make_user


@asynccontextmanager
async def admin_session(server, user):
    """An httpx client logged in to the admin as `user`, through the login form."""
    async with httpx.AsyncClient(base_url=server.http, follow_redirects=True,
                                 timeout=20) as http:
        page = await http.get("/admin/login/")
        response = await http.post("/admin/login/", data={
            "username": user.username, "password": PASSWORD, "next": "/admin/",
            "csrfmiddlewaretoken": _hidden_fields(page.text)["csrfmiddlewaretoken"],
        })
        assert response.url.path == "/admin/", response.text
        yield http


async def add_station(http: httpx.AsyncClient, tenant, identity: str,
                      timezone: str = "") -> httpx.Response:
    form = await http.get("/admin/stations/station/add/")
    assert form.status_code == 200
    data = _hidden_fields(form.text) | {
        "tenant": str(tenant.pk), "identity": identity, "name": "Installed today",
        "enabled": "on", "timezone": timezone, "max_current": "32", "_save": "Save",
    }
    return await http.post("/admin/stations/station/add/", data=data)


async def test_adding_a_station_shows_its_password_once_and_it_connects(server):
    tenant = make_tenant()
    user = make_user(superuser=True)
    async with admin_session(server, user) as http:
        response = await add_station(http, tenant, "ADMIN-CP1")
        again = await http.get(str(response.url))
    assert response.status_code == 200
    assert response.url.path == "/admin/stations/station/"
    shown = _shown_password(response.text, "ADMIN-CP1")
    assert shown is not None, response.text
    ocpp_url, password = shown
    assert ocpp_url.endswith(f"/ocpp/{tenant.slug}/ADMIN-CP1")
    assert len(password) >= 16
    assert password not in again.text
    station = Station.objects.get(tenant=tenant, identity="ADMIN-CP1")
    assert password not in station.password_hash
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Available")
    assert Station.objects.get(pk=station.pk).vendor == "Simulator"
