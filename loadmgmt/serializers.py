"""The load-group API's serializers, an edge: a group's `tariff` is billing's
(billing.serializers.GroupTariffField, saved through loadmgmt/group_tariff.py). An allocation's
shape, which the core's live events carry too, is in allocation_serializers.py."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from billing.serializers import GroupTariffField
from loadmgmt.models import BaseLoadSource, LoadGroup
from stations.models import Station
from tenants.fields import SameTenantSerializer, TenantObjectField
from tenants.permissions import MoneyFields

SIGNALLABLE = Decimal(6)  # IEC 61851-1: a car is given 0 A or at least 6 A


class StationIdentityField(serializers.SlugRelatedField):
    """A station of the request's tenant, by identity."""

    def get_queryset(self):
        return Station.objects.filter(tenant=self.context["request"].tenant)


@extend_schema_field(OpenApiTypes.INT)  # an id, as the foreign key it was
class StationGroupField(TenantObjectField):
    """A station's load group by id, null for none (the station API's `load_group`): read from
    loadmgmt.LoadGroupMember, written by the edge that saves the station through
    `station_group_set` (the core knows nothing of load groups)."""

    def __init__(self):
        super().__init__("loadmgmt.LoadGroup", missing="No such load group.", required=False,
                         allow_null=True)

    def get_attribute(self, station):
        membership = getattr(station, "load_group_membership", None)  # none: the reverse one-to-one raises
        return None if membership is None else PKOnlyObject(pk=membership.group_id)


class LoadGroupSerializer(MoneyFields, SameTenantSerializer, serializers.ModelSerializer):
    stations = StationIdentityField(slug_field="identity", many=True, required=False,
                                    help_text="Identities of the stations sharing the cap")
    base_load_meter = StationIdentityField(
        slug_field="identity", required=False, allow_null=True,
        help_text="For base_load_source 'meter': the station whose connector-0 meter measures "
                  "the building without the chargers")
    tariff = GroupTariffField("For its stations that have none of their own")  # billing's

    class Meta:
        model = LoadGroup
        fields = ["id", "name", "max_current", "max_power", "phases", "voltage", "min_current",
                  "failsafe_current", "base_load_current", "base_load_source", "base_load_meter",
                  "base_load_measured", "base_load_measured_at", "safety_margin", "tariff",
                  "stations", "created_at", "updated_at"]
        read_only_fields = ["base_load_measured", "base_load_measured_at", "created_at", "updated_at"]
        money_fields = ("tariff",)  # for money roles only (tenants.permissions)

    def validate_min_current(self, value: Decimal) -> Decimal:
        if value < SIGNALLABLE:
            raise serializers.ValidationError("A car cannot be signalled less than 6 A (IEC 61851-1).")
        return value

    def validate_failsafe_current(self, value: Decimal) -> Decimal:
        if 0 < value < SIGNALLABLE:
            raise serializers.ValidationError("0 (pause) or at least 6 A (IEC 61851-1).")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)

        def field(name):
            return attrs.get(name, getattr(self.instance, name, None))

        if field("base_load_source") == BaseLoadSource.METER and field("base_load_meter") is None:
            raise serializers.ValidationError(
                {"base_load_meter": ["A measured base load needs the station whose meter measures it."]})
        if field("max_current") is not None and field("max_current") < (field("min_current") or SIGNALLABLE):
            raise serializers.ValidationError(
                {"max_current": ["The cap is below the minimum current: no car could charge."]})
        return attrs


class BaseLoadSerializer(serializers.Serializer):
    current = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0),
                                       required=False, help_text="The same on every phase, A")
    currents = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0)),
        required=False, help_text='Per phase, e.g. {"1": 12.5, "2": 9, "3": 10}')
    measured_at = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if ("current" in attrs) == ("currents" in attrs):
            raise serializers.ValidationError("Give either current or currents.")
        if "currents" in attrs:
            if not set(attrs["currents"]) <= {"1", "2", "3"}:
                raise serializers.ValidationError({"currents": ["Phases are 1, 2 and 3."]})
            attrs["per_phase"] = {int(p): v for p, v in attrs["currents"].items()}
        else:
            attrs["per_phase"] = dict.fromkeys((1, 2, 3), attrs["current"])
        return attrs
