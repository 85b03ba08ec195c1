"""The session cost fields name themselves for tenants/permissions.py (which hides them from
installers without importing billing): the names must be the fields, all of them."""

from rest_framework import serializers

from billing.serializers import SessionCostFields
from tenants.permissions import without_cost_fields


def test_the_cost_fields_named_are_the_cost_fields_declared():
    assert set(SessionCostFields.cost_fields) == set(SessionCostFields._declared_fields)


def test_a_serializer_without_its_cost_fields_keeps_the_others():
    class Priced(SessionCostFields):
        energy = serializers.CharField()

    fields = without_cost_fields(Priced)().get_fields()

    assert set(fields) == {"energy"}
