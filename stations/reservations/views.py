"""The station page's "Reservations" card: the latest reservations with their outcome, a form
that reserves (ReserveNow; a connector type for a 2.0.1 station) and a cancel button per open
one (CancelReservation). With htmx the card is re-rendered with the station's answer; without
it the answer comes back as a message on the station page. Installers and managers act
(stations/dashboard/actions.py `station_view`); accountants only see the card."""

from asgiref.sync import sync_to_async
from django.shortcuts import render

from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _aanswer, _failure, _post_only, station_view
from stations.models import Station
from stations.reservations import selectors, services
from stations.reservations.api import CANCELLABLE
from stations.reservations.forms import ReservationForm
from tenants.access import STATION_ROLES

SHOWN = 10


def card_context(station: Station, *, role: str, form: ReservationForm | None = None) -> dict:
    return {"station": station, "can_act": role in STATION_ROLES, "cancellable": CANCELLABLE,
            "reservations": list(selectors.reservations_of(station)[:SHOWN]),
            "reservation_form": form or ReservationForm(station=station)}


async def _card(request, station: Station, action: str, *, response: dict | None = None,
                error: dict | None = None, form: ReservationForm | None = None):
    if not request.htmx:
        return await _aanswer(request, station, action, response=response, error=error, form=form)
    bad = form is not None and bool(form.errors)
    context = await sync_to_async(card_context)(station, role=request.role,
                                                form=form if bad else None)
    context["answer"] = {"action": action, "response": response, "error": error, "form": form}
    return await sync_to_async(render)(request, "stations/_reservations.html", context,
                                       status=400 if bad else 200)


async def _send(request, station: Station, action: str, send):
    try:
        reservation = await send()
    except CommandFailed as failure:
        return await _card(request, station, action, error=_failure(failure))
    return await _card(request, station, action, response={
        "status": reservation.cancel_status if action == "CancelReservation" else reservation.status,
        "reservation_id": reservation.reservation_id})


@_post_only
@station_view
async def reservation_make(request, station: Station):
    form = ReservationForm(request.POST, station=station)
    if not await sync_to_async(form.is_valid)():
        return await _card(request, station, "ReserveNow", form=form)
    return await _send(request, station, "ReserveNow",
                       lambda: services.reservation_reserve(station=station, **form.cleaned_data))


@_post_only
@station_view
async def reservation_cancel(request, station: Station, reservation_id: int):
    reservation = await selectors.reservations_of(station).filter(
        reservation_id=reservation_id, status__in=CANCELLABLE).afirst()
    if reservation is None:
        return await _card(request, station, "CancelReservation",
                           error={"kind": "Refused", "detail": "No open reservation with this id."})
    return await _send(request, station, "CancelReservation",
                       lambda: services.reservation_cancel(station=station, reservation=reservation))
