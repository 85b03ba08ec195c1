"""Firmware Management in OCPP 1.6 (and the Security extension's signed updates and logs): the
station's notifications, what a boot means for a firmware job, and what an update of ours that
went out means for the next boot. Registered in FirmwareConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations import events
from stations.firmware.services import firmware, uploads
from stations.ocpp.dbthreads import db
from stations.ocpp.link import FIRMWARE, Link
from stations.ocpp.registry import after_answer, handles, reacts_to

V16 = "1.6"
UPDATES = frozenset({"UpdateFirmware", "SignedUpdateFirmware"})


@reacts_to(V16, "BootNotification")
async def boot(link: Link, payload: dict, received_at: datetime) -> None:
    """A job sent before ends as installed when the station boots its image's version; one left
    pending while the station was offline (a rollout's) goes out after the answer. Whether any
    job is open was learnt at the handshake, so a boot with none makes no round trip."""
    if FIRMWARE not in link.due:
        return
    pending_job = await db(firmware.firmware_station_booted, station_id=link.station.pk,
                           firmware_version=payload.get("firmwareVersion", ""),
                           received_at=received_at)
    if pending_job is not None:
        after_answer(lambda: firmware.firmware_job_send_async(job_id=pending_job))


def update_sent(event: events.CallSent) -> None:
    """An update went out on this link: a later boot on it may finish the job."""
    if event.action in UPDATES and event.link is not None:
        event.link.due.add(FIRMWARE)


events.subscribe(events.CallSent, update_sent)


@handles(V16, "FirmwareStatusNotification")
async def firmware_status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(firmware.firmware_status_record, station_id=link.station.pk,
             status=payload["status"], received_at=received_at)
    link.due.add(FIRMWARE)  # a boot on this link may finish the job
    return {}


@handles(V16, "SignedFirmwareStatusNotification")
async def signed_firmware_status_notification(link: Link, payload: dict,
                                              received_at: datetime) -> dict:
    await db(firmware.firmware_status_record, station_id=link.station.pk,
             status=payload["status"], request_id=payload.get("requestId"),
             received_at=received_at)
    link.due.add(FIRMWARE)  # a boot on this link may finish the job
    return {}


@handles(V16, "DiagnosticsStatusNotification")
async def diagnostics_status_notification(link: Link, payload: dict,
                                          received_at: datetime) -> dict:
    await db(uploads.upload_status_record, station_id=link.station.pk, kind="diagnostics",
             status=payload["status"], received_at=received_at)
    return {}


@handles(V16, "LogStatusNotification")
async def log_status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(uploads.upload_status_record, station_id=link.station.pk, kind="log",
             status=payload["status"], request_id=payload.get("requestId"),
             received_at=received_at)
    return {}
