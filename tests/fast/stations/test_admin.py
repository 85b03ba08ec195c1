"""Installers onboard stations in the Django admin, in process: each sees only their tenant's
stations, adds none to another tenant, and the admin refuses bad identities, time zones and duplicates
(the password shown once connecting a real station: tests/test_admin.py)."""

import html
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from stations.models import Station
from tenants.models import Membership, Role
from tests.factories import make_station, make_tenant
from tests.fast.clients import AdminClient, admin_session

pytestmark = pytest.mark.django_db

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


def _hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def add_station(http: AdminClient, tenant, identity: str, timezone: str = ""):
    form = http.get("/admin/stations/station/add/")
    assert form.status_code == 200
    data = _hidden_fields(form.text) | {
        "tenant": str(tenant.pk), "identity": identity, "name": "Installed today",
        "enabled": "on", "timezone": timezone, "max_current": "32", "_save": "Save",
    }
    return http.post("/admin/stations/station/add/", data=data)


def _shown_password(page: str, identity: str) -> tuple[str, str] | None:
    match = re.search(rf"Station <b>{re.escape(identity)}</b>: OCPP URL <code>([^<]+)</code>, "
                      r"user <code>[^<]+</code>, password <code>([^<]+)</code>", page)
    return match.groups() if match else None


def test_an_installer_sees_only_the_stations_of_their_tenant():
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    make_station(mine, "MINE-STATION")
    make_station(theirs, "THEIR-STATION")
    user = make_user(tenant=mine, permissions=("view_station", "add_station", "change_station"))
    with admin_session(user) as http:
        changelist = http.get("/admin/stations/station/")
        form = http.get("/admin/stations/station/add/")
        theirs_pk = Station.objects.get(tenant=theirs).pk
        their_page = http.get(f"/admin/stations/station/{theirs_pk}/change/")
    assert changelist.status_code == 200
    assert "MINE-STATION" in changelist.text
    assert "THEIR-STATION" not in changelist.text
    assert f'<option value="{mine.pk}">' in form.text
    assert f'<option value="{theirs.pk}"' not in form.text
    assert "THEIR-STATION" not in their_page.text


def test_an_installer_cannot_add_a_station_to_another_tenant():
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    user = make_user(tenant=mine, permissions=("view_station", "add_station", "change_station"))
    with admin_session(user) as http:
        response = add_station(http, theirs, "SNEAKY")
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert _shown_password(response.text, "SNEAKY") is None
    assert not Station.objects.filter(identity="SNEAKY").exists()


def test_the_admin_refuses_an_identity_that_cannot_end_an_ocpp_url():
    tenant = make_tenant()
    user = make_user(superuser=True)
    with admin_session(user) as http:
        slashed = add_station(http, tenant, "CP/1")
        spaced = add_station(http, tenant, "CP 1")
    for response in (slashed, spaced):
        assert response.url.path == "/admin/stations/station/add/"
        assert "Must not contain" in response.text
    assert not Station.objects.filter(tenant=tenant).exists()


def test_the_admin_refuses_an_unknown_timezone():
    tenant = make_tenant()
    user = make_user(superuser=True)
    with admin_session(user) as http:
        response = add_station(http, tenant, "TZ-CP", timezone="Mars/Olympus")
    assert response.url.path == "/admin/stations/station/add/"
    assert "is not an IANA time zone name" in response.text
    assert not Station.objects.filter(tenant=tenant).exists()


def test_the_admin_refuses_a_duplicate_identity_in_a_tenant():
    tenant = make_tenant()
    make_station(tenant, "TAKEN")
    user = make_user(superuser=True)
    with admin_session(user) as http:
        response = add_station(http, tenant, "TAKEN")
    assert response.status_code == 200
    assert _shown_password(response.text, "TAKEN") is None
    assert Station.objects.filter(tenant=tenant).count() == 1
