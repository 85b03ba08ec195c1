"""The station page's "Display messages" card (2.0.1 stations): the messages the station holds
as far as we know, a form that sets one (SetDisplayMessage), a clear button per message
(ClearDisplayMessage) and a refresh (GetDisplayMessages). With htmx the card is re-rendered with
the station's answer; without it the answer comes back as a message on the station page.
Installers and managers act (stations/dashboard/actions.py `station_view`); accountants only
see the card."""

from asgiref.sync import sync_to_async
from django.shortcuts import render

from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _aanswer, _failure, _post_only, station_view
from stations.displaymessages import selectors, services
from stations.displaymessages.forms import DisplayMessageForm
from stations.models import Station
from tenants.access import STATION_ROLES

SHOWN = 10
REFRESH_WAIT_SECONDS = 2.0


def card_context(station: Station, *, role: str, form: DisplayMessageForm | None = None) -> dict:
    return {"station": station, "can_act": role in STATION_ROLES,
            "held": list(selectors.display_messages_set(station)),
            "recent": list(selectors.display_messages_of(station).exclude(status="Set")[:SHOWN]),
            "message_form": form or DisplayMessageForm(station=station)}


async def _card(request, station: Station, action: str, *, response: dict | None = None,
                error: dict | None = None, form: DisplayMessageForm | None = None):
    if not request.htmx:
        return await _aanswer(request, station, action, response=response, error=error, form=form)
    context = await sync_to_async(card_context)(station, role=request.role,
                                                form=form if form is not None and form.errors else None)
    context["answer"] = {"action": action, "response": response, "error": error, "form": form}
    return await sync_to_async(render)(request, "stations/_display_messages.html", context,
                                       status=400 if form is not None and form.errors else 200)


async def _send(request, station: Station, action: str, send):
    try:
        response = await send()
    except CommandFailed as failure:
        return await _card(request, station, action, error=_failure(failure))
    return await _card(request, station, action, response=response)


@_post_only
@station_view
async def display_message_set(request, station: Station):
    form = DisplayMessageForm(request.POST, station=station)
    if not await sync_to_async(form.is_valid)():
        return await _card(request, station, "SetDisplayMessage", form=form)

    async def send():
        message = await services.display_message_set(station=station, **form.cleaned_data)
        return {"status": message.answer, "message_id": message.message_id}

    return await _send(request, station, "SetDisplayMessage", send)


@_post_only
@station_view
async def display_message_clear(request, station: Station, message_id: int):
    async def send():
        return {"status": await services.display_message_clear(station=station,
                                                               message_id=message_id)}

    return await _send(request, station, "ClearDisplayMessage", send)


@_post_only
@station_view
async def display_messages_refresh(request, station: Station):
    """GetDisplayMessages of every message; the card shows what the report taught once its
    parts came (or after a short wait)."""
    async def send():
        report = await services.display_messages_get(station=station)
        await services.display_messages_report_awaited(report_id=report.pk,
                                                       timeout=REFRESH_WAIT_SECONDS)
        return {"status": report.status}

    return await _send(request, station, "GetDisplayMessages", send)
