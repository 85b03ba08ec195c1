"""Managing a station in the dashboard and the API (docs/dashboard.md, "Stations"): edit through
the API's rules, enable/disable, remove with its data kept and restore, a new password shown
once; the stations list at fleet size (filters, sort, search, removed stations)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpms.pickers import station_matches
from stations import selectors
from stations.models import ChargingSession, Location, Station
from stations.ocpp.handshake import Refused, station_authenticate
from tenants.models import Role
from tenants.secrets import check_password
from tests.factories import make_station
from tests.fast.clients import signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(tenant):
    return make_station(tenant, "MANAGE-1", name="Yard")


@pytest.fixture
def accountant_web(tenant):
    user = make_user(tenant=tenant, role=Role.ACCOUNTANT)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return signed_in(user)


def _session(station):
    return ChargingSession.objects.create(
        tenant=station.tenant, station=station, connector_id=1, transaction_id=77,
        station_transaction_id="77", id_tag="TAG1", meter_start=0, meter_stop=1500,
        started_at=timezone.now() - timedelta(hours=1), stopped_at=timezone.now())


def test_edit_saves_through_the_api_rules(owner_web, station, tenant):
    station, _ = station
    site = Location.objects.create(tenant=tenant, name="Depot")
    answer = owner_web.post(f"/stations/{station.identity}/edit/", {
        "name": "Gate 2", "location": site.pk, "timezone": "Europe/Berlin", "max_current": "16",
        "security_profile": "2", "file_transfer": "ftp", "admission": "Accepted"})
    assert answer.status_code == 302
    station.refresh_from_db()
    assert (station.name, station.location, station.timezone, station.max_current,
            station.security_profile, station.file_transfer) == (
        "Gate 2", site, "Europe/Berlin", 16, 2, "ftp")


def test_edit_refuses_a_lower_profile_and_another_tenants_site(owner_web, station, other_tenant):
    station, _ = station
    Station.objects.filter(pk=station.pk).update(security_profile=2)
    theirs = Location.objects.create(tenant=other_tenant, name="Theirs")
    answer = owner_web.post(f"/stations/{station.identity}/edit/", {
        "max_current": "16", "security_profile": "1", "admission": "Accepted", "location": theirs.pk})
    assert answer.status_code == 400
    assert "security_profile" in answer.context["form"].errors
    assert "location" in answer.context["form"].errors
    station.refresh_from_db()
    assert station.security_profile == 2 and station.location is None


def test_edit_refuses_bad_values_with_400(owner_web, station):
    station, _ = station
    answer = owner_web.post(f"/stations/{station.identity}/edit/", {
        "max_current": "-3", "security_profile": "1", "admission": "Maybe", "timezone": "Mars/Base"})
    assert answer.status_code == 400
    assert {"max_current", "admission", "timezone"} <= set(answer.context["form"].errors)


def test_accountant_reads_but_does_not_manage(accountant_web, station):
    station, _ = station
    page = accountant_web.get(f"/stations/{station.identity}/")
    assert page.status_code == 200 and b'data-action="edit"' not in page.content
    for url in ("edit/", "enabled/", "remove/", "password/"):
        assert accountant_web.post(f"/stations/{station.identity}/{url}", {"enabled": "0"}).status_code == 403


def test_another_tenant_gets_404(outsider_web, station):
    station, _ = station
    for url in ("edit/", "enabled/", "remove/", "restore/", "password/"):
        assert outsider_web.post(f"/stations/{station.identity}/{url}", {"enabled": "0"}).status_code == 404


def test_disable_refuses_the_station_at_connect_and_enable_lets_it_in(owner_web, station, tenant):
    station, password = station
    owner_web.post(f"/stations/{station.identity}/enabled/", {"enabled": "0"})
    assert station_authenticate(tenant_slug=tenant.slug, identity=station.identity,
                                password=password) is Refused.FORBIDDEN
    owner_web.post(f"/stations/{station.identity}/enabled/", {"enabled": "1"})
    assert not isinstance(station_authenticate(tenant_slug=tenant.slug, identity=station.identity,
                                               password=password), Refused)


def test_remove_keeps_the_data_hides_the_station_and_refuses_it(owner_web, station, tenant):
    station, password = station
    session = _session(station)
    answer = owner_web.post(f"/stations/{station.identity}/remove/")
    assert answer.status_code == 302
    station.refresh_from_db()
    assert station.removed_at is not None and not station.enabled and station.password_hash == ""
    assert ChargingSession.objects.filter(pk=session.pk).exists()
    assert not selectors.stations_of(tenant).filter(pk=station.pk).exists()
    assert station_matches(tenant, "MANAGE") == []
    assert isinstance(station_authenticate(tenant_slug=tenant.slug, identity=station.identity,
                                           password=password), Refused)
    assert b'data-station-row="MANAGE-1"' not in owner_web.get("/stations/").content
    assert b'data-station-row="MANAGE-1"' in owner_web.get("/stations/?removed=yes").content
    page = owner_web.get(f"/stations/{station.identity}/")
    assert page.status_code == 200 and b"data-removed" in page.content
    session_page = owner_web.get(f"/sessions/{session.pk}/")
    assert session_page.status_code == 200 and b"MANAGE-1" in session_page.content


def test_restore_brings_it_back_with_a_new_password_shown_once(owner_web, station, tenant):
    station, old = station
    owner_web.post(f"/stations/{station.identity}/remove/")
    answer = owner_web.post(f"/stations/{station.identity}/restore/")
    assert answer.status_code == 200
    password = answer.context["password"]
    station.refresh_from_db()
    assert station.removed_at is None and station.enabled
    assert check_password(password, station.password_hash) and not check_password(old, station.password_hash)
    assert owner_web.post(f"/stations/{station.identity}/restore/").status_code == 404  # not removed


def test_new_password_for_a_station_not_connected(owner_web, station):
    station, old = station
    answer = owner_web.post(f"/stations/{station.identity}/password/")
    assert answer.status_code == 200 and b"data-new-password" in answer.content
    station.refresh_from_db()
    assert check_password(answer.context["password"], station.password_hash)
    assert not check_password(old, station.password_hash)
    assert owner_web.get(f"/stations/{station.identity}/password/").status_code == 405


def test_onboarding_refuses_a_removed_identity_with_a_hint(owner_web, station):
    station, _ = station
    owner_web.post(f"/stations/{station.identity}/remove/")
    answer = owner_web.post("/stations/new/", {"identity": station.identity, "max_current": "16"})
    assert answer.status_code == 400 and b"restore it" in answer.content


def test_api_delete_is_the_soft_removal_and_restore_answers_a_password(owner_api, station, tenant):
    station, _ = station
    session = _session(station)
    assert owner_api.delete(f"/api/v1/stations/{station.identity}/").status_code == 204
    assert ChargingSession.objects.filter(pk=session.pk).exists()
    assert owner_api.get(f"/api/v1/stations/{station.identity}/").status_code == 404
    removed = owner_api.get("/api/v1/stations/?removed=true").json()
    assert [row["identity"] for row in removed["results"]] == [station.identity]
    assert owner_api.get(f"/api/v1/sessions/{session.pk}/").json()["station"] == station.identity
    restored = owner_api.post(f"/api/v1/stations/{station.identity}/restore/")
    assert restored.status_code == 200 and len(restored.json()["password"]) >= 16
    assert restored.json()["removed_at"] is None
    assert owner_api.post(f"/api/v1/stations/{station.identity}/restore/").status_code == 404


def test_api_location_on_a_station_is_tenant_scoped(owner_api, station, tenant, other_tenant):
    station, _ = station
    mine = Location.objects.create(tenant=tenant, name="Mine")
    theirs = Location.objects.create(tenant=other_tenant, name="Theirs")
    url = f"/api/v1/stations/{station.identity}/"
    assert owner_api.patch(url, json={"location": theirs.pk}).status_code == 400
    assert owner_api.patch(url, json={"location": "x"}).status_code == 400
    assert owner_api.patch(url, json={"location": mine.pk}).json()["location"] == mine.pk


def test_the_list_pages_sorts_searches_and_filters(owner_web, tenant):
    site = Location.objects.create(tenant=tenant, name="North")
    for n in range(60):
        make_station(tenant, f"FLEET-{n:03}", vendor="Acme" if n % 2 else "Other",
                     location=site if n < 5 else None)
    first = owner_web.get("/stations/")
    assert first.context["rows"].page.paginator.count == 60 and len(first.context["rows"].page) == 50
    assert owner_web.get("/stations/?page=2").context["rows"].page.object_list[0].identity == "FLEET-050"
    assert owner_web.get("/stations/?sort=-identity").context["rows"].page[0].identity == "FLEET-059"
    assert owner_web.get("/stations/?q=acme").context["rows"].page.paginator.count == 30
    assert owner_web.get(f"/stations/?site={site.pk}").context["rows"].page.paginator.count == 5
    assert owner_web.get("/stations/?site=none").context["rows"].page.paginator.count == 55
    for sort in ("name", "site", "status", "seen", "vendor", "-seen", "bogus"):
        assert owner_web.get(f"/stations/?sort={sort}&site=x&connected=maybe").status_code == 200


def test_the_list_is_a_fixed_number_of_queries_per_page(owner_web, tenant):
    for n in range(10):
        make_station(tenant, f"Q-{n}")
    owner_web.get("/stations/")
    with CaptureQueriesContext(connection) as few:
        owner_web.get("/stations/")
    for n in range(10, 40):
        make_station(tenant, f"Q-{n}")
    with CaptureQueriesContext(connection) as many:
        owner_web.get("/stations/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_onboarding_places_the_new_station_at_a_site(owner_web, tenant, other_tenant):
    site = Location.objects.create(tenant=tenant, name="Front")
    theirs = Location.objects.create(tenant=other_tenant, name="Theirs")
    refused = owner_web.post("/stations/new/", {"identity": "NEW-AT-SITE", "max_current": "16",
                                                "location": theirs.pk})
    assert refused.status_code == 400 and "location" in refused.context["form"].errors
    assert owner_web.post("/stations/new/", {"identity": "NEW-AT-SITE", "max_current": "16",
                                             "location": site.pk}).status_code == 200
    assert Station.objects.get(tenant=tenant, identity="NEW-AT-SITE").location == site
