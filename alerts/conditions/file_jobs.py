"""Firmware updates and diagnostics/log uploads that failed or stalled (docs/alerts.md,
"Firmware or upload job failed or stalled").

One alert per job, key `firmware_job:<pk>` or `upload:<pk>`. A job is in trouble when it ended
failed (the station reported a failure, could not be reached, went silent: the stall check of
stations/firmware/services/stalls.py) or when it is still running with no status for longer than
the rule's threshold (minutes): the alert comes before the firmware app gives up on it. The alert
is resolved once a later job of the same kind on that station succeeds, or the stalled job moves
on. A job that failed more than LOOKBACK ago is not alerted when first seen (a fresh install does
not mail a year of history); one already alerted stays open until it is resolved."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from alerts.models import Alert, AlertKind, AlertState
from alerts.rules import Rule, default_rule, saved_rules_of_kind, threshold_of
from alerts.services import AlertRaise, alerts_raise_many, alerts_resolve_absent
from stations.firmware.models import FirmwareJob, JobFailure, UploadRequest

KIND = AlertKind.FILE_JOB_FAILED
LOOKBACK = timedelta(days=1)
FIRMWARE, UPLOAD = "firmware_job", "upload"


def check(now: datetime) -> None:
    rules = saved_rules_of_kind(KIND)
    alerted = _alerted_ids()
    troubles = [*_firmware_troubles(now, rules, alerted.get(FIRMWARE, set())),
                *_upload_troubles(now, rules, alerted.get(UPLOAD, set()))]
    alerts_raise_many(kind=KIND, raises=troubles, at=now)
    alerts_resolve_absent(kind=KIND, present={(t.tenant_id, t.key) for t in troubles},
                          resolution="The job succeeded or moved on, or a later one succeeded",
                          at=now)


def _alerted_ids() -> dict[str, set[int]]:
    """The jobs whose alert is open, by key prefix: they are looked at whatever their age."""
    ids: dict[str, set[int]] = {}
    for key in Alert.objects.filter(kind=KIND, state=AlertState.OPEN).values_list("key", flat=True):
        prefix, _, pk = key.partition(":")
        if pk.isdigit():
            ids.setdefault(prefix, set()).add(int(pk))
    return ids


def _stalled(rules: dict[int, Rule], tenant_id: int, quiet_since: datetime, now: datetime) -> bool:
    rule = rules.get(tenant_id) or default_rule(KIND)
    return quiet_since < now - timedelta(minutes=threshold_of(rule))


def _failed_or_running(jobs: QuerySet, now: datetime, alerted: set[int]) -> QuerySet:
    """Failed jobs (recent, or already alerted) and the running ones; `ended_at` is when a
    failed job last moved, `quiet_since` when a running one last did."""
    failed = Q(state="failed") & ~Q(failure=JobFailure.SUPERSEDED)
    return jobs.filter((failed & (Q(ended_at__gte=now - LOOKBACK) | Q(pk__in=alerted)))
                       | Q(state="sent", quiet_since__isnull=False))


def _firmware_troubles(now: datetime, rules: dict[int, Rule], alerted: set[int]) -> Iterable[AlertRaise]:
    later_installed = FirmwareJob.objects.filter(
        station_id=OuterRef("station_id"), state=FirmwareJob.INSTALLED, pk__gt=OuterRef("pk"))
    jobs = (FirmwareJob.objects
            .annotate(ended_at=Coalesce("finished_at", "status_at", "sent_at", "created_at"),
                      quiet_since=Coalesce("status_at", "sent_at"))
            .exclude(Exists(later_installed)))
    for job in _failed_or_running(jobs, now, alerted).select_related("station", "firmware"):
        if job.state == "sent":
            waits_until = max(d for d in (job.retrieve_date, job.install_date) if d is not None)
            quiet = max(job.quiet_since, waits_until)
            if not _stalled(rules, job.tenant_id, quiet, now):
                continue
        yield _trouble(FIRMWARE, job, f"firmware {job.firmware.version}", "Firmware update")


def _upload_troubles(now: datetime, rules: dict[int, Rule], alerted: set[int]) -> Iterable[AlertRaise]:
    later_uploaded = UploadRequest.objects.filter(
        Q(received_at__isnull=False) | Q(status="Uploaded"), station_id=OuterRef("station_id"),
        kind=OuterRef("kind"), pk__gt=OuterRef("pk"))
    jobs = (UploadRequest.objects
            .annotate(ended_at=Coalesce("status_at", "sent_at", "created_at"),
                      quiet_since=Coalesce("status_at", "sent_at"))
            .filter(received_at__isnull=True).exclude(status="Uploaded")
            .exclude(Exists(later_uploaded)))
    for job in _failed_or_running(jobs, now, alerted).select_related("station"):
        if job.state == "sent" and not _stalled(rules, job.tenant_id, job.quiet_since, now):
            continue
        yield _trouble(UPLOAD, job, f"{job.kind} upload", f"{job.kind.capitalize()} upload")


def _trouble(prefix: str, job, what: str, label: str) -> AlertRaise:
    stalled = job.state == "sent"
    status = job.status or ("sent, no status yet" if job.sent_at else job.state)
    error = job.failure_reason or _error_text(job.error)
    verb = "stalled" if stalled else "failed"
    title = f"{label} {verb} on {job.station.identity}"
    if error and not stalled:
        title += f": {error}"
    details = {"job": prefix, "job_id": job.pk, "what": what, "station": job.station.identity,
               "state": "stalled" if stalled else job.state, "status": status,
               "failure": job.failure, "error": error,
               "last_status_at": job.quiet_since.isoformat() if job.quiet_since else None}
    return AlertRaise(key=f"{prefix}:{job.pk}", tenant_id=job.tenant_id, station_id=job.station_id,
                   title=title[:300], details=details)


def _error_text(error) -> str:
    if isinstance(error, dict):
        return str(error.get("description") or error.get("code") or error.get("detail") or "")[:300]
    return str(error or "")[:300]
