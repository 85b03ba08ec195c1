"""Smart charging under /api/v1/stations/<identity>/: charging profiles, clearing them, the
composite schedule, and a remote start with a profile. Views wait for the station's answer;
a command that reaches no usable answer is a 409/502/504 (cpms/api_errors.py)."""

import django_filters
from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cpms.api_errors import command_failures
from cpms.api_filters import WholeNumberFilter, WordBooleanFilter
from stations.api_base import AsyncStationAPIView
from stations.smartcharging import selectors, services
from stations.smartcharging.models import ChargingProfile
from stations.smartcharging.serializers import (
    ChargingProfileSerializer,
    CompositeQuerySerializer,
    ProfileClearingSerializer,
    ProfileClearSerializer,
    ProfileReportSerializer,
    ProfileSetSerializer,
    ProfilesGetSerializer,
    RemoteStartSerializer,
)

FAILURES = command_failures("No such station (or profile) in this tenant")


class ChargingProfileFilter(django_filters.FilterSet):
    installed = WordBooleanFilter()
    connector = WholeNumberFilter(field_name="connector_id",
                                  error_messages={"invalid": "A connector id"})
    purpose = django_filters.CharFilter()

    class Meta:
        model = ChargingProfile
        fields = ["installed", "connector", "purpose"]


def _stored(rows) -> dict:
    body = ChargingProfileSerializer(rows[0]).data
    if len(rows) > 1:
        body["fanned_out"] = ChargingProfileSerializer(rows, many=True).data
    return body


class ChargingProfilesView(AsyncStationAPIView):
    filterset_class = ChargingProfileFilter

    @extend_schema(
        parameters=[OpenApiParameter("installed", bool), OpenApiParameter("connector", int),
                    OpenApiParameter("purpose", str)],
        responses={200: ChargingProfileSerializer(many=True)})
    async def get(self, request, identity: str):
        """The profiles sent to the station, newest first."""
        station = self.station
        return await self.alist(selectors.charging_profiles_of(station), ChargingProfileSerializer)

    @extend_schema(request=ProfileSetSerializer,
                   responses={201: ChargingProfileSerializer,
                              400: OpenApiResponse(description="An invalid profile"), **FAILURES})
    async def post(self, request, identity: str):
        """SetChargingProfile; 201 with the station's answer, Rejected and NotSupported too.
        Where a quirk sends the profile to each connector, `fanned_out` lists every one sent."""
        station = self.station
        serializer = ProfileSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = await services.acharging_profile_set(
            station=station, connector_id=serializer.validated_data["connector_id"],
            profile=serializer.validated_data["charging_profile"])
        rows = [await selectors.charging_profiles_of(station).aget(pk=row.pk) for row in rows]
        return Response(await sync_to_async(_stored)(rows), status=status.HTTP_201_CREATED)


class ChargingProfileView(AsyncStationAPIView):
    async def profile(self, pk: int):
        station = self.station
        profile = await self.get_scoped(selectors.charging_profiles_of(station), pk=pk)
        return station, profile

    @extend_schema(responses={200: ChargingProfileSerializer})
    async def get(self, request, identity: str, pk: int):
        _, profile = await self.profile(pk)
        return Response(await sync_to_async(lambda: ChargingProfileSerializer(profile).data)())

    @extend_schema(responses={200: ProfileClearingSerializer, **FAILURES})
    async def delete(self, request, identity: str, pk: int):
        """ClearChargingProfile with this profile's chargingProfileId; the answer (Accepted or
        Unknown) is recorded, the profile kept as history."""
        station, profile = await self.profile(pk)
        clearing = await services.acharging_profiles_clear(
            station=station, charging_profile_id=profile.charging_profile_id)
        return Response(await sync_to_async(lambda: ProfileClearingSerializer(clearing).data)())


class ProfilesClearView(AsyncStationAPIView):
    @extend_schema(request=ProfileClearSerializer,
                   responses={200: ProfileClearingSerializer, **FAILURES})
    async def post(self, request, identity: str):
        """ClearChargingProfile by id, or by connector, purpose and stack level."""
        station = self.station
        serializer = ProfileClearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        clearing = await services.acharging_profiles_clear(
            station=station, charging_profile_id=data.get("id"),
            connector_id=data.get("connector_id"), purpose=data.get("purpose", ""),
            stack_level=data.get("stack_level"))
        return Response(await sync_to_async(lambda: ProfileClearingSerializer(clearing).data)())


class ProfileReportsView(AsyncStationAPIView):
    @extend_schema(responses={200: ProfileReportSerializer(many=True)})
    async def get(self, request, identity: str):
        """The GetChargingProfiles reports asked of the station (2.0.1), newest first, each with
        the profiles its ReportChargingProfiles parts carried."""
        station = self.station
        return await self.alist(selectors.profile_reports_of(station), ProfileReportSerializer)

    @extend_schema(request=ProfilesGetSerializer,
                   responses={201: ProfileReportSerializer,
                              400: OpenApiResponse(description="Invalid criteria, or a 1.6 "
                                                               "station"), **FAILURES})
    async def post(self, request, identity: str):
        """GetChargingProfiles (OCPP 2.0.1): 201 with the station's answer (Accepted or
        NoProfiles); the profiles arrive afterwards in the report (GET it by its id)."""
        station = self.station
        serializer = ProfilesGetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = await services.acharging_profiles_get(
            station=station, evse_id=data.get("evse_id"), purpose=data.get("purpose", ""),
            stack_level=data.get("stack_level"), profile_ids=tuple(data.get("ids", ())),
            sources=tuple(data.get("sources", ())))
        return Response(await sync_to_async(lambda: ProfileReportSerializer(report).data)(),
                        status=status.HTTP_201_CREATED)


class ProfileReportView(AsyncStationAPIView):
    @extend_schema(responses={200: ProfileReportSerializer})
    async def get(self, request, identity: str, pk: int):
        report = await self.get_scoped(selectors.profile_reports_of(self.station), pk=pk)
        return Response(await sync_to_async(lambda: ProfileReportSerializer(report).data)())


class CompositeScheduleView(AsyncStationAPIView):
    @extend_schema(parameters=[CompositeQuerySerializer],
                   responses={200: OpenApiResponse(description="The station's answer: status, "
                              "connectorId, scheduleStart, chargingSchedule"), **FAILURES})
    async def get(self, request, identity: str):
        """GetCompositeSchedule: the limits the station will apply from now."""
        station = self.station
        query = CompositeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = await services.acomposite_schedule_get(
            station=station, connector_id=query.validated_data["connector_id"],
            duration=query.validated_data["duration"], unit=query.validated_data.get("unit"))
        return Response(answer)


class RemoteStartView(AsyncStationAPIView):
    @extend_schema(request=RemoteStartSerializer,
                   responses={200: OpenApiResponse(description="{status, id_tag, connector_id, "
                              "charging_profile, remote_start_id}"), **FAILURES})
    async def post(self, request, identity: str):
        """RemoteStartTransaction (2.0.1: RequestStartTransaction), optionally with a TxProfile
        that is recorded and bound to the transaction when it starts. On 2.0.1 the answer's
        remote_start_id names the session that starts (sessions/?remote_start_id=)."""
        station = self.station
        serializer = RemoteStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answer, profile = await services.aremote_start(
            station=station, id_tag=data["id_tag"], connector_id=data.get("connector_id"),
            profile=data.get("charging_profile"), token_type=data["token_type"])
        if profile is not None:
            profile = await selectors.charging_profiles_of(station).aget(pk=profile.pk)
            profile = await sync_to_async(lambda: ChargingProfileSerializer(profile).data)()
        return Response({"status": answer.status, "id_tag": data["id_tag"],
                         "connector_id": data.get("connector_id"), "charging_profile": profile,
                         "remote_start_id": answer.remote_start_id})
