"""A version adapter's router, what the consumer hands a link's frames to: answering one station
CALL (validate it, run the reactions and the handler the apps registered for it in
stations/ocpp/registry.py, validate the answer), telling the apps about a CALL of ours that went
out (the CallSent event), and checking the station's answer to one of ours. Each OCPP version
has one (stations/ocpp/v16/router.py, stations/ocpp/v201/router.py), differing only in its
schemas and the words of its errors."""

import logging
from datetime import datetime

from stations import events
from stations.events import FollowUp
from stations.ocpp import admission, registry
from stations.ocpp.errors import InternalError, NotSupported, OcppError, code_in
from stations.ocpp.frames import Call, CallError, CallResult, error_for
from stations.ocpp.link import Link
from stations.ocpp.schemas import SchemaSet

log = logging.getLogger(__name__)


class Router:
    def __init__(self, *, version: str, subprotocol: str, schemas: SchemaSet) -> None:
        self.VERSION = version
        self.SUBPROTOCOL = subprotocol
        self.schemas = schemas

    def error_for(self, unique_id: str | None, error: OcppError) -> CallError:
        """The CALLERROR for `error` in this version's words."""
        return error_for(unique_id, error, self.VERSION)

    def sent(self, link: Link, call: Call) -> None:
        """A CALL of ours went out on `link`: apps note what it changes for later messages (a
        boot after a firmware update, the limits load management gave). No follow-ups."""
        admission.note_sent(link, call)
        events.publish(events.CallSent(link.station, call.action, call.payload, link=link))

    async def result_error(self, action: str, payload: dict) -> OcppError | None:
        """Why the station's answer to our `action` breaks its schema, or None."""
        try:
            self.schemas.validate(action, payload, response=True)
        except OcppError as error:
            error.code = code_in(error, self.VERSION)  # the API tells it in the station's words
            return error
        return None

    async def answer(self, link: Link, call: Call,
                     received_at: datetime) -> tuple[CallResult | CallError, list[FollowUp]]:
        """The answer to `call`, and what its handler asked to run once that answer is sent."""
        follow_ups: list[FollowUp] = []
        token = registry.FOLLOW_UPS.set(follow_ups)
        try:
            self.schemas.validate(call.action, call.payload)
            self.schemas.check_integers(call.action, call.payload)
            handler = registry.handler_of(self.VERSION, call.action)
            if handler is None:
                raise NotSupported(f"{call.action} is not supported by this central system")
            # A station not accepted (docs/ocpp201.md, "Admission"): SecurityError, or for its
            # boot the answer alone, none of the apps' reactions.
            if await admission.admitted(link, call.action):
                for reaction in registry.reactions_to(self.VERSION, call.action):
                    await reaction(link, call.payload, received_at)
            response = await handler(link, call.payload, received_at)
            self.schemas.validate(call.action, response, response=True)
            return CallResult(call.unique_id, response), follow_ups
        except OcppError as error:
            return self.error_for(call.unique_id, error), []
        except Exception:
            log.exception("Handler for %s of %s failed", call.action, link.station.identity)
            return self.error_for(call.unique_id,
                                  InternalError(f"{call.action} could not be processed")), []
        finally:
            registry.FOLLOW_UPS.reset(token)
