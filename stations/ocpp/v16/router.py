"""The OCPP 1.6 adapter's router, what the consumer hands a 1.6 link's frames to: answering one
station CALL (validate it, run the reactions and the handler the apps registered for it in
stations/ocpp/registry.py, validate the answer), telling the apps about a CALL of ours that went
out (the CallSent event), and checking the station's answer to one of ours."""

import logging
from datetime import datetime

from stations import events
from stations.events import FollowUp
from stations.ocpp import registry
from stations.ocpp.errors import InternalError, NotSupported, OcppError
from stations.ocpp.frames import Call, CallError, CallResult, error_for
from stations.ocpp.link import Link
from stations.ocpp.v16 import schemas

log = logging.getLogger(__name__)
VERSION = "1.6"
SUBPROTOCOL = "ocpp1.6"

# Actions a 1.6 station may send; the rest of the schemas are ours to send.
STATION_ACTIONS = frozenset({
    "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification",
    "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
    "StatusNotification", "StopTransaction", "LogStatusNotification",
    "SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification",
})
CENTRAL_ACTIONS = frozenset(a for a in schemas._actions() if a not in STATION_ACTIONS) | {
    "DataTransfer"
}


def sent(link: Link, call: Call) -> None:
    """A CALL of ours went out on `link`: apps note what it changes for later messages (a boot
    after a firmware update, the limits load management gave). No follow-ups: nothing waits."""
    events.publish(events.CallSent(link.station, call.action, call.payload, link=link))


async def result_error(action: str, payload: dict) -> OcppError | None:
    """Why the station's answer to our `action` breaks its schema, or None."""
    try:
        schemas.validate(action, payload, response=True)
    except OcppError as error:
        return error
    return None


async def answer(link: Link, call: Call,
                 received_at: datetime) -> tuple[CallResult | CallError, list[FollowUp]]:
    """The answer to `call`, and what its handler asked to run once that answer is sent."""
    follow_ups: list[FollowUp] = []
    token = registry.FOLLOW_UPS.set(follow_ups)
    try:
        schemas.validate(call.action, call.payload)
        schemas.check_integers(call.action, call.payload)
        handler = registry.handler_of(VERSION, call.action)
        if handler is None:
            raise NotSupported(f"{call.action} is not supported by this central system")
        for reaction in registry.reactions_to(VERSION, call.action):
            await reaction(link, call.payload, received_at)
        response = await handler(link, call.payload, received_at)
        schemas.validate(call.action, response, response=True)
        return CallResult(call.unique_id, response), follow_ups
    except OcppError as error:
        return error_for(call.unique_id, error), []
    except Exception:
        log.exception("Handler for %s of %s failed", call.action, link.station.identity)
        return error_for(call.unique_id, InternalError(f"{call.action} could not be processed")), []
    finally:
        registry.FOLLOW_UPS.reset(token)
