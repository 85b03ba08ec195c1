"""Answering one station CALL: validate, dispatch to its handler, validate the answer."""

import logging
from datetime import datetime

from stations.models import Station
from stations.ocpp.errors import InternalError, NotSupported, OcppError
from stations.ocpp.frames import Call, CallError, CallResult, error_for
from stations.ocpp.v16 import schemas
from stations.ocpp.v16.handlers import FOLLOW_UPS, HANDLERS, FollowUp, call_sent

log = logging.getLogger(__name__)

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


def sent(station: Station, call: Call) -> None:
    call_sent(station, call.action, call.payload)


async def answer(station: Station, call: Call,
                 received_at: datetime) -> tuple[CallResult | CallError, list[FollowUp]]:
    """The answer to `call`, and what its handler asked to run once that answer is sent."""
    follow_ups: list[FollowUp] = []
    token = FOLLOW_UPS.set(follow_ups)
    try:
        schemas.validate(call.action, call.payload)
        schemas.check_integers(call.action, call.payload)
        handler = HANDLERS.get(call.action)
        if handler is None:
            raise NotSupported(f"{call.action} is not supported by this central system")
        response = await handler(station, call.payload, received_at)
        schemas.validate(call.action, response, response=True)
        return CallResult(call.unique_id, response), follow_ups
    except OcppError as error:
        return error_for(call.unique_id, error), []
    except Exception:
        log.exception("Handler for %s of %s failed", call.action, station.identity)
        return error_for(call.unique_id, InternalError(f"{call.action} could not be processed")), []
    finally:
        FOLLOW_UPS.reset(token)
