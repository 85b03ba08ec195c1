"""Jobs the station went silent on: a firmware job or upload request with no status
notification for OCPP_FIRMWARE_STALL_SECONDS / OCPP_UPLOAD_STALL_SECONDS ends as failed, and its
URL and FTP credentials expire with it (docs/file-transfer.md).

Each kind is failed by one conditional UPDATE (still sent, still quiet), so two workers running
the check at once never fail a job twice and a status arriving meanwhile keeps its job open."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from stations.firmware.models import FirmwareJob, JobFailure, UploadRequest


def jobs_fail_stalled(*, now: datetime | None = None) -> int:
    """Fail the stalled firmware jobs and upload requests; returns how many."""
    now = now or timezone.now()
    firmware_cutoff = now - timedelta(seconds=settings.OCPP_FIRMWARE_STALL_SECONDS)
    firmware = FirmwareJob.objects.filter(  # not before its dates
        Q(install_date__isnull=True) | Q(install_date__lt=firmware_cutoff), retrieve_date__lt=firmware_cutoff)
    uploads = UploadRequest.objects.filter(received_at__isnull=True).exclude(status="Uploaded")
    return (_fail_quiet(firmware, settings.OCPP_FIRMWARE_STALL_SECONDS, now, finished_at=now)
            + _fail_quiet(uploads, settings.OCPP_UPLOAD_STALL_SECONDS, now))


def _fail_quiet(jobs: QuerySet, seconds: int, now: datetime, **also) -> int:
    cutoff = now - timedelta(seconds=seconds)
    quiet = Q(status_at__lt=cutoff) | Q(status_at__isnull=True, sent_at__lt=cutoff)
    silence = f"No status notification for {_duration(seconds)}"
    reason = Case(When(status="", then=Value(f"{silence} since it was sent.")),
                  default=Concat(Value(f"{silence} after "), F("status"), Value(".")))
    return jobs.filter(quiet, state="sent").update(
        state="failed", failure=JobFailure.STALLED, failure_reason=reason, **also)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
