"""The locations API (docs/locations.md): /api/v1/locations/, the tenant's sites only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from locations import selectors, services
from locations.serializers import LocationSerializer
from stations.models import Location
from tenants.api import TenantModelViewSet


def _saved(call, **kwargs):
    try:
        return call(**kwargs)
    except services.NameTaken:
        raise serializers.ValidationError({"name": ["Another site has this name."]}) from None
    except DjangoValidationError as refused:
        raise serializers.ValidationError(refused.message_dict) from None


class LocationViewSet(TenantModelViewSet):
    """Sites: where stations stand, with address, coordinates, time zone and opening hours.
    Deleting a site leaves its stations without one."""

    queryset = Location.objects.none()
    serializer_class = LocationSerializer
    search_fields = ["name", "city", "address"]

    def tenant_queryset(self, tenant):
        return selectors.locations_of(tenant).prefetch_related("stations").order_by("name", "pk")

    def perform_create(self, serializer):
        serializer.instance = _saved(services.location_create, tenant=self.request.tenant,
                                     **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = _saved(services.location_update, location=serializer.instance,
                                     **serializer.validated_data)

    def perform_destroy(self, instance):
        services.location_delete(location=instance)
