"""The sessions list's station filter is a search field (cpms/pickers.py), not one <select> of
the whole fleet, checked on the server against the tenant's stations: an unknown identity, or
another tenant's, is a form error (page and CSV), never a 500 nor their sessions."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from stations.models import Station
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.billing.test_dashboard_money import charged, rows_of
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db


def shown(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', page)}


def an_hour_ago(hours: int = 1) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def test_the_station_filter_is_a_search_field_not_a_fleet_select():
    tenant = make_tenant("Picker")
    for _ in range(3):
        make_station(tenant)
    page = signed_in(member(tenant, Role.INSTALLER)).get("/sessions/").text
    form = page.split('aria-label="Filter sessions"')[1].split("</form>")[0]
    assert 'data-picker="/pick/stations/"' in form and 'name="station"' in form
    assert "<select" not in form.split('name="station"')[0].rsplit('<div class="field', 1)[1]
    assert 'data-picker="/pick/id-tags/"' in form  # station roles search the id tags too
    accountant = signed_in(member(tenant, Role.ACCOUNTANT)).get("/sessions/").text
    assert 'data-picker="/pick/id-tags/"' not in accountant  # their picker route is refused


def test_a_typed_station_filters_in_any_case_and_a_removed_one_still_filters():
    tenant = make_tenant("Typed")
    (first, _), (second, _) = make_station(tenant), make_station(tenant)
    mine = charged(first, id_tag="A", wh=1_000, start=an_hour_ago(2))
    charged(second, id_tag="B", wh=2_000, start=an_hour_ago())
    http = signed_in(member(tenant, Role.MANAGER))
    assert shown(http.get("/sessions/", params={"station": first.identity.lower()}).text) == {mine.pk}
    Station.objects.filter(pk=first.pk).update(removed_at=datetime.now(UTC))  # as station_remove
    assert shown(http.get("/sessions/", params={"station": first.identity}).text) == {mine.pk}


def test_an_unknown_or_another_tenants_station_is_a_form_error_not_their_sessions():
    tenant, other = make_tenant("Mine"), make_tenant("Theirs")
    station, _ = make_station(tenant)
    theirs, _ = make_station(other)
    charged(station, id_tag="A", wh=1_000, start=an_hour_ago())
    hidden = charged(theirs, id_tag="B", wh=2_000, start=an_hour_ago())
    http = signed_in(member(tenant, Role.MANAGER))
    for typed in ("NO-SUCH-STATION", theirs.identity):
        page = http.get("/sessions/", params={"station": typed})
        exported = http.get("/sessions/export.csv", params={"station": typed})
        assert page.status_code == 200
        assert f"No station {typed} in this tenant." in page.text
        assert shown(page.text) == set() and hidden.pk not in shown(page.text)
        assert exported.status_code == 400


def test_the_csv_follows_the_picked_station():
    tenant = make_tenant("Export")
    (first, _), (second, _) = make_station(tenant), make_station(tenant)
    charged(first, id_tag="A", wh=1_000, start=an_hour_ago(2))
    charged(second, id_tag="B", wh=2_000, start=an_hour_ago())
    http = signed_in(member(tenant, Role.MANAGER))
    response = http.get("/sessions/export.csv", params={"station": first.identity})
    rows = rows_of(response.text)
    assert response.status_code == 200 and len(rows) == 1
    assert first.identity in rows[0].values()
