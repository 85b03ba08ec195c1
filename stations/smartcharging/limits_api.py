"""External charging limits under /api/v1/stations/<identity>/charging-limits/: what grid
operators and energy management systems set on the station (2.0.1 NotifyChargingLimit), with the
limit each sets now. Read-only: the station tells them, the backend never sets them
(docs/api.md, docs/ocpp201.md "External charging limits")."""

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cpms.api_filters import WholeNumberFilter, WordBooleanFilter
from stations.api_base import StationListAPIView, StationRetrieveAPIView
from stations.smartcharging import selectors
from stations.smartcharging.limits import limits_in_force
from stations.smartcharging.models import ExternalChargingLimit, LimitEnded, LimitSource


class InForceSerializer(serializers.Serializer):
    limit = serializers.DecimalField(max_digits=12, decimal_places=1)
    unit = serializers.CharField(help_text="A (per phase) or W")
    phases = serializers.IntegerField(allow_null=True)


class ExternalChargingLimitSerializer(serializers.ModelSerializer):
    active = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField(help_text="What its schedules set now (empty: "
                                                           "none told, or none in force)")

    class Meta:
        model = ExternalChargingLimit
        fields = ["id", "evse_id", "source", "grid_critical", "schedules", "active", "in_force",
                  "received_at", "ended", "ended_at"]
        read_only_fields = fields

    def get_active(self, limit: ExternalChargingLimit) -> bool:
        return limit.ended == LimitEnded.ACTIVE

    @extend_schema_field(InForceSerializer(many=True))
    def get_in_force(self, limit: ExternalChargingLimit) -> list:
        if limit.ended != LimitEnded.ACTIVE:
            return []
        return InForceSerializer(limits_in_force(limit, timezone.now()), many=True).data


class ExternalLimitFilter(django_filters.FilterSet):
    active = WordBooleanFilter(method="filter_active")
    evse = WholeNumberFilter(field_name="evse_id", error_messages={"invalid": "An EVSE id"})
    source = django_filters.ChoiceFilter(choices=LimitSource.choices)

    class Meta:
        model = ExternalChargingLimit
        fields = ["active", "evse", "source"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(ended=LimitEnded.ACTIVE) if value else queryset.exclude(
            ended=LimitEnded.ACTIVE)


class ChargingLimitsView(StationListAPIView):
    """The limits external systems set on the station (NotifyChargingLimit), newest first; a
    newer one of the same source and EVSE replaces it, ClearedChargingLimit ends it."""

    queryset = ExternalChargingLimit.objects.none()
    serializer_class = ExternalChargingLimitSerializer
    filterset_class = ExternalLimitFilter

    def station_queryset(self, station):
        return selectors.external_limits_of(station)


class ChargingLimitView(StationRetrieveAPIView):
    """One external limit."""

    queryset = ExternalChargingLimit.objects.none()
    serializer_class = ExternalChargingLimitSerializer

    def station_queryset(self, station):
        return selectors.external_limits_of(station)
