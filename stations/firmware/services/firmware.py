"""Firmware images, update jobs, rollouts and the FirmwareStatusNotifications that drive them."""

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, RestrictedError
from django.utils import timezone

from stations.commands.requests import CommandResult, FirmwareUpdate
from stations.firmware.models import FirmwareFile, FirmwareJob, JobFailure, Rollout
from stations.firmware.services import sending, transfer
from stations.models import Station
from stations.security.models import SecurityEvent
from tenants.models import Tenant

# Statuses after which the station gives up on this image (it may still retry: a later
# progress status reopens the job).
FAILURE_STATUSES = frozenset({"DownloadFailed", "InstallationFailed", "InvalidSignature",
                              "InstallVerificationFailed"})
QUIET_STATUSES = frozenset({"Idle"})
# Statuses after which a boot on another version than the job's means the update did not take.
INSTALL_STATUSES = frozenset({"Downloaded", "SignatureVerified", "InstallScheduled", "Installing",
                              "InstallRebooting", "Installed"})
# Answers to a signed (or any 2.0.1) update: the signing certificate was refused, so the job fails.
CERTIFICATE_ANSWERS = frozenset({"InvalidCertificate", "RevokedCertificate"})
ACCEPTED_ANSWERS = frozenset({"Accepted", "AcceptedCanceled"})
# Security events (2.0.1 and the 1.6 Security extension) a refused image or certificate raises.
FIRMWARE_SECURITY_EVENTS = frozenset({"InvalidFirmwareSigningCertificate", "InvalidFirmwareSignature"})


class FirmwareInUse(Exception):
    """A firmware file with jobs is kept: the jobs' history refers to it."""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def firmware_digest(file: File) -> tuple[str, int]:
    """The SHA-256 (hex) and size of an image; the admin uses it too when it stores one."""
    digest, size = hashlib.sha256(), 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def firmware_file_create(*, tenant: Tenant, name: str, version: str, file: UploadedFile,
                         signing_certificate: str = "", signature: str = "") -> FirmwareFile:
    sha256, size = firmware_digest(file)
    return FirmwareFile.objects.create(
        tenant=tenant, name=name, version=version, file=file, size=size, sha256=sha256,
        signing_certificate=signing_certificate, signature=signature)


def firmware_file_delete(*, firmware: FirmwareFile) -> None:
    stored = firmware.file
    try:
        firmware.delete()
    except RestrictedError:
        raise FirmwareInUse("This firmware file has update jobs; it is kept with them.") from None
    stored.delete(save=False)


def firmware_job_create(*, station: Station, firmware: FirmwareFile, retrieve_date: datetime | None = None,
                        retries: int | None = None, retry_interval: int | None = None,
                        signed: bool = False, rollout: Rollout | None = None,
                        install_date: datetime | None = None) -> FirmwareJob:
    """A pending job; SignedUpdateFirmware when asked or when the file is signed. Its download URL
    (its token) is made when it is sent."""
    job = FirmwareJob.objects.create(
        tenant_id=station.tenant_id, station=station, firmware=firmware, rollout=rollout,
        signed=signed or firmware.is_signed, retrieve_date=retrieve_date or timezone.now(),
        install_date=install_date, retries=retries, retry_interval=retry_interval)
    job.request_id = job.pk
    job.location = transfer.firmware_location(job)
    job.save(update_fields=["request_id", "location"])
    return job


def firmware_job_downloaded(*, job_id: int) -> None:
    """One more fetch of the image, over HTTP or FTP (parallel fetches each count)."""
    FirmwareJob.objects.filter(pk=job_id).update(downloads=F("downloads") + 1)


def firmware_job_request(job: FirmwareJob) -> FirmwareUpdate:
    signed = {"signing_certificate": job.firmware.signing_certificate,
              "signature": job.firmware.signature} if job.signed else {}
    install_date = iso(job.install_date) if job.install_date else None
    return FirmwareUpdate(request_id=job.request_id, location=job.location,
                          retrieve_date=iso(job.retrieve_date), retries=job.retries,
                          retry_interval=job.retry_interval, signed=job.signed,
                          install_date=install_date, **signed)


def _firmware_answered(job: FirmwareJob, result: CommandResult) -> None:
    """A 1.6 UpdateFirmware answer is empty; a signed or 2.0.1 update's answer says whether the
    station took it. AcceptedCanceled: it took it and cancelled the update it was busy with."""
    if not result.status or job.state != FirmwareJob.SENT:
        return
    if result.status == "AcceptedCanceled":
        _cancel_others(job)
    if result.status in ACCEPTED_ANSWERS:
        return
    job.status, job.finished_at = result.status, timezone.now()
    reason = f"The station answered {result.status}."
    if result.status in CERTIFICATE_ANSWERS:
        _fail(job, JobFailure.CERTIFICATE, reason, job.finished_at)
    else:
        job.state, job.failure_reason = FirmwareJob.REJECTED, reason


def _cancel_others(job: FirmwareJob) -> None:
    """The station's other updates under way end cancelled (docs/ocpp201.md, firmware)."""
    reason = f"The station cancelled it for firmware job {job.pk}."
    (FirmwareJob.objects.filter(station_id=job.station_id, state=FirmwareJob.SENT)
     .exclude(pk=job.pk).update(state=FirmwareJob.CANCELLED, finished_at=timezone.now(),
                                failure_reason=reason))


def firmware_job_send(*, job_id: int, reraise: bool = False) -> FirmwareJob:
    return sending.send(FirmwareJob, job_id, transfer.firmware_location, firmware_job_request,
                        _firmware_answered, reraise=reraise)


async def firmware_job_send_async(*, job_id: int) -> FirmwareJob:
    return await sending.send_async(FirmwareJob, job_id, transfer.firmware_location, firmware_job_request,
                                    _firmware_answered)


def rollout_send(*, rollout_id: int) -> int:
    """Send the rollout's pending jobs to the stations that are connected; returns how many (run
    by the task that `rollouts.rollout_create` queues)."""
    jobs = (FirmwareJob.objects.filter(rollout_id=rollout_id, state=FirmwareJob.PENDING)
            .select_related("station__server_process"))
    sent = 0
    for job in list(jobs):
        if job.station.connected:
            firmware_job_send(job_id=job.pk)
            sent += 1
    return sent


def _history(job: FirmwareJob, status: str, received_at: datetime, **extra) -> None:
    job.history = [*job.history, {"status": status, "at": iso(received_at), **extra}]


@transaction.atomic
def firmware_status_record(*, station_id: int, status: str, received_at: datetime,
                           request_id: int | None = None) -> FirmwareJob | None:
    """A (Signed)FirmwareStatusNotification: on the job with that requestId, else on the station's
    latest sent job. Station.firmware_status follows too."""
    Station.objects.filter(pk=station_id).update(firmware_status=status)
    jobs = FirmwareJob.objects.select_for_update().filter(station_id=station_id, sent_at__isnull=False)
    if request_id is not None:
        job = jobs.filter(request_id=request_id).first()
    else:
        job = jobs.order_by("-sent_at", "-id").first()
    if job is None:
        return None
    _history(job, status, received_at)
    job.status_at = received_at
    if status in QUIET_STATUSES:
        job.save(update_fields=["history", "status_at"])
        return job
    job.status = status
    if status in FAILURE_STATUSES and job.state == FirmwareJob.SENT:
        _fail(job, JobFailure.STATUS, f"The station reported {status}.", received_at)
    elif status not in FAILURE_STATUSES and job.state == FirmwareJob.FAILED \
            and job.failure == JobFailure.STATUS:
        _reopen(job)  # the station retries
    if status == "Installed" and job.state == FirmwareJob.SENT:
        _installed_without_boot(job, received_at)
    job.save(update_fields=["history", "status", "status_at", "state", "finished_at", "failure",
                            "failure_reason"])
    return job


def _installed_without_boot(job: FirmwareJob, at: datetime) -> None:
    """2.0.1 reports Installed after the reboot's BootNotification (which finished the job) or
    without a reboot: then the version the station last booted on decides, as at a boot."""
    booted = Station.objects.filter(pk=job.station_id).values_list("firmware_version", flat=True).first()
    if booted and booted == job.firmware.version:
        job.state, job.finished_at = FirmwareJob.INSTALLED, at


@transaction.atomic
def firmware_security_event_link(*, station_id: int, event_type: str) -> FirmwareJob | None:
    """An InvalidFirmwareSigningCertificate or InvalidFirmwareSignature event: linked to the
    station's latest update (the one it refused), so the job shows why."""
    event = (SecurityEvent.objects.filter(station_id=station_id, type=event_type)
             .order_by("-received_at", "-pk").first())
    job = (FirmwareJob.objects.select_for_update().filter(station_id=station_id, sent_at__isnull=False)
           .order_by("-sent_at", "-id").first())
    if event is None or job is None or job.security_event_id:
        return job
    job.security_event = event
    job.save(update_fields=["security_event"])
    return job


def _fail(job: FirmwareJob, failure: str, reason: str, at: datetime) -> None:
    job.state, job.finished_at = FirmwareJob.FAILED, at
    job.failure, job.failure_reason = failure, reason


def _reopen(job: FirmwareJob) -> None:
    job.state, job.finished_at, job.failure, job.failure_reason = FirmwareJob.SENT, None, "", ""


@transaction.atomic
def firmware_station_booted(*, station_id: int, firmware_version: str, received_at: datetime) -> int | None:
    """A boot: the sent jobs whose image has this version end as installed; those past the
    download (or past the time the install should have taken) on another version end as failed.
    Returns the newest pending job of the station to send now (older pending ones are superseded
    by it)."""
    sent = (FirmwareJob.objects.select_for_update(of=("self",)).select_related("firmware")
            .filter(station_id=station_id, state=FirmwareJob.SENT).exclude(firmware__version=""))
    for job in sent if firmware_version else ():
        _booted(job, firmware_version, received_at)
    pending = list(FirmwareJob.objects.filter(station_id=station_id, state=FirmwareJob.PENDING)
                   .order_by("-created_at", "-id").values_list("pk", flat=True))
    if not pending:
        return None
    superseded = f"Superseded by firmware job {pending[0]}."
    FirmwareJob.objects.filter(pk__in=pending[1:]).update(
        state=FirmwareJob.FAILED, finished_at=received_at, error={"detail": superseded},
        failure=JobFailure.SUPERSEDED, failure_reason=superseded)
    return pending[0]


def _booted(job: FirmwareJob, firmware_version: str, received_at: datetime) -> None:
    target = job.firmware.version
    if firmware_version == target:
        job.state, job.finished_at = FirmwareJob.INSTALLED, received_at
    elif job.status in INSTALL_STATUSES or _install_overdue(job, received_at):
        _fail(job, JobFailure.VERSION, f"Booted on {firmware_version}, expected {target}.", received_at)
    else:
        return  # a boot before the update (or during its download) says nothing yet
    _history(job, "Booted", received_at, firmware_version=firmware_version)
    job.save(update_fields=["history", "state", "finished_at", "failure", "failure_reason"])


def _install_overdue(job: FirmwareJob, at: datetime) -> bool:
    return (at - job.retrieve_date).total_seconds() > settings.OCPP_FIRMWARE_STALL_SECONDS
