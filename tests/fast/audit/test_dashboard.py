"""The audit log's dashboard page and the station page's history card (audit/views.py,
audit/templatetags/audit.py): managers only, the tenant's entries in its time zone, filters
as the API's, "who changed this tariff, and when?" answered by the object's filter."""

from datetime import UTC, datetime

import pytest

from tests.factories import make_station
from tests.fast.audit.test_api import entry

pytestmark = pytest.mark.django_db


def test_a_manager_sees_the_log_with_changes_and_times_in_the_tenants_zone(tenant, owner_web):
    tenant.timezone = "Europe/Berlin"
    tenant.save(update_fields=["timezone"])
    entry(tenant, at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), actor="alice@example.com",
          changes={"name": ["Old rate", "Day rate"]})

    response = owner_web.get("/audit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-03-01 13:00:00" in page  # Berlin, an hour ahead in March
    assert "alice@example.com" in page
    assert "Old rate → Day rate" in page
    assert "/audit/export.csv" in page and "/audit/export.json" in page


def test_who_changed_this_tariff_is_answered_by_its_objects_filter(tenant, owner_web):
    entry(tenant, actor="alice@example.com", object_type="billing.tariff", object_id="7")
    entry(tenant, actor="bob@example.com", object_type="billing.tariff", object_id="8")

    page = owner_web.get("/audit/?object_type=billing.tariff&object_id=7").content.decode()

    assert "alice@example.com" in page
    assert "bob@example.com" not in page
    assert "export.csv?object_type=billing.tariff&amp;object_id=7" in page


def test_a_bad_filter_is_told_next_to_its_field(tenant, owner_web):
    entry(tenant, actor="alice@example.com")

    response = owner_web.get("/audit/?since=yesterday")

    assert response.status_code == 400
    assert "alice@example.com" not in response.content.decode()
    assert "Enter a valid date/time" in response.content.decode()


def test_the_page_is_paged(tenant, owner_web):
    for n in range(60):
        entry(tenant, object_id=str(n))

    page = owner_web.get("/audit/").content.decode()

    assert "1–50 of 60" in page


def test_other_roles_and_tenants_do_not_see_it(tenant, member_web, outsider_web):
    entry(tenant, actor="alice@example.com")

    assert member_web.get("/audit/").status_code in (302, 403)
    assert "alice@example.com" not in outsider_web.get("/audit/").content.decode()


def test_the_station_page_shows_its_history_to_managers(tenant, owner_web, member_web):
    station, _ = make_station(tenant, "CP-HIST-1")
    entry(tenant, action="command", object_type="stations.station", object_id=str(station.pk),
          object_repr="Reset", station_id=station.pk, station_identity=station.identity,
          changes={"request": {"type": "Soft"}}, result="Accepted", actor="alice@example.com")
    entry(tenant, actor="somebody-else@example.com")  # not about this station

    page = owner_web.get(f"/stations/{station.identity}/").content.decode()
    installer_page = member_web.get(f"/stations/{station.identity}/").content.decode()

    assert 'id="audit-history"' in page
    assert "alice@example.com" in page and "Accepted" in page
    assert "somebody-else@example.com" not in page
    assert "/audit/?station=CP-HIST-1" in page
    assert 'id="audit-history"' not in installer_page


def test_the_station_card_shows_the_latest_ten(tenant, owner_web):
    station, _ = make_station(tenant, "CP-HIST-2")
    for n in range(12):
        entry(tenant, at=datetime(2026, 3, 1, n, tzinfo=UTC), actor=f"actor-{n:02d}",
              station_id=station.pk, station_identity=station.identity)

    page = owner_web.get(f"/stations/{station.identity}/").content.decode()

    assert "actor-11" in page and "actor-02" in page
    assert "actor-01" not in page
