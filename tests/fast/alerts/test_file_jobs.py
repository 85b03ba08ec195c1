"""Firmware updates and uploads that failed or stalled (alerts/conditions/file_jobs.py): one
alert per job, resolved by a later success or by the job moving on; old history is not mailed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.conditions import file_jobs
from alerts.models import Alert, AlertKind, AlertState
from stations.firmware.models import FirmwareFile, FirmwareJob, JobFailure, UploadRequest
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db
KIND = AlertKind.FILE_JOB_FAILED


def firmware_job(station, now, **fields) -> FirmwareJob:
    image = FirmwareFile.objects.create(tenant=station.tenant, name="SIM", version="2.0.0",
                                        file="firmware/x/sim.bin")
    defaults = {"location": "https://example.com/f", "retrieve_date": now - timedelta(hours=3),
                "state": FirmwareJob.SENT, "sent_at": now - timedelta(hours=3)}
    return FirmwareJob.objects.create(tenant=station.tenant, station=station, firmware=image,
                                      **(defaults | fields))


def upload(station, now, **fields) -> UploadRequest:
    defaults = {"kind": UploadRequest.DIAGNOSTICS, "location": "ftp://example.com/",
                "state": UploadRequest.SENT, "sent_at": now - timedelta(minutes=5)}
    return UploadRequest.objects.create(tenant=station.tenant, station=station, **(defaults | fields))


def alerts_of(tenant, state=AlertState.OPEN):
    return list(Alert.objects.filter(tenant=tenant, kind=KIND, state=state))


def test_a_failed_firmware_job_is_one_alert_with_the_station_status_and_error():
    now = timezone.now()
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    job = firmware_job(station, now, state=FirmwareJob.FAILED, status="InstallationFailed",
                       failure=JobFailure.STATUS, failure_reason="The station reported InstallationFailed.",
                       status_at=now - timedelta(minutes=2), finished_at=now - timedelta(minutes=2))
    file_jobs.check(now)
    file_jobs.check(now + timedelta(minutes=1))
    alert, = alerts_of(tenant)
    assert alert.key == f"firmware_job:{job.pk}" and alert.station_id == station.pk
    assert alert.occurrences == 2
    assert alert.details["station"] == station.identity
    assert alert.details["status"] == "InstallationFailed"
    assert alert.details["error"] == "The station reported InstallationFailed."
    assert "failed" in alert.title and station.identity in alert.title
    assert alerts_of(other) == []


def test_a_later_installed_job_on_the_station_resolves_it():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job(station, now, state=FirmwareJob.FAILED, failure=JobFailure.UNREACHABLE,
                 finished_at=now)
    file_jobs.check(now)
    firmware_job(station, now, state=FirmwareJob.INSTALLED, status="Installed", status_at=now)
    file_jobs.check(now + timedelta(minutes=1))
    assert alerts_of(tenant) == []
    resolved, = alerts_of(tenant, AlertState.RESOLVED)
    assert resolved.resolved_at == now + timedelta(minutes=1)


def test_a_job_silent_longer_than_the_threshold_is_stalled_until_it_moves_on():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    job = firmware_job(station, now, status="Downloading", status_at=now - timedelta(minutes=61))
    firmware_job(station, now, status="Downloading", status_at=now - timedelta(minutes=59))  # not yet
    file_jobs.check(now)
    alert, = alerts_of(tenant)
    assert alert.key == f"firmware_job:{job.pk}" and alert.details["state"] == "stalled"
    assert "stalled" in alert.title
    FirmwareJob.objects.filter(pk=job.pk).update(status="Downloaded", status_at=now)
    file_jobs.check(now + timedelta(minutes=1))
    assert alerts_of(tenant) == []


def test_a_job_not_due_yet_is_not_stalled():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job(station, now, retrieve_date=now + timedelta(hours=1))
    file_jobs.check(now)
    assert alerts_of(tenant) == []


def test_a_failure_older_than_a_day_is_not_alerted_when_first_seen():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job(station, now, state=FirmwareJob.FAILED, failure=JobFailure.STALLED,
                 finished_at=now - timedelta(days=2))
    file_jobs.check(now)
    assert alerts_of(tenant) == []


def test_an_alerted_failure_stays_open_past_a_day():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job(station, now, state=FirmwareJob.FAILED, failure=JobFailure.STATUS, finished_at=now)
    file_jobs.check(now)
    file_jobs.check(now + timedelta(days=3))
    assert len(alerts_of(tenant)) == 1


def test_a_job_a_newer_one_superseded_is_no_alert():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware_job(station, now, state=FirmwareJob.FAILED, failure=JobFailure.SUPERSEDED, finished_at=now)
    file_jobs.check(now)
    assert alerts_of(tenant) == []


def test_a_failed_upload_is_resolved_by_a_later_upload_of_its_kind_only():
    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    failed = upload(station, now, state=UploadRequest.FAILED, status="UploadFailed",
                    failure=JobFailure.STATUS, status_at=now)
    file_jobs.check(now)
    upload(station, now, kind=UploadRequest.LOG, status="Uploaded", received_at=now)
    file_jobs.check(now + timedelta(minutes=1))
    alert, = alerts_of(tenant)
    assert alert.key == f"upload:{failed.pk}" and alert.details["status"] == "UploadFailed"
    upload(station, now, status="Uploaded", received_at=now)
    file_jobs.check(now + timedelta(minutes=2))
    assert alerts_of(tenant) == []


def test_the_tenants_threshold_decides_when_an_upload_is_stalled():
    from alerts.services import alert_rule_update

    now = timezone.now()
    tenant = make_tenant()
    station, _ = make_station(tenant)
    alert_rule_update(tenant_id=tenant.pk, kind=KIND, threshold=3)
    upload(station, now, sent_at=now - timedelta(minutes=4))
    file_jobs.check(now)
    assert len(alerts_of(tenant)) == 1
