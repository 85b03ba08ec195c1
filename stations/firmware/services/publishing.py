"""PublishFirmware and UnpublishFirmware (OCPP 2.0.1 L03/L04): a local controller fetches an
image, checks its MD5 and serves it to the stations behind it; the CSMS keeps what it asked and
what the controller reported (docs/ocpp201.md, firmware).

A publication's state follows the controller's PublishFirmwareStatusNotification: published
(with the URIs it serves the image at), failed (DownloadFailed, InvalidChecksum, PublishFailed;
a later progress status reopens it, the controller retrying), unpublished once
UnpublishFirmware answered Unpublished. Unlike firmware jobs no token is involved: the
controller fetches from the location the operator gives."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from stations.commands.requests import FirmwarePublish, FirmwareUnpublish
from stations.commands.sending import CommandFailed, command_run_sync
from stations.firmware.models import FirmwarePublication
from stations.firmware.services.firmware import iso
from stations.models import Station

FAILURE_STATUSES = frozenset({"DownloadFailed", "InvalidChecksum", "PublishFailed"})
QUIET_STATUSES = frozenset({"Idle"})
OPEN_STATES = (FirmwarePublication.SENT, FirmwarePublication.FAILED, FirmwarePublication.PUBLISHED)


def publication_create(*, station: Station, location: str, checksum: str, retries: int | None = None,
                       retry_interval: int | None = None) -> FirmwarePublication:
    publication = FirmwarePublication.objects.create(
        tenant_id=station.tenant_id, station=station, location=location, checksum=checksum.lower(),
        retries=retries, retry_interval=retry_interval)
    publication.request_id = publication.pk
    publication.save(update_fields=["request_id"])
    return publication


def publication_send(*, publication_id: int) -> FirmwarePublication:
    """Send PublishFirmware and record the answer; a failed CALL is recorded, then raised (the
    API answers 409/502/504 as the command API does)."""
    claimed = FirmwarePublication.objects.filter(pk=publication_id, state=FirmwarePublication.PENDING) \
        .update(state=FirmwarePublication.SENT, sent_at=timezone.now())
    publication = FirmwarePublication.objects.select_related(
        "station__tenant", "station__server_process").get(pk=publication_id)
    if not claimed:
        return publication
    request = FirmwarePublish(request_id=publication.request_id, location=publication.location,
                              checksum=publication.checksum, retries=publication.retries,
                              retry_interval=publication.retry_interval)
    try:
        result = command_run_sync(publication.station, request)
    except CommandFailed as failure:
        _answered(publication_id, error=failure.body | {"status_code": failure.status_code})
        failure.body["id"] = publication_id
        raise
    return _answered(publication_id, response=result.response, status=result.status)


@transaction.atomic
def _answered(publication_id: int, *, response: dict | None = None, status: str = "",
              error: dict | None = None) -> FirmwarePublication:
    publication = FirmwarePublication.objects.select_for_update().get(pk=publication_id)
    publication.response, publication.error = response, error
    if publication.state == FirmwarePublication.SENT and (error or status != "Accepted"):
        publication.state = FirmwarePublication.FAILED if error else FirmwarePublication.REJECTED
        publication.finished_at = timezone.now()
        publication.failure_reason = (str(error.get("detail", "")) if error
                                      else f"The station answered {status}.")[:300]
    publication.save()
    return publication


@transaction.atomic
def publication_status_record(*, station_id: int, status: str, received_at: datetime,
                              request_id: int | None = None,
                              locations: list[str] | None = None) -> FirmwarePublication | None:
    """A PublishFirmwareStatusNotification: on the publication with that requestId, else on the
    station's latest sent one."""
    sent = FirmwarePublication.objects.select_for_update().filter(station_id=station_id,
                                                                  sent_at__isnull=False)
    if request_id is not None:
        publication = sent.filter(request_id=request_id).first()
    else:
        publication = sent.order_by("-sent_at", "-id").first()
    if publication is None:
        return None
    entry = {"status": status, "at": iso(received_at), **({"location": locations} if locations else {})}
    publication.history = [*publication.history, entry]
    publication.status_at = received_at
    if status not in QUIET_STATUSES:
        publication.status = status
        _follow(publication, status, received_at, locations or [])
    publication.save()
    return publication


def _follow(publication: FirmwarePublication, status: str, at: datetime, locations: list[str]) -> None:
    if publication.state not in OPEN_STATES:
        return  # rejected or unpublished: nothing the controller says reopens it
    if status == "Published":
        publication.state, publication.finished_at = FirmwarePublication.PUBLISHED, at
        publication.published_locations, publication.failure_reason = locations, ""
    elif status in FAILURE_STATUSES:
        publication.state, publication.finished_at = FirmwarePublication.FAILED, at
        publication.failure_reason = f"The station reported {status}."
    else:  # progress: the controller (re)tries
        publication.state, publication.finished_at = FirmwarePublication.SENT, None
        publication.failure_reason = ""


def firmware_unpublish(*, station: Station, checksum: str) -> tuple[str, int]:
    """Send UnpublishFirmware; returns the answer's status and how many publications of this
    checksum it ended (Unpublished ends them all; NoFirmware and DownloadOngoing end none)."""
    checksum = checksum.lower()
    station = Station.objects.select_related("tenant", "server_process").get(pk=station.pk)
    result = command_run_sync(station, FirmwareUnpublish(checksum=checksum))
    publications = FirmwarePublication.objects.filter(station=station, checksum=checksum)
    publications.update(unpublish_status=result.status)
    ended = 0
    if result.status == "Unpublished":
        ended = publications.filter(state__in=OPEN_STATES).update(
            state=FirmwarePublication.UNPUBLISHED, finished_at=timezone.now())
    return result.status, ended
