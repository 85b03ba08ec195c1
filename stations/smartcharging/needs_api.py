"""ISO 15118 charging needs in the API (docs/api.md, docs/smart-charging.md §7): what a car
asked through a 2.0.1 station (energy, departure, currents) and the schedules it proposed with
our answers, per session (`/api/v1/sessions/<id>/charging-needs/`) and per station
(`/api/v1/stations/<identity>/charging-needs/`). Read-only: the cars tell them."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cpms.api_filters import WholeNumberFilter
from stations import selectors as station_selectors
from stations.api_base import StationListAPIView
from stations.models import ChargingSession
from stations.smartcharging.ev_needs import energy_still_needed
from stations.smartcharging.models import ChargingNeeds, EVChargingSchedule
from tenants.api import TenantRetrieveAPIView


class ChargingNeedsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChargingNeeds
        fields = ["id", "evse_id", "session", "requested_energy_transfer", "departure_time",
                  "energy_amount_wh", "ev_min_current", "ev_max_current", "ev_max_voltage",
                  "ev_max_power", "state_of_charge", "max_schedule_tuples", "status",
                  "received_at", "payload"]
        read_only_fields = fields


class EVChargingScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EVChargingSchedule
        fields = ["id", "evse_id", "session", "time_base", "schedule", "status", "reason",
                  "profile", "received_at"]
        read_only_fields = fields


class SessionNeedsSerializer(serializers.Serializer):
    needs = ChargingNeedsSerializer(allow_null=True, help_text="The latest: the one in force")
    energy_delivered_wh = serializers.IntegerField(allow_null=True)
    energy_still_needed_wh = serializers.IntegerField(allow_null=True)
    history = ChargingNeedsSerializer(many=True, help_text="Every needs the car told, newest first")
    schedules = EVChargingScheduleSerializer(many=True, help_text="Newest first")


def session_needs(session: ChargingSession) -> dict:
    """The session's needs as the API and the session page show them."""
    history = list(session.charging_needs.order_by("-received_at", "-id"))
    latest = history[0] if history else None
    return {"needs": latest, "history": history,
            "energy_delivered_wh": session.energy_wh,
            "energy_still_needed_wh": energy_still_needed(latest, session) if latest else None,
            "schedules": list(session.ev_schedules.order_by("-received_at", "-id"))}


class SessionChargingNeedsView(TenantRetrieveAPIView):
    queryset = ChargingSession.objects.none()
    serializer_class = SessionNeedsSerializer

    def tenant_queryset(self, tenant):
        return station_selectors.sessions_of(tenant)

    def retrieve(self, request, *args, **kwargs):
        """The car's needs for the session (the latest in force, with what it still needs, and
        every earlier one) and the schedules it proposed, each with our answer."""
        return Response(SessionNeedsSerializer(session_needs(self.get_object())).data)


class NeedsFilter(django_filters.FilterSet):
    evse = WholeNumberFilter(field_name="evse_id", error_messages={"invalid": "An EVSE id"})

    class Meta:
        model = ChargingNeeds
        fields = ["evse"]


class StationChargingNeedsView(StationListAPIView):
    queryset = ChargingNeeds.objects.none()
    serializer_class = ChargingNeedsSerializer
    filterset_class = NeedsFilter

    @extend_schema(parameters=[OpenApiParameter("evse", int)])
    def get(self, request, *args, **kwargs):
        """The needs the station's cars told, newest first."""
        return super().get(request, *args, **kwargs)
