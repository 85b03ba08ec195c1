"""Firmware and log uploads for OCPP 2.0.1 stations: the same services as 1.6's Security
extension (stations/firmware/ocpp16.py), since 2.0.1's UpdateFirmware and GetLog are its signed
update and log request (the translator words them: stations/ocpp/v201/commands.py). A
diagnostics request goes out as GetLog DiagnosticsLog, so a LogStatusNotification lands on the
request of either kind with its requestId. PublishFirmware (a local controller serving an image)
is 2.0.1's only; the security events about a refused signature are security_events.py's.
Registered in FirmwareConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations.firmware.models import UploadRequest
from stations.firmware.services import firmware, publishing, uploads
from stations.ocpp.dbthreads import db
from stations.ocpp.link import FIRMWARE, Link
from stations.ocpp.registry import after_answer, handles, reacts_to

V201 = "2.0.1"


@reacts_to(V201, "BootNotification")
async def boot(link: Link, payload: dict, received_at: datetime) -> None:
    """As for 1.6: a job sent before ends as installed when the station boots its version."""
    if FIRMWARE not in link.due:
        return
    pending_job = await db(firmware.firmware_station_booted, station_id=link.station.pk,
                           firmware_version=payload["chargingStation"].get("firmwareVersion", ""),
                           received_at=received_at)
    if pending_job is not None:
        after_answer(lambda: firmware.firmware_job_send_async(job_id=pending_job))


@handles(V201, "FirmwareStatusNotification")
async def firmware_status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(firmware.firmware_status_record, station_id=link.station.pk,
             status=payload["status"], request_id=payload.get("requestId"),
             received_at=received_at)
    link.due.add(FIRMWARE)  # a boot on this link may finish the job
    return {}


@handles(V201, "PublishFirmwareStatusNotification")
async def publish_firmware_status_notification(link: Link, payload: dict,
                                               received_at: datetime) -> dict:
    await db(publishing.publication_status_record, station_id=link.station.pk,
             status=payload["status"], request_id=payload.get("requestId"),
             locations=payload.get("location"), received_at=received_at)
    return {}


def _log_status_record(*, station_id: int, status: str, request_id: int | None,
                       received_at: datetime) -> None:
    if request_id is None and status == "Idle":
        return  # triggered with no upload under way: about no request (the frame log keeps it)
    for kind in (UploadRequest.LOG, UploadRequest.DIAGNOSTICS):
        if uploads.upload_status_record(station_id=station_id, kind=kind, status=status,
                                        request_id=request_id, received_at=received_at):
            return


@handles(V201, "LogStatusNotification")
async def log_status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(_log_status_record, station_id=link.station.pk, status=payload["status"],
             request_id=payload.get("requestId"), received_at=received_at)
    return {}
