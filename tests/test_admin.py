"""Installers onboard stations in the Django admin, over real HTTP against the running server."""

import html
import itertools
import re
from contextlib import asynccontextmanager

import httpx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from stations.models import Station
from tenants.models import Membership, Role
from tests.factories import charge_point, make_station, make_tenant

PASSWORD = "admin-test-password-9876"
_users = itertools.count(1)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def make_user(*, superuser: bool = False, tenant=None, role: str = Role.INSTALLER,
              permissions: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(
        username=f"user{next(_users)}-{'super' if superuser else 'staff'}", password=PASSWORD,
        is_staff=True, is_superuser=superuser)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    if tenant is not None:
        Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


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


def _hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


async def add_station(http: httpx.AsyncClient, tenant, identity: str,
                      timezone: str = "") -> httpx.Response:
    form = await http.get("/admin/stations/station/add/")
    assert form.status_code == 200
    data = _hidden_fields(form.text) | {
        "tenant": str(tenant.pk), "identity": identity, "name": "Installed today",
        "enabled": "on", "timezone": timezone, "max_current": "32", "_save": "Save",
    }
    return await http.post("/admin/stations/station/add/", data=data)


def _shown_password(page: str, identity: str) -> tuple[str, str] | None:
    match = re.search(rf"Station <b>{re.escape(identity)}</b>: OCPP URL <code>([^<]+)</code>, "
                      r"user <code>[^<]+</code>, password <code>([^<]+)</code>", page)
    return match.groups() if match else None


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


async def test_an_installer_sees_only_the_stations_of_their_tenant(server):
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    make_station(mine, "MINE-STATION")
    make_station(theirs, "THEIR-STATION")
    user = make_user(tenant=mine, permissions=("view_station", "add_station", "change_station"))
    async with admin_session(server, user) as http:
        changelist = await http.get("/admin/stations/station/")
        form = await http.get("/admin/stations/station/add/")
        theirs_pk = Station.objects.get(tenant=theirs).pk
        their_page = await http.get(f"/admin/stations/station/{theirs_pk}/change/")
    assert changelist.status_code == 200
    assert "MINE-STATION" in changelist.text
    assert "THEIR-STATION" not in changelist.text
    assert f'<option value="{mine.pk}">' in form.text
    assert f'<option value="{theirs.pk}"' not in form.text
    assert "THEIR-STATION" not in their_page.text


async def test_an_installer_cannot_add_a_station_to_another_tenant(server):
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    user = make_user(tenant=mine, permissions=("view_station", "add_station", "change_station"))
    async with admin_session(server, user) as http:
        response = await add_station(http, theirs, "SNEAKY")
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert _shown_password(response.text, "SNEAKY") is None
    assert not Station.objects.filter(identity="SNEAKY").exists()


async def test_the_admin_refuses_an_identity_that_cannot_end_an_ocpp_url(server):
    tenant = make_tenant()
    user = make_user(superuser=True)
    async with admin_session(server, user) as http:
        slashed = await add_station(http, tenant, "CP/1")
        spaced = await add_station(http, tenant, "CP 1")
    for response in (slashed, spaced):
        assert response.url.path == "/admin/stations/station/add/"
        assert "Must not contain" in response.text
    assert not Station.objects.filter(tenant=tenant).exists()


async def test_the_admin_refuses_an_unknown_timezone(server):
    tenant = make_tenant()
    user = make_user(superuser=True)
    async with admin_session(server, user) as http:
        response = await add_station(http, tenant, "TZ-CP", timezone="Mars/Olympus")
    assert response.url.path == "/admin/stations/station/add/"
    assert "is not an IANA time zone name" in response.text
    assert not Station.objects.filter(tenant=tenant).exists()


async def test_the_admin_refuses_a_duplicate_identity_in_a_tenant(server):
    tenant = make_tenant()
    make_station(tenant, "TAKEN")
    user = make_user(superuser=True)
    async with admin_session(server, user) as http:
        response = await add_station(http, tenant, "TAKEN")
    assert response.status_code == 200
    assert _shown_password(response.text, "TAKEN") is None
    assert Station.objects.filter(tenant=tenant).count() == 1
