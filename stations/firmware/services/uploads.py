"""GetDiagnostics and GetLog: the request with its one-time upload URL, the station's answer,
its status notifications and the file it uploads."""

import tempfile
from datetime import datetime
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from stations.commands.requests import LogUpload, LogUploadReport
from stations.firmware.models import JobFailure, UploadRequest
from stations.firmware.selectors import open_for_transfer
from stations.firmware.services import sending, transfer
from stations.firmware.services.firmware import iso
from stations.firmware.tokens import token_hash
from stations.models import Station

FAILURE_STATUSES = frozenset({"UploadFailed", "BadMessage", "NotSupportedOperation", "PermissionDenied",
                              "UploadFailure"})


class UploadNotFound(Exception):
    pass


class UploadGone(Exception):
    """The URL was used already: it takes one file."""


class UploadTooLarge(Exception):
    """Larger than OCPP_UPLOAD_MAX_BYTES: nothing is kept and the URL stays unused."""


def upload_request_create(*, station: Station, kind: str, log_type: str = "",
                          start_time: datetime | None = None, stop_time: datetime | None = None,
                          retries: int | None = None, retry_interval: int | None = None) -> UploadRequest:
    request = UploadRequest.objects.create(
        tenant_id=station.tenant_id, station=station, kind=kind, log_type=log_type, start_time=start_time,
        stop_time=stop_time, retries=retries, retry_interval=retry_interval)
    request.request_id = request.pk
    request.location = transfer.upload_location(request)
    request.save(update_fields=["request_id", "location"])
    return request


def upload_request_command(request: UploadRequest) -> LogUpload:
    return LogUpload(
        request_id=request.request_id, location=request.location,
        diagnostics=request.kind == UploadRequest.DIAGNOSTICS, log_type=request.log_type,
        oldest=iso(request.start_time) if request.start_time else None,
        latest=iso(request.stop_time) if request.stop_time else None,
        retries=request.retries, retry_interval=request.retry_interval)


def _answered(request: UploadRequest, result: LogUploadReport) -> None:
    request.file_name = result.file_name  # empty: the station has nothing to send
    if not result.status:
        return  # 1.6's GetDiagnostics answer has none
    if result.status == "AcceptedCanceled":
        _cancel_older(request)
    if result.status not in ("Accepted", "AcceptedCanceled") and request.state == UploadRequest.SENT:
        request.state, request.status = UploadRequest.REJECTED, result.status
        request.failure_reason = f"The station answered {result.status}."


CANCELLED_REASON = "The station cancelled it for a newer log request."


def _cancel_older(request: UploadRequest) -> None:
    """A station uploads one log at a time: AcceptedCanceled says it dropped the one under way
    for this request (2.0.1 N01). Its older GetLog requests still open end as cancelled."""
    (UploadRequest.objects.filter(station_id=request.station_id, action=request.action,
                                  state=UploadRequest.SENT, received_at__isnull=True, pk__lt=request.pk)
     .exclude(status="Uploaded")
     .update(state=UploadRequest.CANCELLED, failure=JobFailure.SUPERSEDED,
             failure_reason=CANCELLED_REASON))


def upload_request_send(*, request_id: int, reraise: bool = False) -> UploadRequest:
    return sending.send(UploadRequest, request_id, transfer.upload_location, upload_request_command,
                        _answered, reraise=reraise)


@transaction.atomic
def upload_status_record(*, station_id: int, kind: str, status: str, received_at: datetime,
                         request_id: int | None = None) -> UploadRequest | None:
    """A DiagnosticsStatusNotification or LogStatusNotification: on the request with that
    requestId, else on the station's latest sent request of that kind."""
    if kind == UploadRequest.DIAGNOSTICS:
        Station.objects.filter(pk=station_id).update(diagnostics_status=status)
    requests = UploadRequest.objects.select_for_update().filter(
        station_id=station_id, kind=kind, sent_at__isnull=False)
    if request_id is not None:
        request = requests.filter(request_id=request_id).first()
    else:
        request = requests.order_by("-sent_at", "-id").first()
    if request is None:
        return None
    request.history = [*request.history, {"status": status, "at": iso(received_at)}]
    request.status_at = received_at
    if status != "Idle":
        request.status = status
    if status in FAILURE_STATUSES and request.state == UploadRequest.SENT:
        request.state, request.failure = UploadRequest.FAILED, JobFailure.STATUS
        request.failure_reason = f"The station reported {status}."
    if status == "AcceptedCanceled" and request.state == UploadRequest.SENT:
        request.state, request.failure = UploadRequest.CANCELLED, JobFailure.SUPERSEDED
        request.failure_reason = CANCELLED_REASON
    request.save(update_fields=["history", "status", "status_at", "state", "failure", "failure_reason"])
    return request


MAX_NAME = 100  # characters of the station's file name kept (its end: the extension)


def _safe_name(name: str, fallback: str) -> str:
    try:
        return get_valid_filename(PurePath(name.replace("\\", "/")).name)[-MAX_NAME:] if name else fallback
    except SuspiciousFileOperation:
        return fallback


def _spool(content: BinaryIO, spool: BinaryIO) -> int:
    """Copy the upload to `spool`; its size, or UploadTooLarge past OCPP_UPLOAD_MAX_BYTES."""
    size, limit = 0, settings.OCPP_UPLOAD_MAX_BYTES
    while chunk := content.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"The file is larger than {limit} bytes.")
        spool.write(chunk)
    return size


def _open(requests):
    """Requests whose URL or FTP credential takes a file (see `open_for_transfer`)."""
    return open_for_transfer(requests, stall_seconds=settings.OCPP_UPLOAD_STALL_SECONDS)


def _by_token(token: str):
    """The request whose URL or FTP password this is (by its hash, as `firmware_job_by_token`)."""
    return UploadRequest.objects.filter(token_hash=token_hash(token))


def upload_check(*, token: str, size: int | None = None) -> None:
    """Raise what `upload_receive` would for this token and announced size, before the body is
    read: UploadNotFound, UploadGone or UploadTooLarge."""
    received = _open(_by_token(token)).values_list("received_at", flat=True)
    if not received:
        raise UploadNotFound(token)
    if received[0] is not None:
        raise UploadGone(token)
    if size is not None and size > settings.OCPP_UPLOAD_MAX_BYTES:
        raise UploadTooLarge(f"The file is larger than {settings.OCPP_UPLOAD_MAX_BYTES} bytes.")


def upload_receive(*, token: str, content: BinaryIO, filename: str = "") -> UploadRequest:
    """Store the file a station uploaded to its one-time URL; a second upload is refused."""
    upload_check(token=token)
    with tempfile.TemporaryFile() as spool:
        size = _spool(content, spool)
        spool.seek(0)
        with transaction.atomic():
            request = _open(_by_token(token).select_for_update()).first()
            if request is None:
                raise UploadNotFound(token)
            if request.received_at is not None:
                raise UploadGone(token)
            name = _safe_name(filename or request.file_name, f"{request.kind}-{request.pk}.bin")
            request.file.save(name, File(spool, name=name), save=False)
            request.size, request.received_at = size, timezone.now()
            request.save(update_fields=["file", "size", "received_at"])
    return request
