"""Sending a CALL to a station from any server process and waiting for its answer.

The request travels over the channel layer to the process that holds the station's socket (the
socket's address is in the station row) and the outcome comes back on a reply channel of our
own. `command_send` returns the raw outcome; `station_call` is what services use: it returns
the station's response payload or raises a `CommandFailed` that the API turns into 409/502/504.
"""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from stations.ocpp import links
from stations.ocpp.errors import OcppError
from stations.ocpp.v16 import schemas


async def command_send(*, address: str, action: str, payload: dict, timeout: float) -> dict:
    """The outcome: {"status": "result"|"error"|"invalid"|"timeout"|"disconnected", ...}."""
    layer = get_channel_layer()
    reply_to = await layer.new_channel()
    await links.send(address, {"type": "ocpp.command", "action": action,
                                    "payload": payload, "reply_to": reply_to})
    try:
        return await asyncio.wait_for(layer.receive(reply_to), timeout)
    except TimeoutError:
        return {"status": "timeout"}


class CommandFailed(Exception):
    """The CALL got no usable answer. `status_code` and `body` are the API's answer for it."""

    status_code = 502

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.body = {"detail": detail, **extra}


class CommandInvalid(CommandFailed):
    status_code = 400


class StationNotConnected(CommandFailed):
    status_code = 409


class StationAnsweredError(CommandFailed):
    status_code = 502


class StationTimedOut(CommandFailed):
    status_code = 504


async def station_call(station, action: str, payload: dict, *,
                       timeout: float | None = None) -> dict:
    """Send `action` to `station` (a Station with `channel_name` and `server_process` loaded,
    fresh from the database) and return the response payload."""
    try:
        schemas.validate(action, payload)
        schemas.check_integers(action, payload)
    except OcppError as error:
        raise CommandInvalid(f"{error.code}: {error.description}") from None
    if not station.connected:
        raise StationNotConnected("The station is not connected.")
    outcome = await command_send(address=station.channel_name, action=action, payload=payload,
                                 timeout=timeout or settings.OCPP_COMMAND_TIMEOUT)
    raise_for_outcome(outcome)
    return outcome["payload"]


def station_call_sync(station, action: str, payload: dict, *,
                      timeout: float | None = None) -> dict:
    """`station_call` for synchronous code (services, Celery tasks)."""
    return async_to_sync(station_call)(station, action, payload, timeout=timeout)


def raise_for_outcome(outcome: dict) -> None:
    kind = outcome.get("status")
    if kind == "result":
        return
    if kind == "error":
        raise StationAnsweredError("The station answered with a CALLERROR.",
                                   code=outcome["code"], description=outcome["description"],
                                   details=outcome.get("details", {}))
    if kind == "invalid":
        raise StationAnsweredError("The station's answer breaks the OCPP schema.",
                                   code=outcome["code"], description=outcome["description"],
                                   response=outcome["payload"])
    if kind == "disconnected":
        raise StationNotConnected("The station disconnected before answering.")
    raise StationTimedOut("The station did not answer in time.")
