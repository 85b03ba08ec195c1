"""A station's security event about a refused firmware signing certificate or signature: the same
SecurityEventNotification in 1.6's Security extension and in 2.0.1, so one reaction registered
for both versions (FirmwareConfig.ready(); docs/ocpp201.md, "Firmware"). The security app stores
the event in its handler, which runs after the reactions: the link is made after the answer."""

from datetime import datetime

from stations.firmware.services import firmware
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, reacts_to


@reacts_to("1.6", "SecurityEventNotification")
@reacts_to("2.0.1", "SecurityEventNotification")
async def security_event(link: Link, payload: dict, received_at: datetime) -> None:
    if payload.get("type") in firmware.FIRMWARE_SECURITY_EVENTS:
        after_answer(lambda: db(firmware.firmware_security_event_link, station_id=link.station.pk,
                                event_type=payload["type"]))
