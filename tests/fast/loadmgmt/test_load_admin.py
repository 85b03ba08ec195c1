"""Load groups in the admin, in process: installers see their tenants' groups only (a station
joining a group from its page and getting the failsafe: tests/test_load_admin.py)."""

import pytest

from loadmgmt.models import LoadGroup
from tests.factories import make_tenant
from tests.fast.clients import admin_session
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db

PERMISSIONS = ("view_loadgroup", "change_loadgroup", "view_station", "change_station",
               "view_allocation", "view_limitsent")


def test_an_installer_sees_only_their_tenants_groups():
    tenant, other = make_tenant(), make_tenant()
    mine = LoadGroup.objects.create(tenant=tenant, name="Our car park", max_current=63)
    LoadGroup.objects.create(tenant=other, name="Their car park", max_current=63)
    user = make_user(tenant=tenant, permissions=PERMISSIONS)
    with admin_session(user) as http:
        listing = (http.get("/admin/loadmgmt/loadgroup/")).text
        foreign = http.get(f"/admin/loadmgmt/loadgroup/{mine.pk + 1}/change/")
        allocations = http.get("/admin/loadmgmt/allocation/")
    assert "Our car park" in listing and "Their car park" not in listing
    assert foreign.url.path == "/admin/" and "doesn’t exist" in foreign.text  # admin's redirect
    assert allocations.status_code == 200
