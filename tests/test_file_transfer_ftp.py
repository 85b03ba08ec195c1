"""Firmware downloads and diagnostics/log uploads over FTP, end to end: the real FTP server
(`manage.py ftpserver`, and `manage.py serve` starting it) and a station that gets an ftp://
location over a real WebSocket and transfers with Python's ftplib."""

import asyncio
import ftplib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from stations.firmware.models import FirmwareFile, FirmwareJob, UploadRequest
from stations.firmware.services.stalls import jobs_fail_stalled
from stations.models import ModelQuirks, Station
from tests.conftest import _tmp
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.server import ROOT, Server, free_port, server_env, start_server
from tests.test_admin import admin_session, make_user
from tests.test_firmware import IMAGE, boot_with, job_of, report, update, upload_firmware
from tests.test_firmware_uploads import (
    DIAGNOSTICS,
    SECURITY_LOG,
    diagnostics_status,
    request_diagnostics,
    request_log,
)


def ftp_env() -> dict:
    port, passive = free_port(), free_port()
    return server_env() | {"FTP_ENABLED": "1", "FTP_HOST": "127.0.0.1", "FTP_PORT": str(port),
                           "FTP_PASSIVE_PORTS": f"{passive}-{passive + 9}"}


def wait_for_port(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def ftp_site(database):
    """A server whose stations may be told ftp:// locations, and the FTP server they reach."""
    env = ftp_env()
    log = _tmp / f"ftp-{env['FTP_PORT']}.log"
    ftp = subprocess.Popen([sys.executable, "manage.py", "ftpserver"], cwd=ROOT, env=env,
                           stdout=log.open("w"), stderr=subprocess.STDOUT)
    wait_for_port(ftp, int(env["FTP_PORT"]), log)
    server = start_server(env, _tmp)
    server.ftp_port = int(env["FTP_PORT"])
    yield server
    server.stop()
    Server(0, ftp, log).stop()


def ftp_station(tenant, **fields):
    return make_station(tenant, file_transfer="ftp", **fields)


def _run(location: str, command: str, argument: str) -> int:
    parts = urlsplit(location)
    ftp = ftplib.FTP(timeout=10)
    try:
        ftp.connect(parts.hostname, parts.port)
        ftp.login(parts.username, parts.password)
        if command == "RETR":
            ftp.retrbinary(f"RETR {argument}", lambda chunk: None)
        elif command == "STOR":
            ftp.storbinary(f"STOR {argument}", io.BytesIO(b"x"))
        elif command == "NLST":
            ftp.nlst(*([argument] if argument else []))
        elif command == "CWD":
            ftp.cwd(argument)
        return 0
    except ftplib.error_perm as refused:
        return int(str(refused)[:3])
    finally:
        ftp.close()


async def refusal(location: str, command: str = "", argument: str = "") -> int:
    """Log in with the location's credentials and run one command: 0 when it works, else the
    reply code refusing the login or the command."""
    return await asyncio.to_thread(_run, location, command, argument)


def with_credentials(location: str, username: str = "", password: str = "") -> str:
    parts = urlsplit(location)
    netloc = f"{username or parts.username}:{password or parts.password}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


async def test_a_station_uploads_its_diagnostics_over_ftp_and_the_operator_downloads_them(ftp_site):
    tenant = make_tenant()
    station, password = ftp_station(tenant)
    base = f"/api/v1/stations/{station.identity}/diagnostics"
    async with charge_point(ftp_site, tenant, station, password) as cp, \
            api_client(ftp_site, tenant) as api:
        asked = await request_diagnostics(api, station)
        await diagnostics_status(cp, "Uploading")
        stored = await cp.upload(asked["location"], DIAGNOSTICS, f"diagnostics-{station.identity}.log")
        await diagnostics_status(cp, "Uploaded")
        shown = (await api.get(f"{base}/{asked['id']}/")).json()
        download = await api.get(f"{base}/{asked['id']}/file/")
        again = await cp.upload(asked["location"], b"a second file", "x.log")
    location = urlsplit(asked["location"])
    assert location.scheme == "ftp" and location.username == f"diagnostics-{asked['id']}"
    assert (location.hostname, location.port, location.path) == ("127.0.0.1", ftp_site.ftp_port, "/")
    assert ("GetDiagnostics", {"location": cp.locations[asked["location"]]}) in cp.received
    assert location.password.endswith("…")  # shown without its token
    assert stored == 226 and shown["received"] is True and shown["size"] == len(DIAGNOSTICS)
    assert download.status_code == 200 and download.content == DIAGNOSTICS
    assert f"diagnostics-{station.identity}.log" in download.headers["content-disposition"]
    assert again == 530  # the credential was used
    stored_at = UploadRequest.objects.get(pk=asked["id"]).file.path
    assert stored_at.startswith(str(settings.MEDIA_ROOT)) and "ftp-incoming" not in stored_at


async def test_a_station_downloads_its_firmware_over_ftp_and_boots_on_it(ftp_site):
    tenant = make_tenant()
    station, password = ftp_station(tenant)
    async with charge_point(ftp_site, tenant, station, password) as cp, \
            api_client(ftp_site, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
        await report(cp, "Downloading", "Downloaded", "Installing", "Installed")
        await boot_with(cp, "2.0.0")
        done = await job_of(api, station, job)
    location = urlsplit(job["location"])
    assert location.scheme == "ftp" and location.username == f"firmware-{job['id']}"
    assert location.path == "/sim-2.0.0.bin"
    assert done["state"] == "installed" and done["downloads"] == 1
    assert await refusal(cp.locations[job["location"]], "RETR", "sim-2.0.0.bin") == 530  # the job is over


async def test_a_station_model_that_speaks_only_ftp_gets_ftp_unless_the_station_says_http(ftp_site):
    tenant = make_tenant()
    vendor = f"FtpOnly {tenant.pk}"  # BootNotification allows 20 characters
    ModelQuirks.objects.create(vendor=vendor, model_prefix="F-", file_transfer="ftp")
    (by_model, p1), (overridden, p2) = make_station(tenant), make_station(tenant, file_transfer="http")
    locations = {}
    async with api_client(ftp_site, tenant) as api:
        for station, password in ((by_model, p1), (overridden, p2)):
            async with charge_point(ftp_site, tenant, station, password, boot=False) as cp:
                await cp.boot(vendor=vendor, model="F-22")
                await eventually(lambda s=station: Station.objects.get(pk=s.pk).vendor == vendor)
                asked = await request_log(api, station)
                stored = await cp.upload(asked["location"], SECURITY_LOG, "security.log")
                locations[station.identity] = (asked["location"], stored)
    assert locations[by_model.identity][0].startswith("ftp://log-")
    assert locations[by_model.identity][1] == 226
    assert locations[overridden.identity][0].startswith(f"{ftp_site.http}/ocpp-files/upload/")
    assert locations[overridden.identity][1] == 201  # a PUT


async def test_wrong_or_another_jobs_credentials_are_refused(ftp_site):
    tenant, other = make_tenant(), make_tenant()
    station, password = ftp_station(tenant)
    stranger, stranger_password = ftp_station(other)
    async with charge_point(ftp_site, tenant, station, password) as cp, \
            charge_point(ftp_site, other, stranger, stranger_password) as stranger_cp, \
            api_client(ftp_site, tenant) as api, api_client(ftp_site, other) as outsider:
        mine = cp.locations[(await request_diagnostics(api, station))["location"]]
        theirs = stranger_cp.locations[(await request_diagnostics(outsider, stranger))["location"]]
        firmware = await update(api, station, await upload_firmware(api))
        firmware_location = cp.locations[firmware["location"]]
        mine_user, theirs_user = urlsplit(mine).username, urlsplit(theirs).username
        answers = [
            await refusal(with_credentials(mine, password="x" * 43)),
            await refusal(with_credentials(mine, password=urlsplit(mine).password[:-1])),
            await refusal(with_credentials(mine, username=theirs_user)),
            await refusal(with_credentials(theirs, username=mine_user)),
            await refusal(with_credentials(mine, username="firmware-" + mine_user.split("-")[1])),
            await refusal(with_credentials(firmware_location, username=f"diagnostics-{firmware['id']}")),
            await refusal(with_credentials(firmware_location, password="x" * 43)),
            await refusal(with_credentials(mine, username="anonymous", password="guest")),
        ]
        right = await refusal(mine, "NLST")  # logged in: only the listing is refused
    assert answers == [530] * len(answers) and right == 550


async def test_a_firmware_login_reads_its_image_only(ftp_site):
    tenant = make_tenant()
    station, password = ftp_station(tenant)
    async with charge_point(ftp_site, tenant, station, password) as cp, \
            api_client(ftp_site, tenant) as api:
        mine = await update(api, station, await upload_firmware(api))
        other = await upload_firmware(api, "3.0.0", content=b"other image")
        await eventually(lambda: cp.downloads.get(mine["location"]))
        location = cp.locations[mine["location"]]
        answers = {
            "own image": await refusal(location, "RETR", "sim-2.0.0.bin"),
            "other image": await refusal(location, "RETR", beside(other)),
            "escape": await refusal(location, "RETR", "../../../../../../etc/passwd"),
            "listing": await refusal(location, "NLST"),
            "parent": await refusal(location, "CWD", ".."),
            "store": await refusal(location, "STOR", "x.bin"),
        }
    assert answers == {"own image": 0, "other image": 550, "escape": 550, "listing": 550,
                       "parent": 0, "store": 550}  # CWD .. stays at its root


def beside(firmware: dict) -> str:
    """Another image's path as seen from a firmware login's folder (its sibling folder)."""
    folder, name = FirmwareFile.objects.get(pk=firmware["id"]).file.name.split("/")[-2:]
    return f"../{folder}/{name}"


async def test_an_upload_login_stores_one_file_in_its_own_folder_and_reads_nothing(ftp_site):
    tenant = make_tenant()
    station, password = ftp_station(tenant)
    base = f"/api/v1/stations/{station.identity}/diagnostics"
    async with charge_point(ftp_site, tenant, station, password) as cp, api_client(ftp_site, tenant) as api:
        first, second = await request_diagnostics(api, station), await request_diagnostics(api, station)
        location = cp.locations[first["location"]]
        answers = {
            "read": await refusal(location, "RETR", "anything.log"),
            "listing": await refusal(location, "NLST"),
            "escape": await refusal(location, "STOR", "../../../../escaped.log"),
        }
        stored = (await api.get(f"{base}/{first['id']}/")).json()
        untouched = (await api.get(f"{base}/{second['id']}/")).json()
    assert answers == {"read": 550, "listing": 550, "escape": 0}
    assert stored["received"] is True and stored["size"] == 1
    assert UploadRequest.objects.get(pk=first["id"]).file.name.endswith("/escaped.log")
    assert untouched["received"] is False
    assert len(list(Path(settings.MEDIA_ROOT).rglob("escaped.log"))) == 1  # the stored one only
    await eventually(lambda: not any((Path(settings.MEDIA_ROOT) / "ftp-incoming").iterdir()))


async def test_an_expired_credential_no_longer_works(ftp_site):
    tenant = make_tenant()
    station, password = ftp_station(tenant)
    async with charge_point(ftp_site, tenant, station, password) as cp, api_client(ftp_site, tenant) as api:
        upload = cp.locations[(await request_diagnostics(api, station))["location"]]
        job = await update(api, station, await upload_firmware(api), retrieve_date="2020-01-01T00:00:00Z")
        before = await refusal(cp.locations[job["location"]], "RETR", "sim-2.0.0.bin")
        failed = jobs_fail_stalled(now=timezone.now() + timedelta(hours=3))
        answers = [await refusal(upload, "STOR", "late.log"),
                   await refusal(cp.locations[job["location"]], "RETR", "sim-2.0.0.bin")]
    assert before == 0 and failed >= 2 and answers == [530, 530]
    assert FirmwareJob.objects.get(pk=job["id"]).failure == "stalled"


async def _received(api, url: str):
    response = await api.get(url)
    return response if response.status_code == 200 else None


async def test_manage_py_serve_starts_the_ftp_server_of_the_node(database, tmp_path):
    """One worker: on the embedded default a command reaches only the worker holding the socket."""
    env, port = ftp_env(), free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        await asyncio.to_thread(wait_for_port, process, int(env["FTP_PORT"]), log)
        await asyncio.to_thread(wait_for_port, process, port, log)
        served = Server(port, process, log)
        tenant = make_tenant()
        station, password = ftp_station(tenant)
        async with charge_point(served, tenant, station, password) as cp, api_client(served, tenant) as api:
            asked = await request_diagnostics(api, station)
            stored = await cp.upload(asked["location"], DIAGNOSTICS, "d.log")
            file_url = f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/"
            download = await eventually(lambda: _received(api, file_url))  # recorded just after the 226
        children = subprocess.run(["pgrep", "-a", "-P", str(process.pid)], capture_output=True,
                                  text=True).stdout.splitlines()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    assert stored == 226 and download.content == DIAGNOSTICS
    assert len(children) == 2 and sum("ftpserver" in child for child in children) == 1


async def test_the_api_sets_a_stations_file_transfer_and_without_ftp_server_it_gets_http(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api, charge_point(server, tenant, station, password):
        changed = await api.patch(f"/api/v1/stations/{station.identity}/", json={"file_transfer": "ftp"})
        wrong = await api.patch(f"/api/v1/stations/{station.identity}/", json={"file_transfer": "scp"})
        asked = await request_diagnostics(api, station)  # this server runs with FTP_ENABLED=0
    assert changed.status_code == 200 and changed.json()["file_transfer"] == "ftp"
    assert wrong.status_code == 400 and "file_transfer" in wrong.json()
    assert asked["location"].startswith(f"{server.http}/ocpp-files/upload/")


async def test_the_admin_shows_the_stations_scheme_and_the_models_default(server):
    tenant = make_tenant()
    station, _ = make_station(tenant, file_transfer="ftp")
    quirk = ModelQuirks.objects.create(vendor=f"AdminFtp{tenant.pk}", model_prefix="x",
                                       file_transfer="ftp")
    async with admin_session(server, make_user(superuser=True)) as http:
        station_page = await http.get(f"/admin/stations/station/{station.pk}/change/")
        quirks_list = await http.get("/admin/stations/modelquirks/")
        quirk_page = await http.get(f"/admin/stations/modelquirks/{quirk.pk}/change/")
    assert station_page.status_code == 200 and 'name="file_transfer"' in station_page.text
    assert '<option value="ftp" selected>' in station_page.text
    assert "column-file_transfer" in quirks_list.text and 'name="file_transfer"' in quirk_page.text
