from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations import selectors as station_selectors
from stations.api_base import AsyncStationAPIView
from stations.reservations import selectors, services
from stations.reservations.models import ReservationStatus
from stations.reservations.serializers import (
    ReservationCreateSerializer,
    ReservationPageSerializer,
    ReservationSerializer,
)

FAILURES = command_failures("No such station (or reservation) in this tenant")
CANCELLABLE = [ReservationStatus.PENDING, ReservationStatus.ACCEPTED]


async def _data(serializer) -> dict:
    return await sync_to_async(lambda: serializer.data)()


class ReservationsView(AsyncStationAPIView):
    """The station's reservations (newest first), and making one (ReserveNow)."""

    @extend_schema(operation_id="v1_stations_reservations_list",
                   responses={200: ReservationPageSerializer, 404: FAILURES[404]},
                   parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)])
    async def get(self, request, identity: str):
        station = self.station
        return await self.alist(selectors.reservations_of(station), ReservationSerializer)

    @extend_schema(request=ReservationCreateSerializer,
                   responses={201: ReservationSerializer,
                              400: OpenApiResponse(description="Bad connector, id tag or expiry"),
                              **FAILURES})
    async def post(self, request, identity: str):
        """Send ReserveNow. 201 with the reservation and the station's answer as its status,
        also when that is Occupied, Faulted, Unavailable or Rejected."""
        station = self.station
        serializer = ReservationCreateSerializer(
            data=request.data, context={"id_tags": station_selectors.id_tags_of(request.tenant),
                                        "ocpp_version": station.ocpp_version})
        await sync_to_async(serializer.is_valid)(raise_exception=True)
        reservation = await services.reservation_reserve(station=station,
                                                         **serializer.validated_data)
        return Response(await _data(ReservationSerializer(reservation)),
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("reservation_id", int, OpenApiParameter.PATH)]),
    delete=extend_schema(parameters=[OpenApiParameter("reservation_id", int, OpenApiParameter.PATH)]),
)
class ReservationView(AsyncStationAPIView):
    """One reservation; DELETE cancels it (CancelReservation)."""

    async def _reservation(self, reservation_id: int):
        station = self.station
        reservation = await self.get_scoped(selectors.reservations_of(station),
                                            reservation_id=reservation_id)
        return station, reservation

    @extend_schema(responses={200: ReservationSerializer, 404: FAILURES[404]})
    async def get(self, request, identity: str, reservation_id: int):
        _, reservation = await self._reservation(reservation_id)
        return Response(await _data(ReservationSerializer(reservation)))

    @extend_schema(responses={200: ReservationSerializer,
                              400: OpenApiResponse(description="Not a pending or accepted one"),
                              **FAILURES})
    async def delete(self, request, identity: str, reservation_id: int):
        """Send CancelReservation: 200 with the reservation, `cancel_status` the station's answer
        (Accepted: now Cancelled; Rejected: unchanged)."""
        station, reservation = await self._reservation(reservation_id)
        if reservation.status not in CANCELLABLE:
            raise ValidationError({"status": [f"A reservation that is {reservation.status} "
                                              "cannot be cancelled."]})
        reservation = await services.reservation_cancel(station=station, reservation=reservation)
        return Response(await _data(ReservationSerializer(reservation)))
