"""Remote Trigger: ask a station to send one of its messages now (TriggerMessage; on 1.6 the
Security extension's ExtendedTriggerMessage for the messages only that variant has).

What a station can be asked depends on its OCPP version (`triggerable`): the API and the
dashboard offer the union and refuse, before anything is sent, a message the station's version
cannot request. 2.0.1 has one TriggerMessage, and 1.6's DiagnosticsStatusNotification is its
LogStatusNotification (docs/api.md). The request goes out through the neutral `message_trigger`,
whose adapter picks the message."""

from stations.ocpp.v16.commands import TRIGGERABLE, TRIGGERABLE_EXTENDED
from stations.ocpp.v201 import commands as v201
from stations.services.station_commands import message_trigger

STANDARD = TRIGGERABLE
EXTENDED = TRIGGERABLE_EXTENDED
V201 = v201.TRIGGERABLE | frozenset(v201.TRIGGER_WORDS)
ANY = STANDARD | EXTENDED | V201


class NotTriggerable(ValueError):
    """The station's OCPP version cannot request this message (or not this way)."""


def trigger_check(*, ocpp_version: str, requested_message: str, extended: bool = False) -> None:
    """NotTriggerable unless a station of `ocpp_version` (empty: 1.6) can be asked for it."""
    if ocpp_version == "2.0.1":
        if requested_message not in V201:
            raise NotTriggerable(f"An OCPP 2.0.1 station cannot be asked for {requested_message}.")
        return
    if requested_message not in (EXTENDED if extended else STANDARD | EXTENDED):
        raise NotTriggerable(f"An OCPP 1.6 station cannot be asked for {requested_message}"
                             + (" with ExtendedTriggerMessage." if extended else "."))


async def trigger_send(*, station, requested_message: str, connector_id: int | None = None,
                       extended: bool = False) -> dict:
    """Send the trigger and return {action, requested_message, connector_id, status}
    (`connector_id` is the EVSE on 2.0.1).

    Raises NotTriggerable before sending, CommandFailed (409 offline, 502 CALLERROR, 504 no
    answer) like any station call."""
    trigger_check(ocpp_version=station.ocpp_version, requested_message=requested_message,
                  extended=extended)
    result = await message_trigger(station=station, requested_message=requested_message,
                                   evse_id=connector_id, extended=extended)
    return {"action": result.action, "requested_message": requested_message,
            "connector_id": connector_id, "status": result.status}
