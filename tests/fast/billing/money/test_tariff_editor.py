"""The tariff editor (bands as form rows, no JSON) and scheduled price changes, with worked
numbers (docs/pricing.md, "Scheduled price changes")."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing.models import SessionPrice, Tariff
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.billing.test_dashboard_money import charged, make_tariff
from tests.fast.clients import api_client, post, signed_in

pytestmark = pytest.mark.django_db
BASE = {"name": "Car park", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "15"}


def bands(*rows: dict) -> dict:
    data = {"band-TOTAL_FORMS": str(len(rows) + 1), "band-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"band-{index}-{key}"] = value
    return data


def last_wednesday_at(hour: int) -> datetime:
    day = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=7)
    return day - timedelta(days=(day.weekday() - 2) % 7)


def test_a_night_band_and_a_weekend_band_are_saved_as_elements_and_price_the_session():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    http = signed_in(member(tenant, Role.MANAGER))
    form = http.get("/tariffs/new/").text
    night = {"start_time": "22:00", "end_time": "06:00", "energy_price": "0.20"}
    weekend = {"days": ["SATURDAY", "SUNDAY"], "energy_price": "0.25"}
    saved = http.post("/tariffs/new/", BASE | {"energy_price": "0.30", "parking_price": "6.00",
                                               "is_default": "on"} | bands(night, weekend))
    assert form.count('name="band-') >= 6 * 3 and "elements_json" not in form  # rows, no JSON
    assert saved.status_code == 302
    tariff = Tariff.objects.get(tenant=tenant, name="Car park")
    assert tariff.elements == [
        {"price_components": [{"type": "ENERGY", "price": "0.20", "step_size": 1}],
         "restrictions": {"start_time": "22:00", "end_time": "06:00"}},
        {"price_components": [{"type": "ENERGY", "price": "0.25", "step_size": 1}],
         "restrictions": {"day_of_week": ["SATURDAY", "SUNDAY"]}},
        {"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1},
                              {"type": "PARKING_TIME", "price": "6.00", "step_size": 1}]}]
    Tariff.objects.filter(pk=tariff.pk).update(created_at=datetime.now(UTC) - timedelta(days=30))
    session = charged(station, id_tag="N", wh=10_000, start=last_wednesday_at(23))  # 23:00–00:00
    price = SessionPrice.objects.get(session=session)
    assert (price.net, price.gross) == (Decimal("2.00"), Decimal("2.38"))  # 10 kWh x 0.20, +19 %
    edit = http.get(f"/tariffs/{tariff.pk}/").text  # the bands come back as rows
    assert 'value="22:00"' in edit and 'value="0.25' in edit and 'value="0.20' in edit


def test_a_band_row_half_filled_is_explained_and_nothing_is_saved():
    tenant = make_tenant()
    http = signed_in(member(tenant, Role.MANAGER))
    response = post(http, "/tariffs/new/", BASE | {"energy_price": "0.30"} | bands(
        {"start_time": "22:00", "energy_price": "0.20"}), htmx=False)
    assert response.status_code == 400 and "Give both times" in response.text
    assert not Tariff.objects.filter(tenant=tenant).exists()


def test_elements_the_editor_cannot_show_are_said_and_kept():
    tenant = make_tenant()
    odd = {"price_components": [{"type": "ENERGY", "price": "0.50", "step_size": 1}],
           "restrictions": {"min_power": "50"}}
    tariff = make_tariff(tenant, elements=[odd, {"price_components": [
        {"type": "ENERGY", "price": "0.30", "step_size": 1}]}])
    http = signed_in(member(tenant, Role.MANAGER))
    assert "cannot show" in http.get(f"/tariffs/{tariff.pk}/").text
    assert http.post(f"/tariffs/{tariff.pk}/", BASE | {"name": "Standard", "energy_price": "0.31"}
                     | bands()).status_code == 302
    current = Tariff.objects.get(family=tariff.family, superseded_at__isnull=True)
    assert current.elements[0] == odd and current.elements[-1]["price_components"][0]["price"] == "0.31"


def test_a_scheduled_change_prices_sessions_from_its_date_and_can_be_cancelled():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant, is_default=True)  # 0.30 / kWh, 19 % VAT
    http = signed_in(member(tenant, Role.MANAGER))
    switch = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    response = http.post(f"/tariffs/{tariff.pk}/", {
        "name": "Standard", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
        "is_default": "on", "energy_price": "0.40",
        "valid_from": switch.strftime("%Y-%m-%dT%H:%M")} | bands())
    assert response.status_code == 302
    new = Tariff.objects.get(family=tariff.family, version=2)
    assert new.valid_from == switch and new.is_default
    before = charged(station, id_tag="A", wh=10_000, start=switch - timedelta(days=1))
    after = charged(station, id_tag="B", wh=10_000, start=switch + timedelta(hours=1))
    # before the switch: 10 kWh x 0.30 = 3.00 net, 3.57 gross; after: 10 x 0.40 = 4.00, 4.76
    assert SessionPrice.objects.get(session=before).gross == Decimal("3.57")
    assert SessionPrice.objects.get(session=after).gross == Decimal("4.76")
    page = http.get(f"/tariffs/{new.pk}/").text
    assert "pending" in page and "Cancel this change" in page


def test_cancelling_a_pending_change_restores_the_current_version():
    tenant = make_tenant()
    tariff = make_tariff(tenant, is_default=True)
    http = signed_in(member(tenant, Role.MANAGER))
    switch = datetime.now(UTC) + timedelta(days=2)
    http.post(f"/tariffs/{tariff.pk}/", BASE | {"name": "Standard", "is_default": "on",
                                                "energy_price": "0.40",
                                                "valid_from": switch.strftime("%Y-%m-%dT%H:%M")} | bands())
    new = Tariff.objects.get(family=tariff.family, version=2)
    assert http.post(f"/tariffs/{new.pk}/cancel-change/").status_code == 302
    tariff.refresh_from_db()
    assert tariff.superseded_at is None and tariff.is_default
    assert not Tariff.objects.filter(pk=new.pk).exists()
    past = http.post(f"/tariffs/{new.pk}/", BASE | {"energy_price": "0.5", "valid_from": "2001-01-01T00:00"}
                     | bands())
    assert past.status_code == 404  # gone
    refused = http.post(f"/tariffs/{tariff.pk}/", BASE | {"energy_price": "0.5",
                                                          "valid_from": "2001-01-01T00:00"} | bands())
    assert refused.status_code == 400 and "future" in refused.text


def test_the_api_schedules_a_change_refuses_a_past_date_and_cancels_it():
    tenant = make_tenant()
    tariff = make_tariff(tenant, is_default=True)
    switch = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    elements = [{"price_components": [{"type": "ENERGY", "price": "0.45"}]}]
    with api_client(tenant) as api:
        past = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"elements": elements,
                                                                 "valid_from": "2001-01-01T00:00:00Z"})
        scheduled = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"elements": elements,
                                                                      "valid_from": switch})
        on_create = api.post("/api/v1/tariffs/", json={"name": "N", "elements": elements,
                                                        "valid_from": switch})
        nothing_pending = api.post(f"/api/v1/tariffs/{tariff.pk}/cancel-change/")
        cancelled = api.post(f"/api/v1/tariffs/{scheduled.json()['id']}/cancel-change/")
    assert past.status_code == 400 and "future" in str(past.json())
    assert scheduled.status_code == 200 and scheduled.json()["version"] == 2
    assert scheduled.json()["valid_from"] is not None
    assert on_create.status_code == 400 and "valid_from" in on_create.json()
    assert nothing_pending.status_code == 409
    assert cancelled.status_code == 200 and cancelled.json()["id"] == tariff.pk
    assert Tariff.objects.filter(family=tariff.family).count() == 1


def test_a_post_without_the_band_rows_changes_the_base_prices_and_keeps_the_bands():
    tenant = make_tenant()
    night = {"price_components": [{"type": "ENERGY", "price": "0.20", "step_size": 1}],
             "restrictions": {"start_time": "22:00", "end_time": "06:00"}}
    tariff = make_tariff(tenant, elements=[night, {"price_components": [
        {"type": "ENERGY", "price": "0.30", "step_size": 1}]}])
    http = signed_in(member(tenant, Role.MANAGER))
    assert http.post(f"/tariffs/{tariff.pk}/", BASE | {"name": "Standard", "energy_price": "0.32"}
                     ).status_code == 302  # a client of the plain form: no band-TOTAL_FORMS
    current = Tariff.objects.get(family=tariff.family, superseded_at__isnull=True)
    assert current.elements == [night, {"price_components": [
        {"type": "ENERGY", "price": "0.32", "step_size": 1}]}]
