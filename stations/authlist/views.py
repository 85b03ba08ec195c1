"""The station page's "Local authorization list" card (both versions): the version the station
confirmed, whether it holds what it should now, the last attempts, and two actions: send the
full list (SendLocalList Full) and ask the station's version (GetLocalListVersion). Differential
updates go out by themselves when tokens change (stations/authlist/resync.py). With htmx the card
is re-rendered with the station's answer; without it the answer comes back as a message on the
station page. Installers and managers act; accountants only see the card."""

from asgiref.sync import sync_to_async
from django.shortcuts import render

from stations.authlist import selectors, services
from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _aanswer, _failure, _post_only, station_view
from stations.models import Station
from tenants.access import STATION_ROLES

SHOWN = 5


def card_context(station: Station, *, role: str) -> dict:
    state = selectors.local_list_state(station)
    return {"station": station, "can_act": role in STATION_ROLES,
            "local_list": state | {"history": list(state["history"][:SHOWN])}}


async def _card(request, station: Station, action: str, *, response: dict | None = None,
                error: dict | None = None):
    if not request.htmx:
        return await _aanswer(request, station, action, response=response, error=error)
    context = await sync_to_async(card_context)(station, role=request.role)
    context["answer"] = {"action": action, "response": response, "error": error}
    return await sync_to_async(render)(request, "stations/_local_list.html", context)


async def _send(request, station: Station, action: str, send):
    try:
        response = await send()
    except CommandFailed as failure:
        return await _card(request, station, action, error=_failure(failure))
    return await _card(request, station, action, response=response)


@_post_only
@station_view
async def local_list_send_full(request, station: Station):
    async def send():
        update = await services.local_list_send(station=station, update_type=services.FULL)
        return {"status": update.status, "list_version": update.list_version,
                "entries": update.entry_count}

    return await _send(request, station, "SendLocalList", send)


@_post_only
@station_view
async def local_list_version_ask(request, station: Station):
    async def send():
        held = await services.local_list_version_get(station=station)
        return {"status": "Accepted", "list_version": held.station_version}

    return await _send(request, station, "GetLocalListVersion", send)
