"""Firmware files, UpdateFirmware / SignedUpdateFirmware jobs and rollouts, end to end: the
simulated station really fetches the image from its job's URL (the API's checks that need no
station: tests/fast/stations/firmware/test_firmware.py)."""

import asyncio

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from stations.firmware.models import FirmwareFile
from stations.firmware.tasks import rollout_send_task
from stations.models import Station
from stations.security import ca
from stations.simulator import SimulatedChargePoint
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.fast.stations.firmware.test_firmware import IMAGE, SIGNATURE, history

CERTIFICATE, _ = ca.new_ca("Firmware signer")


async def upload_firmware(api, version: str = "2.0.0", signed: bool = False, content: bytes = IMAGE) -> dict:
    data = {"name": "SIM-1 firmware", "version": version}
    if signed:
        data |= {"signing_certificate": CERTIFICATE, "signature": SIGNATURE}
    response = await api.post("/api/v1/firmware/", data=data,
                              files={"file": (f"sim-{version}.bin", content, "application/octet-stream")})
    assert response.status_code == 201, response.text
    return response.json()


async def update(api, station, firmware: dict, **fields) -> dict:
    response = await api.post(f"/api/v1/stations/{station.identity}/firmware/",
                              json={"firmware": firmware["id"], **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def job_of(api, station, job: dict) -> dict:
    return (await api.get(f"/api/v1/stations/{station.identity}/firmware/{job['id']}/")).json()


async def report(cp, *statuses: str, request_id: int | None = None) -> None:
    for status in statuses:
        if request_id is None:
            await cp.call(call.FirmwareStatusNotification(status=status))
        else:
            await cp.call(call.SignedFirmwareStatusNotification(status=status, request_id=request_id))


async def boot_with(cp, version: str) -> None:
    await cp.call(call.BootNotification(charge_point_vendor="Simulator", charge_point_model="SIM-1",
                                        firmware_version=version))


async def test_a_station_downloads_installs_and_boots_with_the_new_firmware(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        job = await update(api, station, firmware, retries=3, retry_interval=60)
        assert job["action"] == "UpdateFirmware" and job["state"] == "sent"
        assert job["request"] == {"location": job["location"], "retrieveDate": job["request"]["retrieveDate"],
                                  "retries": 3, "retryInterval": 60}
        assert job["location"].startswith(f"{server.http}/ocpp-files/firmware/")
        assert job["location"].endswith("/sim-2.0.0.bin")
        assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
        await report(cp, "Downloading", "Downloaded", "Installing", "Installed")
        installed = await job_of(api, station, job)
        assert installed["state"] == "sent" and installed["status"] == "Installed"
        await boot_with(cp, "2.0.0")
        done = await job_of(api, station, job)
    assert history(done) == ["Downloading", "Downloaded", "Installing", "Installed", "Booted"]
    assert done["state"] == "installed" and done["finished_at"] and done["downloads"] == 1
    assert Station.objects.get(pk=station.pk).firmware_status == "Installed"
    sent = cp.locations[job["location"]]  # the API shows the location without its token
    assert ("UpdateFirmware", {"location": sent, "retrieve_date": job["request"]["retrieveDate"],
                               "retries": 3, "retry_interval": 60}) in cp.received


async def test_a_failed_download_or_installation_ends_the_job_as_failed(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        first = await update(api, station, firmware)
        await report(cp, "Downloading", "DownloadFailed")
        download_failed = await job_of(api, station, first)
        second = await update(api, station, firmware)
        await report(cp, "Downloading", "Downloaded", "Installing", "InstallationFailed")
        installation_failed = await job_of(api, station, second)
        await boot_with(cp, "1.0.0")
        still_failed = await job_of(api, station, second)
    assert download_failed["state"] == "failed" and download_failed["status"] == "DownloadFailed"
    assert history(download_failed) == ["Downloading", "DownloadFailed"]
    assert installation_failed["state"] == "failed"
    assert history(installation_failed) == ["Downloading", "Downloaded", "Installing", "InstallationFailed"]
    assert still_failed["state"] == "failed"
    assert Station.objects.get(pk=station.pk).firmware_status == "InstallationFailed"


async def test_a_station_that_retries_after_a_failed_download_reopens_its_job(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await report(cp, "Downloading", "DownloadFailed", "Downloading", "Downloaded")
        retried = await job_of(api, station, job)
    assert retried["state"] == "sent" and retried["status"] == "Downloaded"


async def test_the_download_url_serves_its_own_file_only(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        mine = await update(api, station, await upload_firmware(api, "2.0.0"))
        other = await upload_firmware(api, "3.0.0", content=b"other image")
        location = cp.locations[mine["location"]]
        token = location.split("/")[-2]
        async with httpx.AsyncClient() as anonymous:  # as a station: no API token
            ok = await anonymous.get(location)
        wrong_file = await api.get(f"/ocpp-files/firmware/{token}/{other['filename']}")
        wrong_token = await api.get(f"/ocpp-files/firmware/{'x' * 43}/sim-2.0.0.bin")
        put = await api.put(location, content=b"no")
    assert ok.status_code == 200 and ok.content == IMAGE
    assert wrong_file.status_code == 404 and wrong_token.status_code == 404
    assert put.status_code == 405


async def test_a_signed_update_carries_the_certificate_and_signature_and_is_verified(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api, signed=True)
        job = await update(api, station, firmware)
        assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
        await report(cp, "Downloading", "Downloaded", "SignatureVerified", "Installing", "Installed",
                     request_id=job["request_id"])
        await boot_with(cp, "2.0.0")
        done = await job_of(api, station, job)
    assert job["action"] == "SignedUpdateFirmware" and job["signed"] is True
    assert job["response"] == {"status": "Accepted"}
    [(action, sent)] = [r for r in cp.received if r[0] == "SignedUpdateFirmware"]
    assert sent["request_id"] == job["request_id"]
    assert sent["firmware"]["location"] == cp.locations[job["location"]]
    assert sent["firmware"]["signing_certificate"] == CERTIFICATE
    assert sent["firmware"]["signature"] == SIGNATURE
    assert history(done)[2] == "SignatureVerified" and done["state"] == "installed"


async def test_an_invalid_signature_fails_the_job_it_names(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        firmware = await upload_firmware(api, signed=True)
        named = await update(api, station, firmware)
        latest = await update(api, station, firmware)
        await report(cp, "Downloading", "Downloaded", "InvalidSignature", request_id=named["request_id"])
        failed, untouched = await job_of(api, station, named), await job_of(api, station, latest)
    assert failed["state"] == "failed" and failed["status"] == "InvalidSignature"
    assert untouched["state"] == "sent" and untouched["history"] == []


class CertificateRejectingStation(SimulatedChargePoint):
    firmware_answer = "InvalidCertificate"


async def test_the_download_url_serves_only_while_the_station_may_fetch(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await eventually(lambda: cp.downloads.get(job["location"]))
        await boot_with(cp, "2.0.0")
        assert (await job_of(api, station, job))["state"] == "installed"
        async with httpx.AsyncClient() as anonymous:
            after_install = await anonymous.get(cp.locations[job["location"]])
    async with charge_point(server, tenant, station, password, cls=CertificateRejectingStation) as cp, \
            api_client(server, tenant) as api:
        refused = await update(api, station, await upload_firmware(api, "2.1", signed=True))
        async with httpx.AsyncClient() as anonymous:
            after_refusal = await anonymous.get(cp.locations[refused["location"]])
    assert refused["state"] == "failed" and refused["failure"] == "certificate"
    assert after_install.status_code == 404 and after_refusal.status_code == 404


async def test_a_signed_update_whose_certificate_the_station_refuses_fails(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=CertificateRejectingStation) as cp, \
            api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api), signed=False)
        signed_job = await update(api, station, await upload_firmware(api, "2.1", signed=True))
        await eventually(lambda: cp.downloads)
        await asyncio.sleep(0.2)
    assert job["state"] == "sent"  # an unsigned file goes as UpdateFirmware: nothing to refuse
    assert signed_job["state"] == "failed" and signed_job["status"] == "InvalidCertificate"
    assert signed_job["failure_reason"] == "The station answered InvalidCertificate."
    assert cp.downloads == {job["location"]: IMAGE}


async def test_another_tenant_gets_404_on_every_firmware_endpoint(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api, \
            api_client(server, other) as outsider:
        firmware = await upload_firmware(api)
        job = await update(api, station, firmware)
        rollout = (await api.post("/api/v1/firmware/rollouts/", json={"firmware": firmware["id"],
                                                                      "all": True})).json()
        base = f"/api/v1/stations/{station.identity}"
        answers = [
            await outsider.get(f"/api/v1/firmware/{firmware['id']}/"),
            await outsider.delete(f"/api/v1/firmware/{firmware['id']}/"),
            await outsider.get(f"/api/v1/firmware/rollouts/{rollout['id']}/"),
            await outsider.get(f"{base}/firmware/"),
            await outsider.post(f"{base}/firmware/", json={"firmware": firmware["id"]}),
            await outsider.get(f"{base}/firmware/{job['id']}/"),
        ]
        lists = [(await outsider.get("/api/v1/firmware/")).json(),
                 (await outsider.get("/api/v1/firmware/rollouts/")).json()]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert [body["count"] for body in lists] == [0, 0]
    assert FirmwareFile.objects.filter(pk=firmware["id"]).exists()


async def _send_rollout_without_worker(rollout_id: int) -> None:
    """With Redis the task waits for a worker the tests do not run: run it here (the server
    ran it eagerly otherwise; sending only pending jobs makes a second run harmless)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        await sync_to_async(rollout_send_task.run, thread_sensitive=False)(rollout_id)


async def test_a_rollout_sends_connected_stations_now_and_offline_ones_when_they_boot(server):
    tenant = make_tenant()
    (one, p1), (two, p2), (offline, p3) = (make_station(tenant) for _ in range(3))
    async with charge_point(server, tenant, one, p1) as cp1, charge_point(server, tenant, two, p2) as cp2, \
            api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        created = await api.post("/api/v1/firmware/rollouts/", json={
            "firmware": firmware["id"], "stations": [one.identity, two.identity, offline.identity]})
        assert created.status_code == 201, created.text
        rollout = created.json()
        await _send_rollout_without_worker(rollout["id"])
        for cp in (cp1, cp2):
            await eventually(lambda cp=cp: any(r[0] == "UpdateFirmware" for r in cp.received))
        await report(cp1, "Downloading", "Downloaded", "Installing", "Installed")
        await report(cp2, "Downloading", "DownloadFailed")
        before_boot = (await api.get(f"/api/v1/firmware/rollouts/{rollout['id']}/")).json()["progress"]
        async with charge_point(server, tenant, offline, p3) as cp3:
            await eventually(lambda: cp3.downloads)
            await report(cp3, "Downloading", "Downloaded", "Installing", "Installed")
            await boot_with(cp3, "2.0.0")
        progress = (await api.get(f"/api/v1/firmware/rollouts/{rollout['id']}/")).json()["progress"]
    assert rollout["progress"]["total"] == 3
    assert before_boot["states"] == {"pending": 1, "sent": 1, "rejected": 0, "failed": 1, "installed": 0,
                                   "cancelled": 0}
    assert before_boot["statuses"] == {"Installed": 1, "DownloadFailed": 1}
    assert progress["states"] == {"pending": 0, "sent": 1, "rejected": 0, "failed": 1, "installed": 1,
                                 "cancelled": 0}
    assert {s["station"]: s["state"] for s in progress["stations"]} == {
        one.identity: "sent", two.identity: "failed", offline.identity: "installed"}
    assert list(cp3.downloads.values()) == [IMAGE]


async def test_a_rollout_task_redelivered_sends_nothing_twice(server):
    tenant = make_tenant()
    station, password = make_station(tenant)

    class CountingStation(SimulatedChargePoint):
        @on(Action.update_firmware)
        async def on_update_firmware(self, location, retrieve_date, **kwargs):
            self.received.append(("UpdateFirmware", {"location": location}))
            return call_result.UpdateFirmware()

    async with charge_point(server, tenant, station, password, cls=CountingStation) as cp, \
            api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        rollout = (await api.post("/api/v1/firmware/rollouts/", json={"firmware": firmware["id"],
                                                                      "all": True})).json()
        await _send_rollout_without_worker(rollout["id"])
        await eventually(lambda: cp.received)
        again = await sync_to_async(rollout_send_task.run, thread_sensitive=False)(rollout["id"])
        await asyncio.sleep(0.3)
    assert again == 0
    assert [r[0] for r in cp.received] == ["UpdateFirmware"]
