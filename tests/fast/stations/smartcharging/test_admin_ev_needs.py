"""ISO 15118 charging needs and the cars' schedules in the admin: read-only history, each user
seeing their tenants' stations only."""

from datetime import UTC, datetime

import pytest

from stations.smartcharging.models import ChargingNeeds, EVChargingSchedule
from tests.factories import make_station, make_tenant
from tests.fast.clients import admin_session
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_needs_and_schedules_of_the_users_tenant_only():
    tenant, other = make_tenant(), make_tenant()
    mine, _ = make_station(tenant)
    theirs, _ = make_station(other)
    for station in (mine, theirs):
        ChargingNeeds.objects.create(tenant=station.tenant, station=station, evse_id=1,
                                     requested_energy_transfer="AC_three_phase", status="Accepted",
                                     energy_amount_wh=22000, received_at=NOW)
        EVChargingSchedule.objects.create(tenant=station.tenant, station=station, evse_id=1,
                                          time_base=NOW, schedule={}, status="Rejected",
                                          reason="too much", received_at=NOW)
    user = make_user(tenant=tenant, permissions=("view_chargingneeds", "view_evchargingschedule",
                                                 "view_station"))
    with admin_session(user) as http:
        needs = http.get("/admin/smartcharging/chargingneeds/")
        schedules = http.get("/admin/smartcharging/evchargingschedule/")
    for page in (needs, schedules):
        assert page.status_code == 200
        assert mine.identity in page.text and theirs.identity not in page.text
    assert "22000" in needs.text and "too much" in schedules.text
