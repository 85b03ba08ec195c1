"""What follows a change of a station's admission (docs/ocpp201.md, "Admission"): its live link
learns the new admission at once (it answers the station's next CALLs by it), and a station
accepted now is asked to boot again with a TriggerMessage(BootNotification) instead of after its
retry interval (2.0.1 B_31). Run by `stations.tasks.station_admission_changed` after the change
commits."""

import logging

from stations.commands.sending import CommandFailed
from stations.models import Station
from stations.ocpp import links
from stations.services.admission import ACCEPTED, BOOT, MEMO
from stations.services.station_commands import message_trigger

log = logging.getLogger(__name__)


async def admission_follow_up(*, station: Station, before: str) -> str:
    """Tell the station's link; trigger a boot of a station accepted now. Returns what was done."""
    if not station.connected:
        return "not connected"
    await links.send(station.channel_name, {"type": "station.memo", "app": MEMO,
                                            "values": {"state": station.admission}})
    if station.admission != ACCEPTED or before == ACCEPTED:
        return "told"
    try:
        result = await message_trigger(station=station, requested_message=BOOT)
    except CommandFailed as failure:  # it boots again after its retry interval anyway
        log.warning("Could not trigger a boot of %s: %s", station.identity, failure.body)
        return f"trigger failed: {failure.body['detail']}"
    return f"trigger {result.status}"
