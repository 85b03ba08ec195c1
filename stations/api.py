from asgiref.sync import async_to_sync
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations import selectors
from stations.api_base import AsyncStationAPIView, StationListAPIView
from stations.commands.sending import schemas_for, station_call
from stations.filters import IdTagFilter, SessionFilter, StationFilter
from stations.models import ChargingSession, Component, IdTag, OcppMessage, Station
from stations.ocpp.errors import OcppError, code_in
from stations.serializers import (
    CommandResultSerializer,
    CommandSerializer,
    ComponentSerializer,
    IdTagSerializer,
    MessageSerializer,
    SessionCloseSerializer,
    SessionSerializer,
    StationCreatedSerializer,
    StationSerializer,
    TransactionStatusSerializer,
    id_tag_exists_error,
)
from stations.services.id_tags import IdTagExists, id_tag_create, id_tag_delete, id_tag_update
from stations.services.session_lifecycle import SessionNotOpen, session_close_by_operator
from stations.services.station_commands import transaction_status_get
from stations.services.stations import (
    identity_taken,
    station_create,
    station_remove,
    station_restore,
    station_update,
)
from stations.tariff_and_group import (
    TARIFF_AND_GROUP_RELATED,
    station_tariff_and_group_set,
    tariff_and_group_pop,
)
from tenants.actors import closer_of
from tenants.api import TenantListRetrieveViewSet, TenantModelViewSet

IDENTITY = r"[^/]+"


class StationViewSet(TenantModelViewSet):
    queryset = Station.objects.none()
    serializer_class = StationSerializer
    filterset_class = StationFilter  # ?admission=Pending: the stations waiting for an operator
    lookup_field = "identity"
    lookup_value_regex = IDENTITY

    def tenant_queryset(self, tenant):
        """The stations in use; `?removed=true`, and restore, the removed ones."""
        if self.action == "restore" or self.request.query_params.get("removed") == "true":
            stations = selectors.stations_with_removed_of(tenant).filter(removed_at__isnull=False)
        else:
            stations = selectors.stations_of(tenant)
        return stations.select_related(*TARIFF_AND_GROUP_RELATED, "location")

    @extend_schema(parameters=[OpenApiParameter(
        "removed", bool, description="true: the removed stations (restore brings one back)")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={204: OpenApiResponse(description="Removed, its data kept")})
    def destroy(self, request, *args, **kwargs):
        """Remove the station with its data kept (docs/dashboard.md, "Stations"): it leaves the
        lists and is refused at connect; its sessions, invoices and history stay. Restore with
        POST stations/<identity>/restore/."""
        station_remove(station=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: StationCreatedSerializer,
                                            404: OpenApiResponse(description="No such removed station")})
    @action(detail=True, methods=["post"])
    def restore(self, request, identity=None, format=None):
        """Bring a removed station back, enabled, with a new password (in this answer only)."""
        station, password = station_restore(station=self.get_object())
        body = (StationCreatedSerializer(self.get_queryset().model.objects.get(pk=station.pk),
                                         context=self.get_serializer_context()).data
                | {"password": password})
        return Response(body)

    @extend_schema(responses={201: StationCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tariff_and_group = tariff_and_group_pop(data)
        existing = (selectors.stations_with_removed_of(request.tenant)
                    .filter(identity=data["identity"]).first())
        if existing is not None:
            raise ValidationError({"identity": [identity_taken(existing)]})
        with transaction.atomic():
            station, password = station_create(tenant=request.tenant, **data)
            station_tariff_and_group_set(station=station, **tariff_and_group)
        station = self.get_queryset().get(pk=station.pk)
        body = (StationCreatedSerializer(station, context=self.get_serializer_context()).data
                | {"password": password})
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        password = serializer.validated_data.pop("password", None)
        tariff_and_group = tariff_and_group_pop(serializer.validated_data)
        with transaction.atomic():
            station = station_update(station=serializer.instance, password=password,
                                     **serializer.validated_data)
            station_tariff_and_group_set(station=station, **tariff_and_group)


class IdTagViewSet(TenantModelViewSet):
    queryset = IdTag.objects.none()
    serializer_class = IdTagSerializer
    lookup_field = "id_tag"
    lookup_value_regex = IDENTITY
    filterset_class = IdTagFilter

    def tenant_queryset(self, tenant):
        return selectors.id_tags_of(tenant)

    def get_object(self):
        """The tag however the URL spells it (OCPP's IdToken is case-insensitive)."""
        tag = get_object_or_404(self.filter_queryset(self.get_queryset())
                                .spelt(self.kwargs[self.lookup_field]))
        self.check_object_permissions(self.request, tag)
        return tag

    def perform_create(self, serializer):
        try:
            serializer.instance = id_tag_create(tenant=self.request.tenant,
                                                **serializer.validated_data)
        except IdTagExists:  # created meanwhile
            raise ValidationError({"id_tag": [id_tag_exists_error(None)]}) from None

    def perform_update(self, serializer):
        serializer.instance = id_tag_update(tag=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        id_tag_delete(tag=instance)


class SessionViewSet(TenantListRetrieveViewSet):
    queryset = ChargingSession.objects.none()
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def tenant_queryset(self, tenant):
        return selectors.sessions_of(tenant)

    @extend_schema(request=SessionCloseSerializer, responses={
        200: SessionSerializer, 400: OpenApiResponse(description="Bad values"),
        409: OpenApiResponse(description="The session is stopped already")})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):  # format: the router's .json suffix
        """Close a session whose StopTransaction will not come: stopped at the last reading (or
        the given meter_stop and time), priced, marked as closed by whoever asked."""
        body = SessionCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            session_close_by_operator(tenant_id=request.tenant.pk, session_id=session.pk,
                                      by=closer_of(request), **body.validated_data)
        except SessionNotOpen as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        except ValueError as bad:
            raise ValidationError({"detail": str(bad)}) from None
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk),
                                          context=self.get_serializer_context()).data)


    @extend_schema(request=None, responses={
        200: TransactionStatusSerializer,
        400: OpenApiResponse(description="The station's OCPP version has no such message (1.6)"),
        **command_failures("No such session in this tenant")})
    @action(detail=True, methods=["post"], url_path="transaction-status")
    def transaction_status(self, request, pk=None, format=None):
        """Ask the session's (2.0.1) station whether the transaction still runs there and
        whether it still holds messages of it to deliver (GetTransactionStatus)."""
        session = get_object_or_404(self.get_queryset().select_related("station__server_process"), pk=pk)
        report = async_to_sync(transaction_status_get)(
            station=session.station, transaction_id=session.station_transaction_id)
        return Response(TransactionStatusSerializer({
            "transaction_id": session.station_transaction_id, "ongoing": report.ongoing,
            "messages_in_queue": report.messages_in_queue}).data)


class StationMessagesView(StationListAPIView):
    """The station's OCPP frames, newest first."""

    queryset = OcppMessage.objects.none()
    serializer_class = MessageSerializer
    filterset_fields = ["direction", "action", "unique_id"]

    def station_queryset(self, station):
        return selectors.messages_of(station)


class StationCommandView(AsyncStationAPIView):
    """Send one CALL in the station's OCPP version (1.6 or 2.0.1) and answer with its response."""

    @extend_schema(
        request=CommandSerializer,
        responses={
            200: CommandResultSerializer,
            400: OpenApiResponse(description="Unknown action or a payload that fails the schema"),
            **command_failures(),
        },
    )
    async def post(self, request, identity: str):
        station = self.station
        serializer = CommandSerializer(data=request.data,
                                       context={"ocpp_version": station.ocpp_version})
        serializer.is_valid(raise_exception=True)
        action, payload = serializer.validated_data["action"], serializer.validated_data["payload"]
        try:
            schemas_for(station).validate(action, payload)
        except OcppError as error:
            code = code_in(error, station.ocpp_version or "1.6")
            raise ValidationError({"payload": [f"{code}: {error.description}"]}) from None
        response = await station_call(station, action, payload)  # CommandFailed: 409/502/504
        return Response({"action": action, "payload": payload, "response": response})


class StationDeviceModel(StationListAPIView):
    """The station's device model: its components with their variables, attributes and
    monitors (a 1.6 station's configuration keys: the OCPP16Configuration component); narrowed
    by component name, instance, EVSE or connector."""

    queryset = Component.objects.none()  # for the schema; requests use station_queryset
    serializer_class = ComponentSerializer
    filterset_fields = ["name", "instance", "evse_id", "connector_id"]

    def station_queryset(self, station):
        return selectors.device_model_of(station)
