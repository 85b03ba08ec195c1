"""The API of a station's display messages: /api/v1/stations/<identity>/display-messages/.
Views stay thin: the serializers check the input (400 with the reason), the services talk to
the station (a 1.6 station: 409, it has no display messages)."""

from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations.api_base import AsyncStationAPIView
from stations.displaymessages import selectors, services
from stations.displaymessages.filters import DisplayMessageFilter
from stations.displaymessages.serializers import (
    DisplayMessageClearedSerializer,
    DisplayMessageCreateSerializer,
    DisplayMessagePageSerializer,
    DisplayMessageReportSerializer,
    DisplayMessageSerializer,
    DisplayMessagesGetSerializer,
)

FAILURES = command_failures("No such station (or message) in this tenant")
FAILURES[409] = OpenApiResponse(description="Not connected, or an OCPP 1.6 station (no display "
                                            "messages)")


async def _data(serializer) -> dict:
    return await sync_to_async(lambda: serializer.data)()


async def _valid(serializer) -> dict:
    await sync_to_async(serializer.is_valid)(raise_exception=True)
    return serializer.validated_data


class DisplayMessagesView(AsyncStationAPIView):
    """The station's display messages (newest first), and setting one (SetDisplayMessage)."""

    filterset_class = DisplayMessageFilter

    @extend_schema(operation_id="v1_stations_display_messages_list",
                   responses={200: DisplayMessagePageSerializer, 404: FAILURES[404]},
                   parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)])
    async def get(self, request, identity: str):
        return await self.alist(selectors.display_messages_of(self.station),
                                DisplayMessageSerializer)

    @extend_schema(request=DisplayMessageCreateSerializer,
                   responses={201: DisplayMessageSerializer,
                              400: OpenApiResponse(description="Bad content, times, transaction"),
                              **FAILURES})
    async def post(self, request, identity: str):
        """Send SetDisplayMessage. 201 with the message, `answer` the station's (also when it
        refused: NotSupportedPriority, UnknownTransaction...; `status` Refused then)."""
        services.display_messages_check(self.station)
        data = await _valid(DisplayMessageCreateSerializer(data=request.data,
                                                           context={"station": self.station}))
        message = await services.display_message_set(station=self.station, **data)
        return Response(await _data(DisplayMessageSerializer(message)),
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("message_id", int, OpenApiParameter.PATH)]),
    delete=extend_schema(parameters=[OpenApiParameter("message_id", int, OpenApiParameter.PATH)]),
)
class DisplayMessageView(AsyncStationAPIView):
    """The latest record of one message id; DELETE clears it on the station (ClearDisplayMessage)."""

    @extend_schema(responses={200: DisplayMessageSerializer, 404: FAILURES[404]})
    async def get(self, request, identity: str, message_id: int):
        found = await sync_to_async(lambda: get_object_or_404(
            selectors.display_messages_of(self.station).filter(message_id=message_id)[:1]))()
        return Response(await _data(DisplayMessageSerializer(found)))

    @extend_schema(responses={200: DisplayMessageClearedSerializer, **FAILURES})
    async def delete(self, request, identity: str, message_id: int):
        """Send ClearDisplayMessage for this id (one we never set too): 200 with the station's
        answer, Accepted (the message is Cleared) or Unknown (it had none: Gone)."""
        answer = await services.display_message_clear(station=self.station,
                                                      message_id=int(message_id))
        return Response({"message_id": int(message_id), "status": answer})


class DisplayMessagesRefreshView(AsyncStationAPIView):
    @extend_schema(request=DisplayMessagesGetSerializer,
                   responses={201: DisplayMessageReportSerializer,
                              400: OpenApiResponse(description="Bad criteria"), **FAILURES})
    async def post(self, request, identity: str):
        """Send GetDisplayMessages (every message, or those matching all criteria given). 201
        with the report and the answer (Accepted; Unknown: none matches); the messages arrive in
        it afterwards (GET reports/<id>/ until `completed_at`)."""
        services.display_messages_check(self.station)
        data = await _valid(DisplayMessagesGetSerializer(data=request.data))
        report = await services.display_messages_get(
            station=self.station, message_ids=tuple(data["message_ids"]),
            priority=data["priority"], state=data["state"])
        return Response(await _data(DisplayMessageReportSerializer(report)),
                        status=status.HTTP_201_CREATED)


class DisplayMessageReportsView(AsyncStationAPIView):
    @extend_schema(operation_id="v1_stations_display_messages_reports_list",
                   responses={200: DisplayMessageReportSerializer(many=True), 404: FAILURES[404]})
    async def get(self, request, identity: str):
        """The GetDisplayMessages reports asked of the station, newest first."""
        return await self.alist(selectors.display_message_reports_of(self.station),
                                DisplayMessageReportSerializer)


class DisplayMessageReportView(AsyncStationAPIView):
    @extend_schema(responses={200: DisplayMessageReportSerializer, 404: FAILURES[404]})
    async def get(self, request, identity: str, pk: int):
        report = await self.get_scoped(selectors.display_message_reports_of(self.station), pk=pk)
        return Response(await _data(DisplayMessageReportSerializer(report)))
