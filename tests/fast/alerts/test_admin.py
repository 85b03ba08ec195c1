"""Alerts in the admin (alerts/admin.py): read-only, and a staff member sees only the alerts of
the tenants they are a member of."""

import pytest

from alerts.models import Alert
from alerts.services import alert_raise, alert_rule_update, station_mute
from tests.factories import make_station
from tests.fast.clients import admin_session
from tests.fast.stations.test_admin import make_user

pytestmark = pytest.mark.django_db
VIEW = ("view_alert", "view_alertrule", "view_stationmute", "view_alertnotification",
        "add_alert", "change_alert", "delete_alert")


def _alert(tenant, title: str) -> Alert:
    station = make_station(tenant)[0]
    station_mute(tenant_id=tenant.pk, station_id=station.pk, reason="works")
    alert_rule_update(tenant_id=tenant.pk, kind="station_offline", threshold=5)
    return alert_raise(tenant_id=tenant.pk, kind="station_offline", key=f"station:{station.pk}",
                       title=title, station_id=station.pk)


def test_staff_see_their_tenants_alerts_only_and_change_nothing(tenant, other_tenant):
    mine, theirs = _alert(tenant, "MINE offline"), _alert(other_tenant, "THEIRS offline")
    staff = make_user(tenant=tenant, permissions=VIEW)
    with admin_session(staff) as admin:
        listed = admin.get("/admin/alerts/alert/").content.decode()
        assert "MINE offline" in listed and "THEIRS offline" not in listed
        for page in ("alertrule", "stationmute", "alertnotification"):
            assert admin.get(f"/admin/alerts/{page}/").status_code == 200
        assert admin.get(f"/admin/alerts/alert/{mine.pk}/change/").status_code == 200
        assert admin.get(f"/admin/alerts/alert/{theirs.pk}/change/").url.path == "/admin/"
        assert admin.get("/admin/alerts/alert/add/").status_code == 403
        admin.post(f"/admin/alerts/alert/{mine.pk}/delete/", {"post": "yes"})
    assert Alert.objects.filter(pk=mine.pk).exists()
