"""Tariffs and customers through the API: OCPI elements validated strictly, versions for a tariff
in use, one default per tenant, id tags that belong to a customer, and tenancy."""

from datetime import UTC, datetime

import pytest

from billing.models import SessionPrice, Tariff
from billing.selectors import group_tariff_of
from billing.services import tariff_create
from stations.models import IdTag
from stations.services.transactions import transaction_start
from tests.factories import make_id_tag, make_station, make_tenant, set_group_tariff, set_station_tariff
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

ENERGY_ONLY = [{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}]
NIGHT_AND_DAY = [
    {"price_components": [{"type": "ENERGY", "price": "0.20"}],
     "restrictions": {"start_time": "22:00", "end_time": "06:00",
                      "day_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]}},
    {"price_components": [{"type": "ENERGY", "price": "0.35"},
                          {"type": "PARKING_TIME", "price": "6.00", "step_size": 60}]},
]


def tariff_body(**fields) -> dict:
    return {"name": "Standard", "currency": "EUR", "vat_rate": "19.00", "idle_grace_minutes": 15,
            "elements": ENERGY_ONLY} | fields


def make_tariff(tenant, **fields) -> Tariff:
    return tariff_create(tenant=tenant, **({"name": "Standard", "currency": "EUR", "vat_rate": "19",
                                            "elements": ENERGY_ONLY} | fields))


def start_session_on(station) -> None:
    transaction_start(station=station, payload={"connectorId": 1, "idTag": "ANY", "meterStart": 0,
                                                "timestamp": datetime.now(UTC).isoformat()},
                      received_at=datetime.now(UTC))


# Creating and reading ------------------------------------------------------------------------

def test_a_created_tariff_reads_back_with_its_ocpi_elements():
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = api.post("/api/v1/tariffs/", json=tariff_body(
            elements=NIGHT_AND_DAY, min_price="0.5", max_price=None))
        assert created.status_code == 201, created.text
        body = (api.get(f"/api/v1/tariffs/{created.json()['id']}/")).json()
    assert (body["name"], body["currency"], body["vat_rate"], body["idle_grace_minutes"]) == (
        "Standard", "EUR", "19.00", 15)
    assert (body["min_price"], body["max_price"], body["is_default"]) == ("0.50", None, False)
    assert body["version"] == 1
    assert body["elements"] == [
        {"price_components": [{"type": "ENERGY", "price": "0.20", "step_size": 1}],
         "restrictions": {"start_time": "22:00", "end_time": "06:00",
                          "day_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]}},
        {"price_components": [{"type": "ENERGY", "price": "0.35", "step_size": 1},
                              {"type": "PARKING_TIME", "price": "6.00", "step_size": 60}]},
    ]


def test_the_list_is_paginated_and_shows_current_versions_only():
    tenant = make_tenant()
    old = make_tariff(tenant, name="A")
    SessionPrice.objects.create(session=_session(tenant), tenant=tenant, tariff=old)
    make_tariff(tenant, name="B")
    with api_client(tenant) as api:
        assert (api.patch(f"/api/v1/tariffs/{old.pk}/", json={"vat_rate": "7"})).status_code == 200
        listed = (api.get("/api/v1/tariffs/")).json()
        every = (api.get("/api/v1/tariffs/", params={"all_versions": "true"})).json()
    assert listed["count"] == 2 and {t["name"] for t in listed["results"]} == {"A", "B"}
    assert [t["version"] for t in listed["results"] if t["name"] == "A"] == [2]
    assert every["count"] == 3


def test_bad_elements_are_a_400_with_a_reason_per_field():
    tenant = make_tenant()
    bad = [
        {"price_components": [{"type": "KWH", "price": "0.30"},
                              {"type": "TIME", "price": "-1"},
                              {"type": "ENERGY", "price": "0.30", "step_size": 0}]},
        {"price_components": [{"type": "FLAT", "price": "1", "step_size": 1.5}],
         "restrictions": {"start_time": "7:00", "end_time": "24:00", "start_date": "2026-13-01",
                          "day_of_week": ["MONDAY", "FUNDAY"], "min_kwh": "-2", "max_duration": 60,
                          "min_duration": 120, "colour": "red"}},
        {"price_components": []},
    ]
    with api_client(tenant) as api:
        response = api.post("/api/v1/tariffs/", json=tariff_body(elements=bad))
        empty = api.post("/api/v1/tariffs/", json=tariff_body(elements=[]))
        missing = api.post("/api/v1/tariffs/", json={"name": "No elements"})
        top = api.post("/api/v1/tariffs/", json=tariff_body(
            currency="euro", vat_rate="120", min_price="2", max_price="1"))
    assert response.status_code == 400
    first, second, third = (response.json()["elements"][n] for n in ("0", "1", "2"))
    assert set(first["price_components"]["0"]) == {"type"}
    assert set(first["price_components"]["1"]) == {"price"}
    assert set(first["price_components"]["2"]) == {"step_size"}
    assert set(second["price_components"]["0"]) == {"step_size"}
    assert set(second["restrictions"]) == {"start_time", "end_time", "start_date", "day_of_week",
                                           "min_kwh", "colour"}
    assert "price_components" in third
    assert empty.status_code == 400 and "elements" in empty.json()
    assert missing.status_code == 400 and "elements" in missing.json()
    assert top.status_code == 400 and {"currency", "vat_rate"} <= set(top.json())
    assert not Tariff.objects.filter(tenant=tenant).exists()


def test_a_duration_range_upside_down_is_a_400_on_its_upper_bound():
    tenant = make_tenant()
    elements = [{"price_components": [{"type": "TIME", "price": "1"}],
                 "restrictions": {"min_duration": 120, "max_duration": 60}}]
    with api_client(tenant) as api:
        response = api.post("/api/v1/tariffs/", json=tariff_body(elements=elements))
        prices = api.post("/api/v1/tariffs/", json=tariff_body(min_price="2", max_price="1"))
    assert response.json()["elements"]["0"]["restrictions"] == {
        "max_duration": ["Must not be below min_duration."]}
    assert prices.json() == {"max_price": ["Must not be below min_price."]}


# Versions ------------------------------------------------------------------------------------

def test_an_unused_tariff_is_edited_in_place():
    tenant = make_tenant()
    tariff = make_tariff(tenant)
    with api_client(tenant) as api:
        response = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"elements": NIGHT_AND_DAY})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["version"]) == (tariff.pk, 1)
    assert Tariff.objects.get(pk=tariff.pk).elements[0]["restrictions"]["start_time"] == "22:00"


def test_editing_a_tariff_in_use_makes_a_new_version_that_stations_and_groups_follow():
    from loadmgmt.models import LoadGroup

    tenant = make_tenant()
    tariff = make_tariff(tenant, is_default=True)
    station, _ = make_station(tenant)
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=63)
    set_group_tariff(group, tariff)
    set_station_tariff(station, tariff)
    start_session_on(station)  # running under it: in use
    with api_client(tenant) as api:
        response = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"elements": NIGHT_AND_DAY})
        old = (api.get(f"/api/v1/tariffs/{tariff.pk}/")).json()
        listed = (api.get("/api/v1/tariffs/")).json()
        station_body = (api.get(f"/api/v1/stations/{station.identity}/")).json()
    new = response.json()
    assert response.status_code == 200
    assert new["id"] != tariff.pk and new["version"] == 2 and new["elements"][0]["restrictions"]
    assert new["is_default"] is True and old["is_default"] is False
    assert old["superseded_at"] is not None and old["elements"] == ENERGY_ONLY_STORED
    assert [t["id"] for t in listed["results"]] == [new["id"]]
    assert station_body["tariff"] == new["id"]
    assert group_tariff_of(group_id=group.pk).pk == new["id"]
    # the running session keeps the version it started under
    assert SessionPrice.objects.get(session__station=station).tariff_id == tariff.pk


def test_renaming_a_tariff_in_use_needs_no_new_version():
    tenant = make_tenant()
    tariff = make_tariff(tenant)
    SessionPrice.objects.create(session=_session(tenant), tenant=tenant, tariff=tariff)
    with api_client(tenant) as api:
        response = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"name": "Renamed"})
    assert (response.json()["id"], response.json()["version"], response.json()["name"]) == (
        tariff.pk, 1, "Renamed")


def test_an_old_version_cannot_be_edited():
    tenant = make_tenant()
    tariff = make_tariff(tenant)
    SessionPrice.objects.create(session=_session(tenant), tenant=tenant, tariff=tariff)
    with api_client(tenant) as api:
        new = (api.put(f"/api/v1/tariffs/{tariff.pk}/", json=tariff_body(vat_rate="7"))).json()
        again = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"vat_rate": "10"})
    assert new["version"] == 2 and new["vat_rate"] == "7.00"
    assert again.status_code == 409 and str(new["id"]) in again.json()["detail"]


# Deleting ------------------------------------------------------------------------------------

def test_deleting_an_unused_tariff_works_and_one_in_use_is_a_409():
    tenant = make_tenant()
    unused, used = make_tariff(tenant, name="Unused"), make_tariff(tenant, name="Used")
    SessionPrice.objects.create(session=_session(tenant), tenant=tenant, tariff=used)
    with api_client(tenant) as api:
        deleted = api.delete(f"/api/v1/tariffs/{unused.pk}/")
        refused = api.delete(f"/api/v1/tariffs/{used.pk}/")
    assert deleted.status_code == 204 and not Tariff.objects.filter(pk=unused.pk).exists()
    assert refused.status_code == 409 and "Sessions" in refused.json()["detail"]
    assert Tariff.objects.filter(pk=used.pk).exists()


def test_deleting_a_tariff_a_station_has_is_a_409_naming_it():
    tenant = make_tenant()
    tariff = make_tariff(tenant)
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        assigned = api.patch(f"/api/v1/stations/{station.identity}/", json={"tariff": tariff.pk})
        refused = api.delete(f"/api/v1/tariffs/{tariff.pk}/")
    assert assigned.status_code == 200 and assigned.json()["tariff"] == tariff.pk
    assert refused.status_code == 409 and station.identity in refused.json()["detail"]


# Default -------------------------------------------------------------------------------------

def test_one_default_per_tenant():
    tenant, other = make_tenant(), make_tenant()
    theirs = make_tariff(other, is_default=True)
    with api_client(tenant) as api:
        first = (api.post("/api/v1/tariffs/", json=tariff_body(name="A", is_default=True))).json()
        second = (api.post("/api/v1/tariffs/", json=tariff_body(name="B", is_default=True))).json()
        first_after = (api.get(f"/api/v1/tariffs/{first['id']}/")).json()
        back = api.patch(f"/api/v1/tariffs/{first['id']}/", json={"is_default": True})
        second_after = (api.get(f"/api/v1/tariffs/{second['id']}/")).json()
    assert first_after["is_default"] is False and second["is_default"] is True
    assert back.json()["is_default"] is True and second_after["is_default"] is False
    assert Tariff.objects.get(pk=theirs.pk).is_default  # another tenant's default is untouched


# Stations and id tags take them --------------------------------------------------------------

def test_a_station_takes_only_its_own_tenants_current_tariff():
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    theirs = make_tariff(other)
    with api_client(tenant) as api:
        url = f"/api/v1/stations/{station.identity}/"
        foreign = api.patch(url, json={"tariff": theirs.pk})
        cleared = api.patch(url, json={"tariff": None})
    assert foreign.status_code == 400 and "tariff" in foreign.json()
    assert cleared.status_code == 200 and cleared.json()["tariff"] is None


def test_customers_are_created_listed_and_given_id_tags():
    tenant = make_tenant()
    make_id_tag(tenant, "CARD1")
    with api_client(tenant) as api:
        created = api.post("/api/v1/customers/", json={
            "name": "Acme GmbH", "address": "Hauptstr. 1\n10115 Berlin", "email": "ap@acme.example",
            "vat_id": "DE123456789"})
        customer = created.json()
        tagged = api.patch("/api/v1/id-tags/CARD1/", json={"customer": customer["id"],
                                                                "internal": True})
        listed = (api.get("/api/v1/customers/")).json()
        bad = api.post("/api/v1/customers/", json={"name": "", "email": "not-an-address"})
    assert created.status_code == 201
    assert {k: customer[k] for k in ("name", "address", "email", "vat_id")} == {
        "name": "Acme GmbH", "address": "Hauptstr. 1\n10115 Berlin", "email": "ap@acme.example",
        "vat_id": "DE123456789"}
    assert tagged.status_code == 200
    assert (tagged.json()["customer"], tagged.json()["internal"]) == (customer["id"], True)
    assert listed["count"] == 1
    assert bad.status_code == 400 and {"name", "email"} <= set(bad.json())


def test_an_id_tag_cannot_take_another_tenants_customer():
    from billing.models import Customer

    tenant, other = make_tenant(), make_tenant()
    make_id_tag(tenant, "CARD1")
    theirs = Customer.objects.create(tenant=other, name="Theirs")
    with api_client(tenant) as api:
        response = api.patch("/api/v1/id-tags/CARD1/", json={"customer": theirs.pk})
    assert response.status_code == 400 and "customer" in response.json()
    assert IdTag.objects.get(tenant=tenant, id_tag="CARD1").customer_id is None


# Tenancy -------------------------------------------------------------------------------------

def test_another_tenants_tariff_is_a_404():
    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    tariff = make_tariff(theirs)
    with api_client(mine) as api:
        url = f"/api/v1/tariffs/{tariff.pk}/"
        assert (api.get(url)).status_code == 404
        assert (api.patch(url, json={"name": "Mine now"})).status_code == 404
        assert (api.put(url, json=tariff_body())).status_code == 404
        assert (api.delete(url)).status_code == 404
        listed = (api.get("/api/v1/tariffs/")).json()
    assert listed["count"] == 0
    assert Tariff.objects.get(pk=tariff.pk).name == "Standard"


def test_another_tenants_customer_is_a_404():
    from billing.models import Customer

    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    customer = Customer.objects.create(tenant=theirs, name="Theirs")
    with api_client(mine) as api:
        url = f"/api/v1/customers/{customer.pk}/"
        assert (api.get(url)).status_code == 404
        assert (api.patch(url, json={"name": "Mine now"})).status_code == 404
        assert (api.delete(url)).status_code == 404
        listed = (api.get("/api/v1/customers/")).json()
    assert listed["count"] == 0
    assert Customer.objects.get(pk=customer.pk).name == "Theirs"


ENERGY_ONLY_STORED = [{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}]


def _session(tenant):
    station, _ = make_station(tenant)
    start_session_on(station)
    return station.sessions.get()
