"""OCA OCPP 2.0.1 conformance scenarios of block L, Firmware management: secure updates (the
image's signing certificate and signature in UpdateFirmware; every FirmwareStatusNotification
of the station's answer and status sequence lands on the job) and publishing an image on a
local controller (PublishFirmware, its status notifications, UnpublishFirmware). The station is
the bundled 2.0.1 simulator playing each case's answers and statuses
(stations/simulator/v201/firmware.py), the central system is driven through our API
(docs/conformance.md, docs/ocpp201.md "Firmware")."""

import secrets
from datetime import UTC, datetime, timedelta

from stations.firmware.models import FirmwareJob
from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import evse_status
from tests.factories import eventually
from tests.fast.stations.firmware.test_firmware import CERTIFICATE, IMAGE, SIGNATURE

NEW = "2.1.0"  # the image's version: what the simulator boots on after "Boot"
INSTALL = ("Downloading", "Downloaded", "SignatureVerified", "Installing", "InstallRebooting", "Boot",
           "Installed")


def station(answer="Accepted", script=()) -> type[SimulatedChargePoint201]:
    """The simulator answering UpdateFirmware with `answer` and playing `script` (either a list:
    one per update)."""
    return type("ScriptedStation", (SimulatedChargePoint201,),
                {"firmware_answer": answer, "firmware_script": script, "new_firmware_version": NEW})


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def update(api, octt201, **fields) -> dict:
    """A signed image uploaded and sent to the station through the API; the job as created."""
    uploaded = await api.post("/api/v1/firmware/", data={
        "name": "OCTT image", "version": NEW, "signing_certificate": CERTIFICATE, "signature": SIGNATURE},
        files={"file": ("octt.bin", IMAGE, "application/octet-stream")})
    assert uploaded.status_code == 201, uploaded.text
    created = await api.post(f"/api/v1/stations/{octt201.station.identity}/firmware/",
                             json={"firmware": uploaded.json()["id"], **fields})
    assert created.status_code == 201, created.text
    return created.json()


async def job_when(api, octt201, job: dict, check) -> dict:
    """The job as the API shows it, once `check(job)` holds."""
    async def shown():
        body = (await api.get(f"/api/v1/stations/{octt201.station.identity}/firmware/{job['id']}/")).json()
        return body if check(body) else None

    return await eventually(shown)


def statuses(job: dict) -> list[str]:
    return [entry["status"] for entry in job["history"]]


def installed(job: dict) -> bool:
    return job["state"] == "installed" and job["status"] == "Installed"


def last_is(status: str):
    return lambda job: job["status"] == status


async def installed_flow(server, octt201, **fields) -> tuple[dict, list]:
    async with octt201.charge_point(server, cls=station(script=INSTALL)) as cp, octt201.api(server) as api:
        job = await update(api, octt201, **fields)
        done = await job_when(api, octt201, job, installed)
    return done, [payload for action, payload in cp.received if action == "UpdateFirmware"]


async def test_tc_l_01_secure_firmware_update_installation_successful(server, octt201):
    """Secure Firmware Update – Installation successful

    UpdateFirmware carries the image's signing certificate and signature; the station reports
    every step, reboots on the new version and reports Installed: the job is installed."""
    done, [sent] = await installed_flow(server, octt201, retries=2, retry_interval=30)
    assert sent["firmware"]["signing_certificate"] == CERTIFICATE
    assert sent["firmware"]["signature"] == SIGNATURE
    assert (sent["retries"], sent["retry_interval"], sent["request_id"]) == (2, 30, done["request_id"])
    assert statuses(done) == ["Downloading", "Downloaded", "SignatureVerified", "Installing",
                              "InstallRebooting", "Booted", "Installed"]


async def test_tc_l_02_secure_firmware_update_installscheduled(server, octt201):
    """Secure Firmware Update – InstallScheduled

    An install date later than the download: the station reports InstallScheduled, the job
    waits (sent), then installs."""
    install_at = datetime.now(UTC) + timedelta(seconds=2)
    script = ("Downloading", "Downloaded", "SignatureVerified", "InstallScheduled")
    async with octt201.charge_point(server, cls=station(script=script)) as cp, octt201.api(server) as api:
        job = await update(api, octt201, install_date=iso(install_at))
        scheduled = await job_when(api, octt201, job, last_is("InstallScheduled"))
        for step in ("Installing", "InstallRebooting"):
            await cp.firmware_status(step, job["request_id"])
        cp.firmware_version = NEW
        await cp.boot("FirmwareUpdate")
        await cp.firmware_status("Installed", job["request_id"])
        done = await job_when(api, octt201, job, last_is("Installed"))
    [sent] = [payload for action, payload in cp.received if action == "UpdateFirmware"]
    assert sent["firmware"]["install_date_time"] == iso(install_at)
    assert scheduled["state"] == "sent" and done["state"] == "installed"


async def test_tc_l_03_secure_firmware_update_downloadscheduled(server, octt201):
    """Secure Firmware Update – DownloadScheduled

    A retrieve date in the future: the station reports DownloadScheduled first, then the rest."""
    retrieve_at = datetime.now(UTC) + timedelta(seconds=1)
    script = ("DownloadScheduled", *INSTALL)
    async with octt201.charge_point(server, cls=station(script=script)) as cp, octt201.api(server) as api:
        job = await update(api, octt201, retrieve_date=iso(retrieve_at))
        done = await job_when(api, octt201, job, installed)
    [sent] = [payload for action, payload in cp.received if action == "UpdateFirmware"]
    assert sent["firmware"]["retrieve_date_time"] == iso(retrieve_at)
    assert statuses(done)[0] == "DownloadScheduled"


async def refused_certificate(server, octt201, answer: str) -> dict:
    async with octt201.charge_point(server, cls=station(answer=answer)) as cp, octt201.api(server) as api:
        job = await update(api, octt201)
        linked = await job_when(api, octt201, job, lambda j: j["security_event_type"])
    assert cp.downloads == {}
    return linked


async def test_tc_l_04_secure_firmware_update_revokedcertificate(server, octt201):
    """Secure Firmware Update – RevokedCertificate

    The station refuses the revoked signing certificate (and raises
    InvalidFirmwareSigningCertificate): the job fails with that reason, the event linked."""
    job = await refused_certificate(server, octt201, "RevokedCertificate")
    assert (job["state"], job["failure"], job["status"]) == ("failed", "certificate", "RevokedCertificate")
    assert job["security_event_type"] == "InvalidFirmwareSigningCertificate"


async def test_tc_l_05_secure_firmware_update_invalidcertificate(server, octt201):
    """Secure Firmware Update – InvalidCertificate"""
    job = await refused_certificate(server, octt201, "InvalidCertificate")
    assert (job["state"], job["failure"], job["status"]) == ("failed", "certificate", "InvalidCertificate")
    assert job["failure_reason"] == "The station answered InvalidCertificate."
    assert job["security_event_type"] == "InvalidFirmwareSigningCertificate"


async def failed_with(server, octt201, script: tuple[str, ...]) -> dict:
    async with octt201.charge_point(server, cls=station(script=script)), octt201.api(server) as api:
        job = await update(api, octt201)
        return await job_when(api, octt201, job, lambda j: j["state"] == "failed")


async def test_tc_l_06_secure_firmware_update_invalidsignature(server, octt201):
    """Secure Firmware Update – InvalidSignature

    The image's signature does not verify: the job fails on InvalidSignature and the station's
    InvalidFirmwareSignature security event is linked to it."""
    script = ("Downloading", "Downloaded", "InvalidSignature")
    async with octt201.charge_point(server, cls=station(script=script)), octt201.api(server) as api:
        job = await update(api, octt201)
        done = await job_when(api, octt201, job, lambda j: j["security_event_type"])
    assert (done["state"], done["failure"], done["status"]) == ("failed", "status", "InvalidSignature")
    assert done["security_event_type"] == "InvalidFirmwareSignature"


async def test_tc_l_07_secure_firmware_update_downloadfailed(server, octt201):
    """Secure Firmware Update – DownloadFailed"""
    job = await failed_with(server, octt201, ("Downloading", "DownloadFailed"))
    assert job["status"] == "DownloadFailed"
    assert job["failure_reason"] == "The station reported DownloadFailed."


async def test_tc_l_08_secure_firmware_update_installverificationfailed(server, octt201):
    """Secure Firmware Update – InstallVerificationFailed"""
    job = await failed_with(server, octt201, ("Downloading", "Downloaded", "SignatureVerified",
                                              "InstallVerificationFailed"))
    assert job["status"] == "InstallVerificationFailed" and job["failure"] == "status"


async def test_tc_l_09_secure_firmware_update_installationfailed(server, octt201):
    """Secure Firmware Update – InstallationFailed"""
    job = await failed_with(server, octt201, ("Downloading", "Downloaded", "SignatureVerified",
                                              "Installing", "InstallationFailed"))
    assert job["status"] == "InstallationFailed" and job["failure"] == "status"


async def test_tc_l_10_secure_firmware_update_acceptedcanceled(server, octt201):
    """Secure Firmware Update – AcceptedCanceled

    A second update while the first downloads: the station answers AcceptedCanceled, so the
    first job ends cancelled and the second one installs."""
    cls = station(answer=["Accepted", "AcceptedCanceled"], script=[("Downloading",), INSTALL])
    async with octt201.charge_point(server, cls=cls), octt201.api(server) as api:
        first = await update(api, octt201)
        await job_when(api, octt201, first, last_is("Downloading"))
        second = await update(api, octt201)
        done = await job_when(api, octt201, second, installed)
        cancelled = await job_when(api, octt201, first, lambda j: j["state"] == "cancelled")
    assert second["response"] == {"status": "AcceptedCanceled"}
    assert cancelled["failure_reason"] == f"The station cancelled it for firmware job {second['id']}."
    assert statuses(done)[-1] == "Installed"


async def test_tc_l_11_secure_firmware_update_unable_to_cancel(server, octt201):
    """Secure Firmware Update – Unable to cancel

    The station cannot cancel the update under way and answers the second one Rejected: that
    job is rejected, the first one goes on and installs."""
    cls = station(answer=["Accepted", "Rejected"], script=[("Downloading",)])
    async with octt201.charge_point(server, cls=cls) as cp, octt201.api(server) as api:
        first = await update(api, octt201)
        await job_when(api, octt201, first, last_is("Downloading"))
        second = await update(api, octt201)
        for step in ("Downloaded", "SignatureVerified", "Installing", "InstallRebooting"):
            await cp.firmware_status(step, first["request_id"])
        cp.firmware_version = NEW
        await cp.boot("FirmwareUpdate")
        await cp.firmware_status("Installed", first["request_id"])
        done = await job_when(api, octt201, first, last_is("Installed"))
    assert (second["state"], second["status"]) == ("rejected", "Rejected")
    assert done["state"] == "installed"


async def test_tc_l_13_secure_firmware_update_ongoing_transaction_allownewsessionspendingfirmwareupdate_false(
        server, octt201):
    """Secure Firmware Update – Ongoing transaction, AllowNewSessionsPendingFirmwareUpdate=false

    With a transaction on EVSE 1 the station schedules the download, makes its free EVSE
    Unavailable and goes on only once the transaction ended: the job follows each status
    (sent while scheduled) and installs; the free EVSE is shown Unavailable meanwhile."""
    async with octt201.charge_point(server, evses=2, cls=station(script=("DownloadScheduled",))) as cp, \
            octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        job = await update(api, octt201)
        scheduled = await job_when(api, octt201, job, last_is("DownloadScheduled"))
        await cp.status(2, "Unavailable")
        await evse_status(api, octt201.station, 2, "Unavailable")
        await cp.stop_transaction(1)
        for step in INSTALL:
            if step == "Boot":
                cp.firmware_version = NEW
                await cp.boot("FirmwareUpdate")
            else:
                await cp.firmware_status(step, job["request_id"])
        done = await job_when(api, octt201, job, installed)
    assert scheduled["state"] == "sent"
    assert statuses(done)[:2] == ["DownloadScheduled", "Downloading"]
    assert await FirmwareJob.objects.filter(pk=job["id"], state="installed").aexists()


# Publish firmware on a local controller -----------------------------------------------------------
def controller(answer: str = "Accepted", script: tuple[str, ...] | None = None):
    attrs = {"publish_answer": answer}
    if script is not None:
        attrs["publish_script"] = script
    return type("LocalController", (SimulatedChargePoint201,), attrs)


def checksum() -> str:
    return secrets.token_hex(16)


async def publish(api, octt201, md5: str, **fields) -> dict:
    created = await api.post(f"/api/v1/stations/{octt201.station.identity}/firmware/publications/",
                             json={"location": "https://images.example.com/octt.bin", "checksum": md5,
                                   "retries": 1, **fields})
    assert created.status_code == 201, created.text
    return created.json()


async def publication_when(api, octt201, publication: dict, state: str) -> dict:
    url = f"/api/v1/stations/{octt201.station.identity}/firmware/publications/{publication['id']}/"

    async def shown():
        body = (await api.get(url)).json()
        return body if body["state"] == state else None

    return await eventually(shown)


async def unpublish(api, octt201, md5: str) -> dict:
    answer = await api.post(f"/api/v1/stations/{octt201.station.identity}/firmware/unpublish/",
                            json={"checksum": md5})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_tc_l_17_publish_firmware_published(server, octt201):
    """Publish Firmware – Published

    The controller downloads, verifies the checksum and publishes: the publication shows the
    URIs it serves the image at."""
    md5 = checksum()
    async with octt201.charge_point(server, cls=controller()) as cp, octt201.api(server) as api:
        publication = await publish(api, octt201, md5)
        done = await publication_when(api, octt201, publication, "published")
    [sent] = [payload for action, payload in cp.received if action == "PublishFirmware"]
    assert (sent["checksum"], sent["request_id"], sent["retries"]) == (md5, publication["request_id"], 1)
    assert done["published_locations"] == cp.served_at(md5)
    assert [entry["status"] for entry in done["history"]] == [
        "DownloadScheduled", "Downloading", "Downloaded", "ChecksumVerified", "Published"]


async def failed_publication(server, octt201, script: tuple[str, ...]) -> dict:
    async with octt201.charge_point(server, cls=controller(script=script)), octt201.api(server) as api:
        publication = await publish(api, octt201, checksum())
        return await publication_when(api, octt201, publication, "failed")


async def test_tc_l_19_publish_firmware_invalid_checksum(server, octt201):
    """Publish Firmware – Invalid Checksum"""
    done = await failed_publication(server, octt201, ("DownloadScheduled", "Downloading", "Downloaded",
                                                      "InvalidChecksum"))
    assert done["status"] == "InvalidChecksum" and done["published_locations"] == []


async def test_tc_l_20_publish_firmware_publishfailed(server, octt201):
    """Publish Firmware – PublishFailed"""
    done = await failed_publication(server, octt201, ("Downloading", "Downloaded", "ChecksumVerified",
                                                      "PublishFailed"))
    assert done["failure_reason"] == "The station reported PublishFailed."


async def test_tc_l_21_unpublish_firmware_unpublished(server, octt201):
    """Unpublish Firmware – Unpublished"""
    md5 = checksum()
    async with octt201.charge_point(server, cls=controller()), octt201.api(server) as api:
        publication = await publish(api, octt201, md5)
        await publication_when(api, octt201, publication, "published")
        answer = await unpublish(api, octt201, md5)
        done = await publication_when(api, octt201, publication, "unpublished")
    assert answer == {"status": "Unpublished", "unpublished": 1}
    assert done["unpublish_status"] == "Unpublished"


async def test_tc_l_22_unpublish_firmware_nofirmware(server, octt201):
    """Unpublish Firmware – NoFirmware"""
    async with octt201.charge_point(server, cls=controller()), octt201.api(server) as api:
        answer = await unpublish(api, octt201, checksum())
    assert answer == {"status": "NoFirmware", "unpublished": 0}


async def test_tc_l_23_unpublish_firmware_download_ongoing(server, octt201):
    """Unpublish Firmware – Download Ongoing

    The controller is still fetching the image: it answers DownloadOngoing and the publication
    stays under way."""
    md5 = checksum()
    cls = controller(script=("DownloadScheduled", "Downloading"))
    async with octt201.charge_point(server, cls=cls) as cp, octt201.api(server) as api:
        publication = await publish(api, octt201, md5)
        await cp.settle()
        answer = await unpublish(api, octt201, md5)
        shown = await publication_when(api, octt201, publication, "sent")
    assert answer == {"status": "DownloadOngoing", "unpublished": 0}
    assert (shown["status"], shown["unpublish_status"]) == ("Downloading", "DownloadOngoing")


async def test_tc_l_24_publish_firmware_download_failed(server, octt201):
    """Publish Firmware – Download failed"""
    done = await failed_publication(server, octt201, ("DownloadScheduled", "Downloading", "DownloadFailed"))
    assert done["status"] == "DownloadFailed"
