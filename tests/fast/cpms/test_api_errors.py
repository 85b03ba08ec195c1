"""cpms/api_errors.py: what the API answers for errors a view does not catch itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Customer, Invoice

pytestmark = pytest.mark.django_db


def test_deleting_a_customer_that_invoices_refer_to_is_a_409_with_the_reason(tenant, owner_api):
    customer = Customer.objects.create(tenant=tenant, name="Invoiced Ltd")
    Invoice.objects.create(tenant=tenant, number="A-1", customer=customer, buyer_name="x",
                           seller_name="y", issued_at=timezone.now(), period_start=date(2026, 1, 1),
                           period_end=date(2026, 1, 31), currency="EUR", net=Decimal("1.00"),
                           vat=Decimal("0.19"), gross=Decimal("1.19"))

    response = owner_api.delete(f"/api/v1/customers/{customer.pk}/")

    assert response.status_code == 409
    assert "invoices still refer to it" in response.json()["detail"]
    assert Customer.objects.filter(pk=customer.pk).exists()
