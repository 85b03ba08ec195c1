from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from stations.firmware.models import (
    FirmwareFile,
    FirmwareJob,
    FirmwarePublication,
    JobFailure,
    Rollout,
    UploadRequest,
)
from stations.firmware.tokens import token_hash
from stations.models import Station
from tenants.models import Tenant


def firmware_files_of(tenant: Tenant) -> QuerySet[FirmwareFile]:
    return FirmwareFile.objects.filter(tenant=tenant)


def firmware_jobs_of(station: Station) -> QuerySet[FirmwareJob]:
    return (FirmwareJob.objects.filter(tenant_id=station.tenant_id, station=station)
            .select_related("station", "firmware", "security_event"))


def publications_of(station: Station) -> QuerySet[FirmwarePublication]:
    return FirmwarePublication.objects.filter(tenant_id=station.tenant_id, station=station) \
        .select_related("station")


def rollouts_of(tenant: Tenant) -> QuerySet[Rollout]:
    return Rollout.objects.filter(tenant=tenant).select_related("firmware")


def rollout_progress(rollout: Rollout) -> dict:
    """Counts of the rollout's jobs by state and by last reported status, and each station's."""
    jobs = rollout.jobs.select_related("station").order_by("station__identity")
    by_state = dict.fromkeys((state for state, _ in FirmwareJob.STATES), 0)
    by_state |= dict(jobs.order_by().values_list("state").annotate(n=Count("id")))
    by_status = dict(jobs.exclude(status="").order_by().values_list("status").annotate(n=Count("id")))
    return {
        "total": sum(by_state.values()),
        "states": by_state,
        "statuses": by_status,
        "stations": [{"station": job.station.identity, "job": job.pk, "state": job.state,
                      "status": job.status, "failure_reason": job.failure_reason} for job in jobs],
    }


def latest_file_jobs(station: Station, *, limit: int) -> dict:
    """The station's newest firmware jobs and diagnostics/log requests, for its dashboard page."""
    uploads = UploadRequest.objects.filter(tenant_id=station.tenant_id, station=station)
    return {"firmware_jobs": list(firmware_jobs_of(station)[:limit]),
            "upload_requests": list(uploads[:limit])}


def upload_requests_of(station: Station, kind: str) -> QuerySet[UploadRequest]:
    return UploadRequest.objects.filter(tenant_id=station.tenant_id, station=station, kind=kind)


def open_for_transfer(jobs: QuerySet, *, stall_seconds: int) -> QuerySet:
    """The jobs whose URL or FTP credential still works: sent, or failed on the station's own
    status within the stall time (a station retries). Before it is sent, once installed,
    refused, stalled, superseded or booted on another version, it takes and serves nothing."""
    recent = timezone.now() - timedelta(seconds=stall_seconds)
    return jobs.filter(Q(state="sent") | Q(state="failed", failure=JobFailure.STATUS, status_at__gte=recent))


def firmware_job_by_token(token: str) -> FirmwareJob | None:
    """The job whose URL or FTP password this is, while its station may fetch it. Found by the
    token's hash: an index lookup's timing tells about the hash, which tells nothing of a token."""
    return _fetchable_firmware_jobs().filter(token_hash=token_hash(token)).first()


def firmware_job_fetchable(pk: int) -> FirmwareJob | None:
    """The job while its station may fetch it (its token still to be checked)."""
    return _fetchable_firmware_jobs().filter(pk=pk).first()


def _fetchable_firmware_jobs() -> QuerySet[FirmwareJob]:
    jobs = FirmwareJob.objects.select_related("firmware")
    return open_for_transfer(jobs, stall_seconds=settings.OCPP_FIRMWARE_STALL_SECONDS)
