"""Display messages of OCPP 2.0.1 stations: NotifyDisplayMessages, the parts of the answer to
our GetDisplayMessages (stations/displaymessages/services.py). Each reported MessageInfo is
turned into the model's fields here, so the services speak no version's words. Set, Get and
Clear go out through the neutral requests (stations/ocpp/v201/commands.py). Registered in
DisplayMessagesConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations.displaymessages.services import display_messages_reported
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.timestamps import parse


def message_fields(info: dict) -> dict:
    """A 2.0.1 MessageInfoType as DisplayMessage fields."""
    content, display = info["message"], info.get("display") or {}
    return {"message_id": info["id"], "priority": info["priority"],
            "state": info.get("state", ""), "start_at": parse(info.get("startDateTime")),
            "end_at": parse(info.get("endDateTime")),
            "transaction_id": info.get("transactionId", ""),
            "message_format": content["format"], "language": content.get("language", ""),
            "content": content["content"], "display_component": display.get("name", ""),
            "display_instance": display.get("instance", ""),
            "display_evse_id": (display.get("evse") or {}).get("id")}


@handles("2.0.1", "NotifyDisplayMessages")
async def notify_display_messages(link: Link, payload: dict, received_at: datetime) -> dict:
    reported = payload.get("messageInfo", [])
    await db(display_messages_reported, station_id=link.station.pk,
             request_id=payload["requestId"], messages=[message_fields(m) for m in reported],
             reported=reported, tbc=payload.get("tbc", False))
    return {}
