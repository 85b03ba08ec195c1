"""Reservations: ReserveNow and CancelReservation with their answers, a StartTransaction that
names a reservation using it, and expiry kept by the backend as well as by the station."""

import json
from datetime import datetime

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stations.commands import requests as req
from stations.commands.sending import CommandFailed, command_run
from stations.models import ChargingSession, IdTag, Station
from stations.reservations.models import Reservation, ReservationStatus

# The reservations a StartTransaction may still consume (the station enforces; we record).
OPEN = [ReservationStatus.PENDING, ReservationStatus.ACCEPTED, ReservationStatus.EXPIRED]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@transaction.atomic
def reservation_create(*, station: Station, connector_id: int, id_tag: IdTag,
                       expiry_date: datetime, connector_type: str = "") -> Reservation:
    """A Pending reservation with the station's next free reservationId."""
    Station.objects.select_for_update().filter(pk=station.pk).first()  # serializes id choice
    last = Reservation.objects.filter(station=station).aggregate(last=Max("reservation_id"))["last"]
    return Reservation.objects.create(
        tenant_id=station.tenant_id, station=station, reservation_id=(last or 0) + 1,
        connector_id=connector_id, connector_type=connector_type, id_tag=id_tag.id_tag,
        token_type=id_tag.token_type, parent_id_tag=id_tag.parent_id_tag, expiry_date=expiry_date)


@transaction.atomic
def reservation_answer(*, reservation_id: int, status: str, error: str = "") -> Reservation:
    """Record the station's answer to ReserveNow (by primary key); only a Pending one changes."""
    Reservation.objects.filter(pk=reservation_id, status=ReservationStatus.PENDING).update(
        status=status, error=error, updated_at=timezone.now())
    return Reservation.objects.select_related("station", "session").get(pk=reservation_id)


@transaction.atomic
def reservation_cancel_answer(*, reservation_id: int, status: str) -> Reservation:
    """Record the answer to CancelReservation: Accepted cancels, Rejected leaves it as it was."""
    reservation = Reservation.objects.select_for_update().get(pk=reservation_id)
    reservation.cancel_status = status
    if status == "Accepted" and reservation.status in OPEN:
        reservation.status = ReservationStatus.CANCELLED
    reservation.save(update_fields=["cancel_status", "status", "updated_at"])
    return Reservation.objects.select_related("station", "session").get(pk=reservation_id)


@transaction.atomic
def reservation_use(*, session: ChargingSession, reservation_id: int) -> bool:
    """A StartTransaction named `reservation_id`: the reservation is used by `session`."""
    return bool(Reservation.objects.filter(
        station_id=session.station_id, reservation_id=reservation_id, status__in=OPEN,
    ).update(status=ReservationStatus.USED, session=session, updated_at=timezone.now()))


# What a 2.0.1 station's ReservationStatusUpdate says became of an open reservation.
STATION_UPDATES = {"Expired": ReservationStatus.EXPIRED, "Removed": ReservationStatus.CANCELLED}


@transaction.atomic
def reservation_station_update(*, station_id: int, reservation_id: int, status: str) -> bool:
    """A 2.0.1 station ended the reservation itself: it expired there, or it was removed (the
    EVSE faulted, say). Only an open reservation changes; returns whether one did."""
    return bool(Reservation.objects.filter(
        station_id=station_id, reservation_id=reservation_id, status__in=OPEN,
    ).update(status=STATION_UPDATES[status], updated_at=timezone.now()))


@transaction.atomic
def reservations_expire(*, now: datetime | None = None) -> int:
    """Mark accepted and pending reservations past their expiry Expired (a pending one's answer
    never came or comes too late: it then changes nothing); return how many. Idempotent."""
    now = now or timezone.now()
    return Reservation.objects.filter(status__in=[ReservationStatus.ACCEPTED, ReservationStatus.PENDING],
                                      expiry_date__lte=now).update(
        status=ReservationStatus.EXPIRED, updated_at=now)


async def reservation_reserve(*, station: Station, connector_id: int, id_tag: IdTag,
                              expiry_date: datetime, connector_type: str = "") -> Reservation:
    """ReserveNow: the reservation with the station's answer, whatever it was. CommandFailed
    (recorded as SendFailed) when the station gives no usable answer. A 2.0.1 station takes
    `connector_type` too: any of its EVSEs with such a connector (or only `connector_id`'s)."""
    reservation = await sync_to_async(reservation_create)(
        station=station, connector_id=connector_id, id_tag=id_tag, expiry_date=expiry_date,
        connector_type=connector_type)
    request = req.ReservationMake(reservation_id=reservation.reservation_id, evse_id=connector_id,
                                  id_token=reservation.id_tag, expiry_date=_iso(expiry_date),
                                  parent_id_token=reservation.parent_id_tag,
                                  token_type=id_tag.token_type, connector_type=connector_type)
    try:
        answer = await command_run(station, request)
    except CommandFailed as failure:
        await sync_to_async(reservation_answer)(reservation_id=reservation.pk,
                                                status=ReservationStatus.SEND_FAILED,
                                                error=json.dumps(failure.body))
        raise
    return await sync_to_async(reservation_answer)(reservation_id=reservation.pk,
                                                   status=answer.status)


async def reservation_cancel(*, station: Station, reservation: Reservation) -> Reservation:
    """CancelReservation; the answer (Accepted or Rejected) is recorded."""
    answer = await command_run(station, req.ReservationCancel(
        reservation_id=reservation.reservation_id))
    return await sync_to_async(reservation_cancel_answer)(reservation_id=reservation.pk,
                                                          status=answer.status)
