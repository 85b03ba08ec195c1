"""Sites (docs/locations.md): the API (CRUD, stations by identity, OCPI opening hours, bad
input 400, tenant scoping), the pages (list with map data, detail, create with the weekday
editor, edit, delete unassigning, placing stations by the picker) and the CSP's tile host."""

import json

import pytest
from django.test import override_settings

from cpms.security_headers import tile_source, with_tiles
from locations.hours import hours_from, summary, validate_hours
from stations.models import Location, Station
from stations.services.stations import station_remove
from tenants.models import Role
from tests.factories import make_station
from tests.fast.clients import signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db

BODY = {"name": "Depot", "address": "Hauptstr. 1", "postal_code": "10115", "city": "Berlin",
        "country": "de", "latitude": "52.520008", "longitude": "13.404954", "timezone": "Europe/Berlin",
        "opening_hours": {"twentyfourseven": True}}


@pytest.fixture
def site(tenant):
    return Location.objects.create(tenant=tenant, name="Yard", latitude="48.1", longitude="11.5")


def test_api_creates_a_site_with_its_stations(owner_api, tenant):
    one, _ = make_station(tenant, "SITE-1")
    created = owner_api.post("/api/v1/locations/", json=BODY | {"stations": ["SITE-1"]})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["country"] == "DE" and data["stations"] == ["SITE-1"]
    one.refresh_from_db()
    assert one.location_id == data["id"]
    listed = owner_api.get("/api/v1/locations/").json()
    assert [row["name"] for row in listed["results"]] == ["Depot"]


@pytest.mark.parametrize("change", [
    {"latitude": "91"}, {"longitude": "-181"}, {"latitude": "abc"}, {"timezone": "Mars/Base"},
    {"country": "Germany"}, {"name": ""}, {"stations": ["NOPE"]}, {"stations": "SITE-1"},
    {"opening_hours": {"twentyfourseven": "yes"}},
    {"opening_hours": {"twentyfourseven": False, "regular_hours": [{"weekday": 8}]}},
    {"opening_hours": {"twentyfourseven": False, "regular_hours": [
        {"weekday": 1, "period_begin": "25:00", "period_end": "26:00"}]}},
    {"opening_hours": []},
])
def test_api_refuses_bad_input_with_400(owner_api, change):
    answer = owner_api.post("/api/v1/locations/", json=BODY | change)
    assert answer.status_code == 400, (change, answer.content)


def test_api_refuses_a_second_site_of_the_same_name(owner_api, site):
    assert owner_api.post("/api/v1/locations/", json=BODY | {"name": "Yard"}).status_code == 400


def test_api_put_sets_exactly_the_stations_given(owner_api, tenant, site):
    a, _ = make_station(tenant, "S-A", location=site)
    b, _ = make_station(tenant, "S-B")
    answer = owner_api.patch(f"/api/v1/locations/{site.pk}/", json={"stations": ["S-B"]})
    assert answer.status_code == 200 and answer.json()["stations"] == ["S-B"]
    a.refresh_from_db(), b.refresh_from_db()
    assert a.location is None and b.location == site


def test_api_delete_leaves_the_stations_without_a_site(owner_api, tenant, site):
    station, _ = make_station(tenant, "S-KEEP", location=site)
    assert owner_api.delete(f"/api/v1/locations/{site.pk}/").status_code == 204
    station.refresh_from_db()
    assert station.location is None and Station.objects.filter(pk=station.pk).exists()


def test_another_tenant_sees_and_touches_none(outsider_api, owner_api, site, other_tenant, tenant):
    assert outsider_api.get("/api/v1/locations/").json()["count"] == 0
    for method in ("get", "patch", "delete"):
        assert getattr(outsider_api, method)(f"/api/v1/locations/{site.pk}/").status_code == 404
    make_station(tenant, "MINE-1")
    assert outsider_api.post("/api/v1/locations/", json=BODY | {"stations": ["MINE-1"]}).status_code == 400
    theirs, _ = make_station(other_tenant, "THEIRS-1")
    answer = owner_api.patch(f"/api/v1/locations/{site.pk}/", json={"stations": ["THEIRS-1"]})
    assert answer.status_code == 400


def test_removed_stations_are_not_placed_nor_listed(owner_api, tenant, site):
    gone, _ = make_station(tenant, "GONE-1", location=site)
    station_remove(station=gone)
    assert owner_api.get(f"/api/v1/locations/{site.pk}/").json()["stations"] == []
    assert owner_api.patch(f"/api/v1/locations/{site.pk}/", json={"stations": ["GONE-1"]}).status_code == 400


def test_opening_hours_round_trip():
    hours = hours_from(False, {1: "8:00-12:00, 13:00-18:00", 6: "22:00-02:00", 7: ""})
    assert hours["regular_hours"][0] == {"weekday": 1, "period_begin": "08:00", "period_end": "12:00"}
    assert validate_hours(hours) == hours
    assert dict(summary(hours))["Sunday"] == "closed"
    assert validate_hours({"twentyfourseven": True}) == {"twentyfourseven": True}


def test_list_page_has_the_map_data_and_the_table(owner_web, site):
    page = owner_web.get("/sites/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-sites-map' in body and f'data-site-row="{site.pk}"' in body
    markers = json.loads(body.split('id="site-markers" type="application/json">')[1].split("</script>")[0])
    assert markers == [{"name": "Yard", "lat": 48.1, "lng": 11.5, "url": f"/sites/{site.pk}/", "stations": 0}]
    assert "https://tile.openstreetmap.org" in page["Content-Security-Policy"]


@override_settings(MAP_TILE_URL="")
def test_without_a_tile_url_the_page_is_its_list(owner_web, site):
    body = owner_web.get("/sites/").content.decode()
    assert "data-sites-map" not in body and "leaflet.js" not in body and "Yard" in body


def test_create_with_the_weekday_editor(owner_web, tenant):
    answer = owner_web.post("/sites/new/", {
        "name": "Mall", "latitude": "50.1", "longitude": "8.6", "timezone": "Europe/Berlin",
        "day_1": "08:00-20:00", "day_6": "10:00-16:00"})
    assert answer.status_code == 302
    site = Location.objects.get(tenant=tenant, name="Mall")
    assert site.opening_hours["twentyfourseven"] is False
    assert {p["weekday"] for p in site.opening_hours["regular_hours"]} == {1, 6}


@pytest.mark.parametrize("change,field", [
    ({"latitude": "95"}, "latitude"), ({"latitude": "50"}, "longitude"),
    ({"day_2": "eight to five"}, "day_2"), ({"day_3": "08:00-08:00"}, "day_3"),
    ({"timezone": "Nowhere"}, "timezone"), ({"country": "DEU"}, "country"),
])
def test_form_errors_stand_next_to_their_field(owner_web, change, field):
    answer = owner_web.post("/sites/new/", {"name": "Bad"} | change)
    assert answer.status_code == 400 and field in answer.context["form"].errors


def test_a_duplicate_name_is_a_form_error(owner_web, site):
    answer = owner_web.post("/sites/new/", {"name": "Yard"})
    assert answer.status_code == 400 and answer.context["form"].errors


def test_detail_assign_unassign_and_delete(owner_web, tenant, site):
    station, _ = make_station(tenant, "PLACE-1")
    assert owner_web.post(f"/sites/{site.pk}/stations/", {"stations": "PLACE-1, NOPE"}).status_code == 302
    station.refresh_from_db()
    assert station.location is None  # one unknown identity: nothing placed
    owner_web.post(f"/sites/{site.pk}/stations/", {"stations": "PLACE-1"})
    station.refresh_from_db()
    assert station.location == site
    page = owner_web.get(f"/sites/{site.pk}/")
    assert page.context["summary"]["total"] == 1 and b'data-station-row="PLACE-1"' in page.content
    owner_web.post(f"/sites/{site.pk}/stations/PLACE-1/remove/")
    station.refresh_from_db()
    assert station.location is None
    station.location = site
    station.save()
    confirm = owner_web.get(f"/sites/{site.pk}/delete/")
    assert b"stay" in confirm.content
    assert owner_web.post(f"/sites/{site.pk}/delete/").status_code == 302
    station.refresh_from_db()
    assert station.location is None and not Location.objects.filter(pk=site.pk).exists()


def test_accountants_read_and_outsiders_get_404(tenant, site, outsider_web):
    user = make_user(tenant=tenant, role=Role.ACCOUNTANT)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    web = signed_in(user)
    assert web.get("/sites/").status_code == 200 and web.get(f"/sites/{site.pk}/").status_code == 200
    assert web.post("/sites/new/", {"name": "X"}).status_code == 403
    assert web.post(f"/sites/{site.pk}/delete/").status_code == 403
    for url in ("", "edit/", "delete/"):
        assert outsider_web.get(f"/sites/{site.pk}/{url}").status_code == 404
    assert b"Yard" not in outsider_web.get("/sites/").content


def test_tile_source_of_the_csp():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("") == "" and tile_source("javascript:alert(1)") == ""
    assert "img-src 'self' data: https://t.example" in with_tiles("img-src 'self' data:", "https://t.example/{z}")


def test_the_stations_api_filters_by_site(owner_api, outsider_api, tenant, site):
    make_station(tenant, "AT-SITE", location=site)
    make_station(tenant, "ELSEWHERE")
    rows = owner_api.get(f"/api/v1/stations/?location={site.pk}").json()["results"]
    assert [row["identity"] for row in rows] == ["AT-SITE"]
    assert outsider_api.get(f"/api/v1/stations/?location={site.pk}").json()["count"] == 0
    assert outsider_api.get("/api/v1/stations/?location=999999").json()["count"] == 0
