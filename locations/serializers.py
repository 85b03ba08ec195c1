"""The locations API's body (docs/locations.md): a site with its address, coordinates, time zone,
opening hours (OCPI Hours) and the identities of its stations."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from locations.hours import validate_hours
from stations.models import Location, Station
from tenants.validators import validate_timezone_name


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class StationIdentitiesField(serializers.Field):
    """The identities of the tenant's stations in use; an unknown one is named in the 400."""

    def to_representation(self, location: Location) -> list[str]:
        return sorted(station.identity for station in location.stations.all() if station.removed_at is None)

    def to_internal_value(self, data) -> dict:
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise serializers.ValidationError("A list of station identities.")
        wanted = list(dict.fromkeys(data))
        found = {s.identity: s for s in Station.objects.filter(
            tenant=self.context["request"].tenant, removed_at__isnull=True, identity__in=wanted)}
        missing = [identity for identity in wanted if identity not in found]
        if missing:
            raise serializers.ValidationError(f"No such station: {', '.join(missing)}.")
        return {"stations": [found[identity] for identity in wanted]}  # source="*": merged in


class LocationSerializer(serializers.ModelSerializer):
    stations = StationIdentitiesField(source="*", required=False,
                                      help_text="Identities of the stations at this site; given "
                                                "on a change, exactly these stand there")
    country = serializers.CharField(required=False, allow_blank=True, max_length=3,
                                    help_text="ISO 3166-1 alpha-2, e.g. DE (any case)")
    timezone = serializers.CharField(required=False, allow_blank=True, validators=[validate_timezone_name],
                                     help_text="IANA name; blank: the tenant's")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                        required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         required=False, allow_null=True)
    opening_hours = serializers.JSONField(
        required=False, help_text='OCPI Hours: {"twentyfourseven": true} or {"twentyfourseven": false, '
                                  '"regular_hours": [{"weekday": 1, "period_begin": "08:00", '
                                  '"period_end": "20:00"}]} (weekday 1 = Monday); {}: not given')

    class Meta:
        model = Location
        fields = ["id", "name", "address", "postal_code", "city", "country", "latitude", "longitude",
                  "timezone", "opening_hours", "stations", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []  # the name's uniqueness per tenant: checked below, with a plain message

    def validate_opening_hours(self, value):
        try:
            return validate_hours(value)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages) from None

    def validate_country(self, value: str) -> str:
        value = value.strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise serializers.ValidationError("ISO 3166-1 alpha-2, e.g. DE.")
        return value

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("A site needs a name.")
        tenant = self.context["request"].tenant
        others = Location.objects.filter(tenant=tenant, name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("Another site has this name.")
        return value
