"""The station page's external charging limits (docs/ocpp201.md, "External charging limits"):
the limits in place with their source, what each sets now and whether it is grid critical, the
latest ended; every role reads them (nothing to act on), and a 1.6 station that never told one
has no such section."""

from datetime import UTC, datetime, timedelta

import pytest

from stations.models import Station
from stations.smartcharging.limits import charging_limit_cleared, charging_limit_notified
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db


def schedule(limit: float, unit: str = "A") -> list[dict]:
    return [{"id": 1, "chargingRateUnit": unit,
             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]}]


def test_a_201_station_page_shows_its_external_limits_to_an_accountant():
    tenant = make_tenant("Limits")
    station, _ = make_station(tenant, "LIM-201")
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    now = datetime.now(UTC)
    notified = {"station_id": station.pk, "tenant_id": tenant.pk}
    charging_limit_notified(**notified, evse_id=1, source="SO", grid_critical=True,
                            schedules=schedule(10), received_at=now - timedelta(minutes=5))
    charging_limit_notified(**notified, evse_id=None, source="EMS", grid_critical=None,
                            schedules=schedule(6900, "W"), received_at=now)
    charging_limit_notified(**notified, evse_id=2, source="Other", grid_critical=False,
                            schedules=[], received_at=now)
    charging_limit_cleared(station_id=station.pk, evse_id=2, source="Other", received_at=now)
    page = signed_in(member(tenant, Role.ACCOUNTANT)).get("/stations/LIM-201/").content.decode()
    assert "External charging limits" in page
    assert "EVSE 1</td>" in page and "System operator (grid)" in page
    assert "10 A per phase" in page and "grid critical</span>" in page
    assert "station</td>" in page and "6900 W" in page
    assert "EVSE 2, Other: released (clearedcharginglimit)" in page


def test_a_16_station_without_limits_has_no_such_section():
    tenant = make_tenant("Limits16")
    make_station(tenant, "LIM-16")
    page = signed_in(member(tenant, Role.MANAGER)).get("/stations/LIM-16/").content.decode()
    assert "External charging limits" not in page
