"""Signed firmware updates on an OCPP 2.0.1 station over a real WebSocket: what UpdateFirmware
carries, the version check after Installed, rollouts, the API's 400s and another tenant's 404;
and a Hypothesis property of the job's state over messy status histories (docs/ocpp201.md,
"Firmware")."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.firmware.models import FirmwareFile, FirmwareJob
from stations.firmware.services.firmware import FAILURE_STATUSES, firmware_status_record
from stations.firmware.services.stalls import jobs_fail_stalled
from stations.simulator import SecureChargePoint
from stations.simulator.v201 import SimulatedChargePoint201
from tenants.models import Role
from tests.browser import member
from tests.conformance.v201.test_l_firmware import INSTALL, NEW, installed, iso, station, statuses
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, charge_point, charge_point_201, eventually, make_station, make_tenant
from tests.fast.stations.firmware.test_firmware import CERTIFICATE, IMAGE, SIGNATURE
from tests.test_firmware import _send_rollout_without_worker

STATUSES = ["Downloaded", "DownloadFailed", "Downloading", "DownloadScheduled", "DownloadPaused",
            "Idle", "InstallationFailed", "Installing", "Installed", "InstallRebooting", "InstallScheduled",
            "InstallVerificationFailed", "InvalidSignature", "SignatureVerified"]


async def upload(api, version: str = NEW, signed: bool = True) -> dict:
    data = {"name": "image", "version": version}
    if signed:
        data |= {"signing_certificate": CERTIFICATE, "signature": SIGNATURE}
    response = await api.post("/api/v1/firmware/", data=data,
                              files={"file": ("image.bin", IMAGE, "application/octet-stream")})
    assert response.status_code == 201, response.text
    return response.json()


def url(station, rest: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/firmware/{rest}"


async def job_when(api, station_row, job: dict, check) -> dict:
    async def shown():
        body = (await api.get(url(station_row, f"{job['id']}/"))).json()
        return body if check(body) else None

    return await eventually(shown)


async def test_a_signed_update_carries_its_certificate_signature_and_dates_and_installs(server):
    tenant = make_tenant()
    station_row, password = make_station(tenant)
    retrieve, install = datetime.now(UTC), datetime.now(UTC) + timedelta(minutes=5)
    async with charge_point_201(server, tenant, station_row, password, cls=station(script=INSTALL)) as cp, \
            api_client(server, tenant) as api:
        image = await upload(api)
        created = await api.post(url(station_row), json={
            "firmware": image["id"], "retrieve_date": iso(retrieve), "install_date": iso(install),
            "retries": 3, "retry_interval": 60})
        assert created.status_code == 201, created.text
        job = created.json()
        done = await job_when(api, station_row, job, installed)
    assert job["action"] == "UpdateFirmware" and job["signed"] is True
    assert job["request"]["firmware"] | {"location": None} == {
        "location": None, "retrieveDateTime": iso(retrieve), "installDateTime": iso(install),
        "signingCertificate": CERTIFICATE, "signature": SIGNATURE}
    assert (job["request"]["retries"], job["request"]["retryInterval"]) == (3, 60)
    assert cp.downloads == {job["location"]: IMAGE}
    assert "Booted" in statuses(done) and done["install_date"]


async def test_a_station_that_boots_on_its_old_version_after_installing_fails_the_job(server):
    tenant = make_tenant()
    station_row, password = make_station(tenant)
    script = ("Downloading", "Downloaded", "SignatureVerified", "InstallRebooting")
    async with charge_point_201(server, tenant, station_row, password, cls=station(script=script)) as cp, \
            api_client(server, tenant) as api:
        job = (await api.post(url(station_row), json={"firmware": (await upload(api))["id"]})).json()
        await job_when(api, station_row, job, lambda j: j["status"] == "InstallRebooting")
        await cp.boot("FirmwareUpdate")  # still 2.0.0
        failed = await job_when(api, station_row, job, lambda j: j["state"] == "failed")
    assert failed["failure"] == "version"
    assert failed["failure_reason"] == f"Booted on 2.0.0, expected {NEW}."


async def test_a_rollout_reaches_a_2_0_1_station(server):
    tenant = make_tenant()
    station_row, password = make_station(tenant)
    async with charge_point_201(server, tenant, station_row, password, cls=station(script=INSTALL)) as cp, \
            api_client(server, tenant) as api:
        image = await upload(api)
        rollout = (await api.post("/api/v1/firmware/rollouts/",
                                  json={"firmware": image["id"], "all": True, "signed": True})).json()
        await _send_rollout_without_worker(rollout["id"])

        async def progress():
            body = (await api.get(f"/api/v1/firmware/rollouts/{rollout['id']}/")).json()["progress"]
            return body if body["states"]["installed"] == 1 else None

        done = await eventually(progress)
    assert [name for name, _ in cp.received if name == "UpdateFirmware"] == ["UpdateFirmware"]
    assert done["stations"][0]["station"] == station_row.identity


async def test_bad_update_input_is_a_400_and_another_tenant_gets_404(server):
    tenant, other = make_tenant(), make_tenant()
    station_row, password = make_station(tenant)
    async with charge_point_201(server, tenant, station_row, password, cls=SimulatedChargePoint201), \
            api_client(server, tenant) as api, api_client(server, other) as outsider:
        signed, unsigned = await upload(api), await upload(api, signed=False)
        now = datetime.now(UTC)
        bad = [await api.post(url(station_row), json=body) for body in (
            {"firmware": signed["id"], "retrieve_date": iso(now),
             "install_date": iso(now - timedelta(hours=1))},
            {"firmware": signed["id"], "install_date": "tomorrow"},
            {"firmware": unsigned["id"], "signed": True},
            {"firmware": signed["id"], "retries": -1})]
        job = (await api.post(url(station_row), json={"firmware": signed["id"]})).json()
        foreign = [await outsider.get(url(station_row)),
                   await outsider.get(url(station_row, f"{job['id']}/")),
                   await outsider.post(url(station_row), json={"firmware": signed["id"]})]
    assert [b.status_code for b in bad] == [400] * 4
    assert "install_date" in bad[0].json() and "install_date" in bad[1].json()
    assert [f.status_code for f in foreign] == [404] * 3


def test_a_job_scheduled_to_install_later_is_not_stalled_before_its_install_date():
    tenant = make_tenant()
    station_row, _ = make_station(tenant)
    image = FirmwareFile.objects.create(tenant=tenant, name="i", version=NEW, file="firmware/x.bin")
    long_ago = datetime.now(UTC) - timedelta(days=2)
    job = FirmwareJob.objects.create(tenant=tenant, station=station_row, firmware=image, state="sent",
                                     retrieve_date=long_ago, sent_at=long_ago, status_at=long_ago,
                                     install_date=datetime.now(UTC) + timedelta(hours=1), location="x")
    jobs_fail_stalled()
    job.refresh_from_db()
    assert job.state == "sent"
    FirmwareJob.objects.filter(pk=job.pk).update(install_date=long_ago)
    jobs_fail_stalled()
    job.refresh_from_db()
    assert (job.state, job.failure) == ("failed", "stalled")


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_a_job_is_failed_exactly_when_its_last_status_other_than_idle_is_a_failure(history):
    """Whatever order the statuses come in (retries, pauses, a failure then a new attempt), the
    job is failed iff the last meaningful one is a failure, and every status is in its history."""
    tenant = make_tenant()
    station_row, _ = make_station(tenant)
    image = FirmwareFile.objects.create(tenant=tenant, name="i", version=NEW, file="firmware/x.bin")
    now = datetime.now(UTC)
    job = FirmwareJob.objects.create(tenant=tenant, station=station_row, firmware=image, state="sent",
                                     retrieve_date=now, sent_at=now, location="x", request_id=1)
    for status in history:
        firmware_status_record(station_id=station_row.pk, status=status, request_id=1, received_at=now)
    job.refresh_from_db()
    meaningful = [s for s in history if s != "Idle"]
    assert [e["status"] for e in job.history] == history
    assert (job.state == "failed") == bool(meaningful and meaningful[-1] in FAILURE_STATUSES)


async def test_the_station_page_sends_a_signed_update_and_refuses_bad_dates(server):
    tenant = make_tenant()
    station_row, password = make_station(tenant)
    installer = await logged_in(server, member(tenant, Role.INSTALLER))
    accountant = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    page_url = f"/stations/{station_row.identity}/firmware/update/"
    async with charge_point_201(server, tenant, station_row, password, cls=station()) as cp, \
            api_client(server, tenant) as api:
        image = await upload(api)
        page = await installer.get(f"/stations/{station_row.identity}/")
        sent = await post(installer, page_url, {"firmware": image["id"], "install_date": "2099-01-05T08:00",
                                                "retries": "2"})
        bad = await post(installer, page_url, {"firmware": image["id"], "retrieve_date": "2099-01-05T08:00",
                                               "install_date": "2099-01-04T08:00"})
        refused = await post(accountant, page_url, {"firmware": image["id"]})
        read_only = await accountant.get(f"/stations/{station_row.identity}/")
    assert "Update firmware" in page.text and "Update firmware" not in read_only.text
    assert sent.status_code == 200 and "UpdateFirmware:" in sent.text and "Accepted" in sent.text
    [request] = [p for a, p in cp.received if a == "UpdateFirmware"]
    assert request["firmware"]["install_date_time"] == "2099-01-05T08:00:00Z"
    assert request["firmware"]["signature"] == SIGNATURE and request["retries"] == 2
    assert bad.status_code == 400 and "Must not be before retrieve_date." in bad.text
    assert refused.status_code == 403
    assert await FirmwareJob.objects.filter(station=station_row).acount() == 1


async def test_a_1_6_signed_update_refused_links_the_station_s_security_event_too(server):
    tenant = make_tenant()
    station_row, password = make_station(tenant)
    refusing = type("Refusing16", (SecureChargePoint,), {"firmware_answer": "InvalidCertificate"})
    async with charge_point(server, tenant, station_row, password, cls=refusing) as cp, \
            api_client(server, tenant) as api:
        job = (await api.post(url(station_row), json={"firmware": (await upload(api))["id"]})).json()
        await cp.security_event("InvalidFirmwareSigningCertificate")
        linked = await job_when(api, station_row, job, lambda j: j["security_event_type"])
    assert (job["action"], job["state"], job["failure"]) == ("SignedUpdateFirmware", "failed", "certificate")
    assert linked["security_event_type"] == "InvalidFirmwareSigningCertificate"
