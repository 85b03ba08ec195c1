"""Reservations of OCPP 2.0.1 stations: a station that ends a reservation itself (it expired
there, or it was removed because the EVSE cannot serve it) says so with ReservationStatusUpdate.
ReserveNow and CancelReservation go out through the version-neutral requests (stations/ocpp/v201/
commands.py); a reservation used by a transaction is the TransactionEvent's reservationId.
Registered in ReservationsConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.reservations.services import reservation_station_update

V201 = "2.0.1"


@handles(V201, "ReservationStatusUpdate")
async def reservation_status_update(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(reservation_station_update, station_id=link.station.pk,
             reservation_id=payload["reservationId"], status=payload["reservationUpdateStatus"])
    return {}
