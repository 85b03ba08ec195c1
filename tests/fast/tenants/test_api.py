"""The API bases (tenants/api.py, stations/api_base.py): async lists page and filter as the
generic views do, with the same query parameters and body; another tenant's station is a 404
before its body is read. (Every route for every tenant: test_tenant_isolation_routes.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from stations.reservations.models import Reservation
from stations.smartcharging.models import ChargingProfile
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def _profile(station, n: int, **fields) -> ChargingProfile:
    return ChargingProfile.objects.create(**{
        "tenant": station.tenant, "station": station, "connector_id": 1, "payload": {},
        "charging_profile_id": n, "stack_level": 0, "purpose": "TxDefaultProfile",
        "kind": "Absolute", "charging_rate_unit": "A"} | fields)


def test_an_async_list_is_paged_like_every_list(tenant, owner_api):
    station, _ = make_station(tenant)
    for n in range(3):
        Reservation.objects.create(tenant=tenant, station=station, reservation_id=n, connector_id=1,
                                   id_tag="CARD", expiry_date=timezone.now() + timedelta(hours=1))
    page = owner_api.get(f"/api/v1/stations/{station.identity}/reservations/",
                         params={"limit": 2, "offset": 1}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert (page["count"], len(page["results"])) == (3, 2)
    assert "limit=2" in page["previous"] and page["next"] is None


def test_an_async_list_takes_its_filters_from_a_filterset(tenant, owner_api):
    station, _ = make_station(tenant)
    _profile(station, 1, installed=True)
    _profile(station, 2, connector_id=2, purpose="ChargePointMaxProfile")
    url = f"/api/v1/stations/{station.identity}/charging-profiles/"

    def ids(**params) -> list[int]:
        response = owner_api.get(url, params=params)
        assert response.status_code == 200, response.json()
        return sorted(row["charging_profile_id"] for row in response.json()["results"])

    assert ids() == [1, 2]
    assert ids(installed="yes") == ids(installed="TRUE") == [1]
    assert ids(installed="no") == [2]
    assert ids(connector="2") == ids(purpose="ChargePointMaxProfile") == [2]
    assert ids(installed="", connector="", purpose="") == [1, 2]  # blank: no filter


def test_a_bad_filter_value_is_a_400_naming_it(tenant, owner_api):
    station, _ = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/charging-profiles/"
    assert owner_api.get(url, params={"installed": "maybe"}).json() == {"installed": ["true or false"]}
    for bad in ("-1", "1.5", "x", "²"):
        response = owner_api.get(url, params={"connector": bad})
        assert (response.status_code, response.json()) == (400, {"connector": ["A connector id"]})


def test_another_tenants_station_is_a_404_before_the_body_is_read(tenant, outsider_api):
    station, _ = make_station(tenant)
    for sub in ("firmware/", "logs/", "diagnostics/", "reservations/", "charging-profiles/",
                "password/", "trigger/", "commands/"):
        response = outsider_api.post(f"/api/v1/stations/{station.identity}/{sub}", json={"bad": 1})
        assert response.status_code == 404, sub
