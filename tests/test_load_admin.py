"""Load groups in the admin: a station joins a group from its own page and a real station gets the
failsafe (installers seeing their tenants' groups only: tests/fast/loadmgmt/test_load_admin.py)."""

from loadmgmt.models import LoadGroup
from tests.factories import charge_point, eventually, make_station, make_tenant
from tests.fast.loadmgmt.test_load_admin import PERMISSIONS
from tests.test_admin import _hidden_fields, admin_session, make_user
from tests.test_load_management import limit_of


async def test_a_station_put_in_a_group_from_its_admin_page_gets_the_failsafe(server, celery_worker):
    tenant = make_tenant()
    group = LoadGroup.objects.create(tenant=tenant, name="Site", max_current=32, failsafe_current=7)
    station, password = make_station(tenant)
    user = make_user(tenant=tenant, permissions=PERMISSIONS)
    async with charge_point(server, tenant, station, password) as cp, admin_session(server, user) as http:
        page = await http.get(f"/admin/stations/station/{station.pk}/change/")
        fields = _hidden_fields(page.text)
        saved = await http.post(f"/admin/stations/station/{station.pk}/change/", data=fields | {
            "name": "", "enabled": "on", "security_profile": "1", "timezone": "",
            "max_current": "32", "load_group": str(group.pk), "tariff": "",
            "connectors-TOTAL_FORMS": fields.get("connectors-TOTAL_FORMS", "0"), "_save": "Save"})
        await eventually(lambda: limit_of(cp) == 7.0)
    assert saved.url.path == "/admin/stations/station/", saved.text[-2000:]
