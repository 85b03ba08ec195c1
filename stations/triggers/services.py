"""Remote Trigger: ask a station to send one of its messages now (TriggerMessage, or the Security
extension's ExtendedTriggerMessage for the messages only that variant has).

The messages the API and the dashboard offer are the 1.6 ones (the only version stations speak
today); the request itself goes out through the neutral `message_trigger`, whose adapter picks
the variant."""

from stations.ocpp.v16.commands import TRIGGERABLE, TRIGGERABLE_EXTENDED
from stations.services.station_commands import message_trigger

STANDARD = TRIGGERABLE
EXTENDED = TRIGGERABLE_EXTENDED


async def trigger_send(*, station, requested_message: str, connector_id: int | None = None,
                       extended: bool = False) -> dict:
    """Send the trigger and return {action, requested_message, connector_id, status}.

    Raises CommandFailed (409 offline, 502 CALLERROR, 504 no answer) like any station call."""
    result = await message_trigger(station=station, requested_message=requested_message,
                                   evse_id=connector_id, extended=extended)
    return {"action": result.action, "requested_message": requested_message,
            "connector_id": connector_id, "status": result.status}
