"""Remote Trigger: ask a station to send one of its messages now (TriggerMessage, or the Security
extension's ExtendedTriggerMessage for the messages only that variant has)."""

import json
from importlib import resources

from stations.commands import station_call


def _requested_messages(action: str) -> frozenset[str]:
    """The requestedMessage enum of `action`'s schema in the ocpp package: one source of truth."""
    schema = json.loads(resources.files("ocpp.v16").joinpath(f"schemas/{action}.json").read_text())
    prop = schema["properties"]["requestedMessage"]
    if "$ref" in prop:
        prop = schema["definitions"][prop["$ref"].rsplit("/", 1)[-1]]
    return frozenset(prop["enum"])


STANDARD = _requested_messages("TriggerMessage")
EXTENDED = _requested_messages("ExtendedTriggerMessage")


def trigger_action(*, requested_message: str, extended: bool = False) -> str:
    """TriggerMessage when it can carry the request and the caller did not ask for the extended one."""
    if extended or requested_message not in STANDARD:
        return "ExtendedTriggerMessage"
    return "TriggerMessage"


async def trigger_send(*, station, requested_message: str, connector_id: int | None = None,
                       extended: bool = False) -> dict:
    """Send the trigger and return {action, requested_message, connector_id, status}.

    Raises CommandFailed (409 offline, 502 CALLERROR, 504 no answer) like any station call."""
    action = trigger_action(requested_message=requested_message, extended=extended)
    payload: dict = {"requestedMessage": requested_message}
    if connector_id is not None:
        payload["connectorId"] = connector_id
    response = await station_call(station, action, payload)
    return {"action": action, "requested_message": requested_message,
            "connector_id": connector_id, "status": response["status"]}
