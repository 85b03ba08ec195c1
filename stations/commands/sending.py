"""Sending a CALL to a station from any server process and waiting for its answer.

The request travels over the channel layer to the process that holds the station's socket (the
socket's address is in the station row) and the outcome comes back on a reply channel of our
own. `command_send` returns the raw outcome; `station_call` sends one CALL in the station's
OCPP words (the API's raw `commands/` endpoint): it returns the station's response payload or
raises a `CommandFailed` that the API turns into 400/409/502/504. Services say what they want
in no version's words instead (stations/services/station_commands.py): `command_run` has the
adapter of the station's version (`translator_for`) translate the request and the answer.
"""

import asyncio
import logging
from types import ModuleType

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from stations import events
from stations.commands.requests import CommandResult
from stations.models import Station
from stations.ocpp import links
from stations.ocpp.errors import OcppError, code_in
from stations.ocpp.schemas import SchemaSet
from stations.ocpp.v16 import commands as v16_commands
from stations.ocpp.v16.schemas import SCHEMAS as V16_SCHEMAS
from stations.ocpp.v201 import commands as v201_commands
from stations.ocpp.v201.schemas import SCHEMAS as V201_SCHEMAS
from stations.services.admission import command_refusal
from stations.services.device_model import adevice_model_record_answer

log = logging.getLogger(__name__)


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
    """The CALL got no usable answer. `status_code` and `body` are the API's answer for it;
    `action` the message tried, once `command_run` knows it."""

    status_code = 502
    action = ""

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.body = {"detail": detail, **extra}


class CommandInvalid(CommandFailed):
    status_code = 400


class StationNotConnected(CommandFailed):
    status_code = 409


class StationNotAdmitted(CommandFailed):
    """A Pending station gets only what provisions it, a Rejected one nothing
    (stations/services/admission.py)."""

    status_code = 409


async def _admission_of(station) -> str:
    if "admission" in station.get_deferred_fields():
        return await (Station.objects.filter(pk=station.pk)
                      .values_list("admission", flat=True).afirst()) or "Accepted"
    return station.admission


class StationAnsweredError(CommandFailed):
    status_code = 502


class StationTimedOut(CommandFailed):
    status_code = 504


async def station_call(station, action: str, payload: dict, *,
                       timeout: float | None = None) -> dict:
    """Send `action` to `station` (a Station with `channel_name` and `server_process` loaded,
    fresh from the database) and return the response payload. Whatever the outcome, the
    subscribers of `events.CommandCompleted` (the audit log) hear of it first."""
    try:
        response = await _station_call(station, action, payload, timeout=timeout)
    except CommandFailed as failure:
        await _completed(station, action, payload, _outcome_of(failure), None,
                         failure.body.get("code") or str(failure))  # a CALLERROR's code
        raise
    await _completed(station, action, payload, "result", response, "")
    return response


async def _station_call(station, action: str, payload: dict, *, timeout: float | None) -> dict:
    schemas = schemas_for(station)
    try:
        schemas.validate(action, payload)
        schemas.check_integers(action, payload)
    except OcppError as error:
        version = station.ocpp_version or "1.6"
        raise CommandInvalid(f"{code_in(error, version)}: {error.description}") from None
    refusal = command_refusal(admission=await _admission_of(station),
                              version=station.ocpp_version, action=action)
    if refusal:
        raise StationNotAdmitted(refusal)
    if not station.connected:
        raise StationNotConnected("The station is not connected.")
    outcome = await command_send(address=station.channel_name, action=action, payload=payload,
                                 timeout=timeout or settings.OCPP_COMMAND_TIMEOUT)
    try:
        raise_for_outcome(outcome)
    except StationNotConnected as gone:
        gone.outcome = "disconnected"
        raise
    await adevice_model_record_answer(station.pk, action, payload, outcome["payload"])
    return outcome["payload"]


def _outcome_of(failure: CommandFailed) -> str:
    return getattr(failure, "outcome", None) or {
        CommandInvalid: "invalid", StationNotAdmitted: "refused",
        StationNotConnected: "not_connected", StationTimedOut: "timeout",
    }.get(type(failure), "error")


async def _completed(station, action: str, payload: dict, outcome: str, response: dict | None,
                     detail: str) -> None:
    for follow_up in events.publish(events.CommandCompleted(
            station, action, payload, outcome, response=response, detail=detail)):
        try:
            await follow_up()
        except Exception:  # an app's bookkeeping never turns the station's answer into an error
            log.exception("A follow-up of %s to %s failed", action, station.identity)


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


# Per OCPP version, the adapter module that words requests: `call_of` (request -> action,
# payload) and `result_of` (request, action, answer -> result).
TRANSLATORS: dict[str, ModuleType] = {"1.6": v16_commands, "2.0.1": v201_commands}


SCHEMA_SETS: dict[str, SchemaSet] = {"1.6": V16_SCHEMAS, "2.0.1": V201_SCHEMAS}


def schemas_for(station) -> SchemaSet:
    """The schemas of `station`'s OCPP version (1.6 for a station that never connected)."""
    return SCHEMA_SETS.get(station.ocpp_version or "1.6", V16_SCHEMAS)


def translator_for(station) -> ModuleType:
    """The adapter for `station`'s OCPP version: the one of its latest link (a station that
    never connected is taken for 1.6)."""
    return TRANSLATORS.get(station.ocpp_version or "1.6", v16_commands)


async def command_run(station, request, *, timeout: float | None = None) -> CommandResult:
    """Send a version-neutral `request` (stations/commands/requests.py) to `station` and return
    the neutral result. A `CommandFailed` carries the action that was tried."""
    translator = translator_for(station)
    try:
        action, payload = translator.call_of(request)
    except (TypeError, ValueError) as error:  # e.g. a 2.0.1 string transaction id for a 1.6 station
        raise CommandInvalid(f"The station's OCPP version cannot carry this request: {error}") from None
    try:
        response = await station_call(station, action, payload, timeout=timeout)
    except CommandFailed as failure:
        failure.action = action
        raise
    return translator.result_of(request, action, response)


def command_run_sync(station, request, *, timeout: float | None = None) -> CommandResult:
    """`command_run` for synchronous code (services, Celery tasks)."""
    return async_to_sync(command_run)(station, request, timeout=timeout)
