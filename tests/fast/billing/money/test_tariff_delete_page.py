"""Deleting a tariff from the dashboard: as the API, an unused tariff goes with every version; one
in use is kept with the reason (409); managers only; another tenant's is a 404."""

from decimal import Decimal

import pytest

from billing.models import Tariff
from billing.services import tariff_create
from tests.factories import make_station
from tests.fast.clients import post

pytestmark = pytest.mark.django_db


def _tariff(tenant, name="Spare"):
    return tariff_create(tenant=tenant, name=name, currency="EUR", vat_rate=Decimal("19"),
                         elements=[{"price_components": [{"type": "ENERGY", "price": "0.30"}]}])


def test_an_unused_tariff_is_deleted_after_a_confirmation_page(tenant, owner_web):
    tariff = _tariff(tenant)

    page = owner_web.get(f"/tariffs/{tariff.pk}/delete/")
    response = post(owner_web, f"/tariffs/{tariff.pk}/delete/", {}, htmx=False)

    assert page.status_code == 200 and "Delete tariff Spare?" in page.content.decode()
    assert response.status_code == 302 and response.url == "/tariffs/"
    assert not Tariff.objects.filter(family=tariff.family).exists()


def test_a_tariff_in_use_is_kept_with_the_reason(tenant, owner_web):
    tariff = _tariff(tenant, "Used")
    make_station(tenant, "DEL-TARIFF-1", tariff=tariff)

    response = post(owner_web, f"/tariffs/{tariff.pk}/delete/", {}, htmx=False)

    assert response.status_code == 409
    assert "assign another tariff there first" in response.content.decode()
    assert Tariff.objects.filter(pk=tariff.pk).exists()


def test_only_managers_delete_and_never_another_tenants(tenant, other_tenant, member_web, outsider_web):
    tariff = _tariff(tenant)

    assert post(member_web, f"/tariffs/{tariff.pk}/delete/", {}, htmx=False).status_code == 403
    assert post(outsider_web, f"/tariffs/{tariff.pk}/delete/", {}, htmx=False).status_code == 404
    assert Tariff.objects.filter(pk=tariff.pk).exists()
