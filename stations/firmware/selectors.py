from django.db.models import Count, QuerySet

from stations.firmware.models import FirmwareFile, FirmwareJob, Rollout, UploadRequest
from stations.models import Station
from tenants.models import Tenant


def firmware_files_of(tenant: Tenant) -> QuerySet[FirmwareFile]:
    return FirmwareFile.objects.filter(tenant=tenant)


def firmware_jobs_of(station: Station) -> QuerySet[FirmwareJob]:
    return (FirmwareJob.objects.filter(tenant_id=station.tenant_id, station=station)
            .select_related("station", "firmware"))


def rollouts_of(tenant: Tenant) -> QuerySet[Rollout]:
    return Rollout.objects.filter(tenant=tenant).select_related("firmware")


def rollout_progress(rollout: Rollout) -> dict:
    """Counts of the rollout's jobs by state and by last reported status, and each station's."""
    jobs = rollout.jobs.select_related("station").order_by("station__identity")
    by_state = dict(jobs.order_by().values_list("state").annotate(n=Count("id")))
    by_status = dict(jobs.exclude(status="").order_by().values_list("status").annotate(n=Count("id")))
    return {
        "total": sum(by_state.values()),
        "states": by_state,
        "statuses": by_status,
        "stations": [{"station": job.station.identity, "job": job.pk, "state": job.state,
                      "status": job.status} for job in jobs],
    }


def upload_requests_of(station: Station, kind: str) -> QuerySet[UploadRequest]:
    return UploadRequest.objects.filter(tenant_id=station.tenant_id, station=station, kind=kind)


def firmware_job_by_token(token: str) -> FirmwareJob | None:
    """The job whose URL this is, while its station may fetch it: sent, or failed (a station
    retries). Before it is sent, once installed or refused, the URL serves nothing."""
    return (FirmwareJob.objects.select_related("firmware")
            .filter(token=token, state__in=[FirmwareJob.SENT, FirmwareJob.FAILED]).first())
