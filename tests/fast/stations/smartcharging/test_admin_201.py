"""2.0.1 smart charging in the admin: the reports a tenant's stations sent (ProfileReport) and
load limits found by the station's transaction id, each user seeing their tenants' only."""

from decimal import Decimal

import pytest

from loadmgmt.models import LimitSent
from stations.smartcharging.models import ProfileReport
from tests.factories import make_station, make_tenant
from tests.fast.clients import admin_session
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db
UUID = "b9c1e8a0-0d1f-4c4f-9d0e-5c4c0b1f2a3d"


def test_reports_and_limits_of_201_stations_in_the_admin():
    tenant, other = make_tenant(), make_tenant()
    mine, _ = make_station(tenant)
    theirs, _ = make_station(other)
    ProfileReport.objects.create(tenant=tenant, station=mine, request_id=7, status="Accepted")
    ProfileReport.objects.create(tenant=other, station=theirs, request_id=8, status="Accepted")
    LimitSent.objects.create(station=mine, connector_id=1, station_transaction_id=UUID,
                             purpose="TxProfile", limit=Decimal("10.0"), status="Accepted")
    user = make_user(tenant=tenant, permissions=("view_profilereport", "view_limitsent",
                                                 "view_station"))
    with admin_session(user) as http:
        reports = http.get("/admin/smartcharging/profilereport/")
        limits = http.get("/admin/loadmgmt/limitsent/", params={"q": UUID})
    assert reports.status_code == 200
    assert mine.identity in reports.text and theirs.identity not in reports.text
    assert limits.status_code == 200 and UUID in limits.text
