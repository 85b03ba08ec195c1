from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations import selectors as station_selectors
from stations.api_base import AsyncStationAPIView
from stations.authlist import selectors, services
from stations.authlist.serializers import (
    LocalListSendSerializer,
    LocalListStateSerializer,
    LocalListUpdateSerializer,
    LocalListVersionSerializer,
)

FAILURES = command_failures("No such station in this tenant")


def _validated_send(request) -> dict:
    serializer = LocalListSendSerializer(
        data=request.data, context={"id_tags": station_selectors.id_tags_of(request.tenant)})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class LocalListView(AsyncStationAPIView):
    """The station's local authorization list: its state, and sending it (SendLocalList)."""

    @extend_schema(responses={200: LocalListStateSerializer, 404: FAILURES[404]})
    async def get(self, request, identity: str):
        station = self.station
        state = await sync_to_async(selectors.local_list_state)(station)
        return Response(await sync_to_async(lambda: LocalListStateSerializer(state).data)())

    @extend_schema(request=LocalListSendSerializer,
                   responses={201: LocalListUpdateSerializer,
                              400: OpenApiResponse(description="Bad update_type or group"),
                              **FAILURES, 409: OpenApiResponse(
                                  description="The station is not connected, or another update "
                                              "of its list awaits the station's answer")})
    async def post(self, request, identity: str):
        """Send the list as version (last accepted + 1) and answer with the station's verdict
        (201 whatever it was). After a VersionMismatch the full list is sent too: `resend`."""
        station = self.station
        data = await sync_to_async(_validated_send)(request)
        update = await services.local_list_send(station=station, update_type=data["update_type"],
                                                group=data.get("group"))
        body = await sync_to_async(lambda: LocalListUpdateSerializer(update).data)()
        return Response(body, status=status.HTTP_201_CREATED)


class LocalListVersionView(AsyncStationAPIView):
    """GetLocalListVersion: ask the station which list version it holds."""

    @extend_schema(request=None, responses={200: LocalListVersionSerializer, **FAILURES})
    async def post(self, request, identity: str):
        station = self.station
        held = await services.local_list_version_get(station=station)
        return Response({"list_version": held.station_version,
                         "supported": held.station_version != -1,
                         "checked_at": held.station_version_at})
