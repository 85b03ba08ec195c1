"""H2 (stations & sites): the sites' routes (locations/) and the station management routes
(stations/dashboard/manage.py, the API's restore)."""

from stations.models import Location
from stations.services.stations import station_remove
from tests.factories import make_station
from tests.fast.walks.calls import api, page

SECRET = "A-ONLY-7f3c"  # the isolation walk's: B must never read it


def objects_of_a(tenant, objects: dict) -> dict:
    """A site of tenant A with a station at it, a station to place, and a removed station."""
    if "site" in objects:
        return {}
    site = Location.objects.create(tenant=tenant, name=f"{SECRET} site", city="Berlin",
                                   latitude="52.52", longitude="13.40")
    placed, _ = make_station(tenant, "WALK-SITE-PLACED", location=site)
    loose, _ = make_station(tenant, "WALK-SITE-LOOSE")
    removed, _ = make_station(tenant, "WALK-REMOVED")
    station_remove(station=removed)
    return {"site": site, "site_station": placed, "loose_station": loose, "removed_station": removed}


ON_AN_OBJECT_OF_A = {
    "location-detail": lambda o: {"pk": o["site"].pk},
    "station-restore": lambda o: {"identity": o["removed_station"].identity},
}
TENANT_WIDE = {"location-list"}
MODELS_OF_A = {Location}

_SITE_BODY = {"name": "Walk site 2", "city": "Hamburg", "country": "DE", "latitude": "53.55",
              "longitude": "9.99", "timezone": "Europe/Berlin",
              "opening_hours": {"twentyfourseven": False, "regular_hours": [
                  {"weekday": 1, "period_begin": "08:00", "period_end": "20:00"}]}}
_SITE_FORM = {"name": "Walk site 3", "city": "Köln", "country": "de", "latitude": "50.94",
              "longitude": "6.96", "timezone": "", "day_1": "08:00-12:00, 13:00-18:00"}

EXAMPLES = {
    "POST api/v1/locations/": api(lambda o: "/api/v1/locations/",
                                  lambda o: _SITE_BODY | {"stations": [o["loose_station"].identity]}, 201),
    "PUT api/v1/locations/<pk>/": api(lambda o: f"/api/v1/locations/{o['site'].pk}/",
                                      lambda o: _SITE_BODY | {"name": "Walk site renamed"}, 200),
    "PATCH api/v1/locations/<pk>/": api(lambda o: f"/api/v1/locations/{o['site'].pk}/",
                                        {"city": "Potsdam"}, 200),
    "DELETE api/v1/locations/<pk>/": api(lambda o: f"/api/v1/locations/{o['site'].pk}/", None, 204),
    "POST api/v1/stations/<identity>/restore/": api(
        lambda o: f"/api/v1/stations/{o['removed_station'].identity}/restore/", None, 200),
    "POST sites/new/": page(lambda o: "/sites/new/", _SITE_FORM),
    "POST sites/<pk>/edit/": page(lambda o: f"/sites/{o['site'].pk}/edit/",
                                  _SITE_FORM | {"name": "Walk site edited"}),
    "POST sites/<pk>/delete/": page(lambda o: f"/sites/{o['site'].pk}/delete/"),
    "POST sites/<pk>/stations/": page(lambda o: f"/sites/{o['site'].pk}/stations/",
                                      lambda o: {"stations": o["loose_station"].identity}),
    "POST sites/<pk>/stations/<identity>/remove/": page(
        lambda o: f"/sites/{o['site'].pk}/stations/{o['site_station'].identity}/remove/"),
    "POST stations/<identity>/edit/": page(
        lambda o: f"/stations/{o['station'].identity}/edit/",
        {"name": "Walk edited", "max_current": "16", "security_profile": "1", "admission": "Accepted"}),
    "POST stations/<identity>/enabled/": page(lambda o: f"/stations/{o['station'].identity}/enabled/",
                                              {"enabled": "0"}),
    "POST stations/<identity>/remove/": page(lambda o: f"/stations/{o['station'].identity}/remove/"),
    "POST stations/<identity>/restore/": page(
        lambda o: f"/stations/{o['removed_station'].identity}/restore/"),
    "POST stations/<identity>/password/": page(lambda o: f"/stations/{o['station'].identity}/password/"),
}

# Pages that read: a POST is answered as a GET
PAGES = {"sites/", "sites/<pk>/"}
