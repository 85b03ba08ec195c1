"""Firmware jobs and upload requests that do not finish: a station that goes silent on one, or
boots on another version than the update's, ends it as failed with a reason the API and the
station page show. The stall check is a periodic task: run by the server's embedded beat, or by
the real Celery worker with Redis."""

import asyncio
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from stations.firmware.models import FirmwareJob, UploadRequest
from stations.firmware.services.stalls import jobs_fail_stalled
from stations.firmware.tasks import fail_stalled_jobs
from tenants.models import Role
from tests.browser import member
from tests.conftest import _tmp
from tests.dashboard_helpers import logged_in
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.server import server_env, start_celery_worker, start_server
from tests.test_firmware import (
    _send_rollout_without_worker,
    boot_with,
    history,
    job_of,
    report,
    update,
    upload_firmware,
)
from tests.test_firmware_uploads import diagnostics_status, request_diagnostics

STALL = {"OCPP_FIRMWARE_STALL_SECONDS": "2", "OCPP_UPLOAD_STALL_SECONDS": "2"}


@pytest.fixture(scope="module")
def impatient(database):
    """A server whose jobs stall after 2 s of silence, and what runs the check every second:
    its embedded beat, or with Redis a Celery worker of the same settings (the test sends it
    the task, as celery beat would)."""
    env = server_env() | STALL
    redis = bool(os.environ.get("REDIS_URL"))
    server = start_server(env | {"EMBEDDED_BEAT": "0" if redis else "1", "OCPP_STALL_CHECK_INTERVAL": "1"},
                          _tmp)
    worker = start_celery_worker(env, _tmp) if redis else None
    yield server
    server.stop()
    if worker is not None:
        worker.stop()


async def stall_check_runs() -> None:
    """With Redis, queue the periodic task for the worker (the embedded beat runs it otherwise)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        fail_stalled_jobs.delay()


async def failed(api, url: str) -> dict:
    async def check():
        await stall_check_runs()
        shown = (await api.get(url)).json()
        return shown if shown["state"] == "failed" else None

    return await eventually(check, timeout=15, interval=0.5)


async def test_a_firmware_job_the_station_goes_silent_on_ends_as_failed_with_a_reason(impatient):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(impatient, tenant, station, password) as cp, api_client(impatient, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await report(cp, "Downloading")
        shown = await failed(api, f"/api/v1/stations/{station.identity}/firmware/{job['id']}/")
        await report(cp, "Downloaded")  # too late: the job stays failed
        later = await job_of(api, station, job)
    assert shown["failure"] == "stalled" and shown["finished_at"]
    assert shown["failure_reason"] == "No status notification for 2 s after Downloading."
    assert later["state"] == "failed" and later["status"] == "Downloaded"


async def test_an_upload_the_station_goes_silent_on_ends_as_failed_with_a_reason(impatient):
    tenant = make_tenant()
    station, password = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}/diagnostics"
    async with charge_point(impatient, tenant, station, password) as cp, api_client(impatient, tenant) as api:
        silent = await request_diagnostics(api, station)
        shown = await failed(api, f"{base}/{silent['id']}/")
        finished = await request_diagnostics(api, station)
        await diagnostics_status(cp, "Uploading")
        await cp.upload(finished["location"], b"log", "d.log")
        await diagnostics_status(cp, "Uploaded")
        await asyncio.sleep(3.5)
        await stall_check_runs()
        await asyncio.sleep(0.5)
        kept = (await api.get(f"{base}/{finished['id']}/")).json()
    assert shown["failure"] == "stalled"
    assert shown["failure_reason"] == "No status notification for 2 s since it was sent."
    assert kept["state"] == "sent" and kept["received"] is True and kept["failure_reason"] == ""


async def test_a_station_that_boots_on_another_version_after_installing_fails_its_job(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await report(cp, "Downloading", "Downloaded", "Installing", "Installed")
        await boot_with(cp, "1.0.0")
        shown = await job_of(api, station, job)
    assert shown["state"] == "failed" and shown["failure"] == "version"
    assert shown["failure_reason"] == "Booted on 1.0.0, expected 2.0.0."
    assert history(shown)[-1] == "Booted" and shown["history"][-1]["firmware_version"] == "1.0.0"


async def test_a_boot_during_the_download_leaves_the_job_open(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await report(cp, "Downloading")
        await boot_with(cp, "1.0.0")  # e.g. a power cut: the station downloads again
        open_job = await job_of(api, station, job)
        await report(cp, "Downloaded", "Installing", "Installed")
        await boot_with(cp, "2.0.0")
        done = await job_of(api, station, job)
    assert open_job["state"] == "sent" and open_job["failure_reason"] == ""
    assert done["state"] == "installed"


async def test_a_boot_on_the_old_version_long_after_the_install_was_due_fails_the_job(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    due = timezone.now() - timedelta(seconds=settings.OCPP_FIRMWARE_STALL_SECONDS + 60)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api), retrieve_date=due.isoformat())
        await boot_with(cp, "1.0.0")
        shown = await job_of(api, station, job)
    assert shown["state"] == "failed" and shown["failure_reason"] == "Booted on 1.0.0, expected 2.0.0."


async def test_two_stall_checks_at_once_fail_each_job_once(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        jobs = [await update(api, station, firmware) for _ in range(3)]
        uploads = [await request_diagnostics(api, station) for _ in range(3)]
    stalled_before = _stalled()
    later = timezone.now() + timedelta(hours=3)
    counts = await asyncio.gather(*(asyncio.to_thread(jobs_fail_stalled, now=later) for _ in range(4)))
    newly = _stalled() - stalled_before
    assert sum(counts) == len(newly)
    assert {("firmware", j["id"]) for j in jobs} | {("upload", u["id"]) for u in uploads} <= newly


def _stalled() -> set[tuple[str, int]]:
    return {(name, pk) for name, model in (("firmware", FirmwareJob), ("upload", UploadRequest))
            for pk in model.objects.filter(failure="stalled").values_list("pk", flat=True)}


async def test_a_rollout_counts_its_jobs_per_state_and_the_station_page_shows_why_one_failed(server):
    tenant = make_tenant()
    (one, p1), (two, _) = make_station(tenant), make_station(tenant)
    async with charge_point(server, tenant, one, p1) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        rollout = (await api.post("/api/v1/firmware/rollouts/", json={
            "firmware": firmware["id"], "stations": [one.identity, two.identity]})).json()
        await _send_rollout_without_worker(rollout["id"])
        job = await eventually(lambda: FirmwareJob.objects.filter(station=one, state="sent").first())
        await report(cp, "Downloading", "Downloaded", "Installed")
        await boot_with(cp, "1.9.9")
        progress = (await api.get(f"/api/v1/firmware/rollouts/{rollout['id']}/")).json()["progress"]
    dashboard = await logged_in(server, member(tenant, Role.INSTALLER))
    page = await dashboard.get(f"/stations/{one.identity}/")
    await dashboard.aclose()
    assert progress["states"] == {"pending": 1, "sent": 0, "rejected": 0, "failed": 1, "installed": 0,
                                  "cancelled": 0}
    assert {s["station"]: s["failure_reason"] for s in progress["stations"]} == {
        one.identity: "Booted on 1.9.9, expected 2.0.0.", two.identity: ""}
    assert page.status_code == 200 and f'data-firmware-job="{job.pk}"' in page.text
    assert "Booted on 1.9.9, expected 2.0.0." in page.text
