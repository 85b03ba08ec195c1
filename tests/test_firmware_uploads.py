"""GetDiagnostics and GetLog end to end: the simulated station really uploads its file to the
one-time URL (raw PUT or multipart POST) and the operator downloads it through the API.
(In process, without a station: tests/fast/stations/firmware/test_firmware_uploads.py.)"""

from urllib.parse import urlsplit

import httpx
import pytest
from ocpp.v16 import call

from stations.firmware.models import UploadRequest
from stations.firmware.services.uploads import upload_request_create
from stations.models import Station
from stations.simulator import SimulatedChargePoint
from tests.conftest import _tmp
from tests.factories import api_client, charge_point, make_station, make_tenant
from tests.fast.stations.firmware.test_firmware_uploads import DIAGNOSTICS, SECURITY_LOG
from tests.server import server_env, start_server


async def request_diagnostics(api, station, **fields) -> dict:
    response = await api.post(f"/api/v1/stations/{station.identity}/diagnostics/", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


async def request_log(api, station, log_type: str = "SecurityLog", **fields) -> dict:
    response = await api.post(f"/api/v1/stations/{station.identity}/logs/",
                              json={"log_type": log_type, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def diagnostics_status(cp, *statuses: str) -> None:
    for status in statuses:
        await cp.call(call.DiagnosticsStatusNotification(status=status))


async def log_status(cp, request_id: int, *statuses: str) -> None:
    for status in statuses:
        await cp.call(call.LogStatusNotification(status=status, request_id=request_id))


async def test_a_station_uploads_its_diagnostics_and_the_operator_downloads_them(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}/diagnostics"
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station, start_time="2026-11-24T00:00:00Z",
                                          stop_time="2026-11-25T00:00:00Z", retries=2, retry_interval=30)
        await diagnostics_status(cp, "Uploading")
        uploaded = await cp.upload(asked["location"], DIAGNOSTICS, "ignored.log", method="PUT")
        await diagnostics_status(cp, "Uploaded")
        listed = (await api.get(f"{base}/")).json()
        download = await api.get(f"{base}/{asked['id']}/file/")
        again = await cp.upload(asked["location"], b"a second file", "x.log", method="PUT")
        still = await api.get(f"{base}/{asked['id']}/file/")
    assert asked["action"] == "GetDiagnostics" and asked["file_name"] == f"diagnostics-{station.identity}.log"
    assert asked["request"] == {"location": asked["location"], "startTime": "2026-11-24T00:00:00Z",
                                "stopTime": "2026-11-25T00:00:00Z", "retries": 2, "retryInterval": 30}
    assert asked["location"].startswith(f"{server.http}/ocpp-files/upload/")
    assert ("GetDiagnostics", {"location": cp.locations[asked["location"]], "retries": 2,
                               "retry_interval": 30, "start_time": "2026-11-24T00:00:00Z",
                               "stop_time": "2026-11-25T00:00:00Z"}) in cp.received
    assert uploaded == 201
    [shown] = listed["results"]
    assert shown["status"] == "Uploaded" and shown["received"] is True and shown["size"] == len(DIAGNOSTICS)
    assert [h["status"] for h in shown["history"]] == ["Uploading", "Uploaded"]
    assert download.status_code == 200 and download.content == DIAGNOSTICS
    assert f"diagnostics-{station.identity}.log" in download.headers["content-disposition"]
    assert again == 410 and still.content == DIAGNOSTICS
    assert Station.objects.get(pk=station.pk).diagnostics_status == "Uploaded"


async def test_a_multipart_post_upload_keeps_the_stations_file_name(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        status = await cp.upload(asked["location"], DIAGNOSTICS, "../../etc/diag 1.tgz", method="POST")
        download = await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/")
        second = await cp.upload(asked["location"], DIAGNOSTICS, "diag.tgz", method="POST")
    assert status == 200 and download.content == DIAGNOSTICS
    assert 'filename="diag_1.tgz"' in download.headers["content-disposition"]
    assert second == 410


async def test_an_unknown_upload_token_is_a_404_and_a_get_a_405(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        async with httpx.AsyncClient() as anonymous:
            unknown = await anonymous.put(f"{server.http}/ocpp-files/upload/{'y' * 43}/", content=b"x")
            fetched = await anonymous.get(cp.locations[asked["location"]])
        nothing_yet = await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/")
    assert unknown.status_code == 404 and fetched.status_code == 405 and nothing_yet.status_code == 404


async def test_a_large_raw_upload_is_streamed_to_its_file(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    big = bytes(range(256)) * (12 * 1024)  # 3 MiB: beyond Django's in-memory request body limit
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        status = await cp.upload(asked["location"], big, "big.bin", method="PUT")
        download = await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/")
    assert status == 201 and download.content == big


async def test_a_failed_upload_is_recorded(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        await diagnostics_status(cp, "Uploading", "UploadFailed", "Idle")
        shown = (await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/")).json()
    assert shown["state"] == "failed" and shown["status"] == "UploadFailed" and shown["received"] is False
    assert [h["status"] for h in shown["history"]] == ["Uploading", "UploadFailed", "Idle"]


async def test_a_station_uploads_its_security_log_for_get_log(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}/logs"
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        older = await request_log(api, station, "DiagnosticsLog")
        asked = await request_log(api, station, "SecurityLog", oldest="2026-11-01T00:00:00Z",
                                  latest="2026-11-25T00:00:00Z", retries=1)
        await log_status(cp, asked["request_id"], "Uploading")
        status = await cp.upload(asked["location"], SECURITY_LOG, "security.log", method="POST")
        await log_status(cp, asked["request_id"], "Uploaded")
        shown = (await api.get(f"{base}/{asked['id']}/")).json()
        untouched = (await api.get(f"{base}/{older['id']}/")).json()
        download = await api.get(f"{base}/{asked['id']}/file/")
    assert asked["action"] == "GetLog" and asked["file_name"] == f"SecurityLog-{station.identity}.log"
    assert asked["request"] == {
        "logType": "SecurityLog", "requestId": asked["request_id"], "retries": 1,
        "log": {"remoteLocation": asked["location"], "oldestTimestamp": "2026-11-01T00:00:00Z",
                "latestTimestamp": "2026-11-25T00:00:00Z"}}
    assert asked["response"] == {"status": "Accepted", "filename": f"SecurityLog-{station.identity}.log"}
    assert status == 200 and download.content == SECURITY_LOG
    assert shown["status"] == "Uploaded"
    assert [h["status"] for h in shown["history"]] == ["Uploading", "Uploaded"]
    assert untouched["history"] == [] and untouched["log_type"] == "DiagnosticsLog"


class LoglessStation(SimulatedChargePoint):
    log_answer = "Rejected"


async def test_a_get_log_the_station_rejects_and_a_log_it_cannot_upload(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=LoglessStation) as cp, \
            api_client(server, tenant) as api:
        rejected = await request_log(api, station)
        LoglessStation.log_answer = "Accepted"
        try:
            denied = await request_log(api, station, "DiagnosticsLog")
        finally:
            LoglessStation.log_answer = "Rejected"
        await log_status(cp, denied["request_id"], "PermissionDenied")
        shown = (await api.get(f"/api/v1/stations/{station.identity}/logs/{denied['id']}/")).json()
    assert rejected["state"] == "rejected" and rejected["status"] == "Rejected"
    assert shown["state"] == "failed" and shown["status"] == "PermissionDenied"


async def test_an_upload_url_takes_no_file_once_the_station_refused_or_before_it_was_sent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=LoglessStation) as cp, \
            api_client(server, tenant) as api:
        refused = await request_log(api, station)
    never_sent = upload_request_create(station=station, kind="diagnostics")
    assert never_sent.token_hash is None  # its token is made when it is sent
    urls = [cp.locations[refused["location"]], server.http + urlsplit(never_sent.location).path]
    async with httpx.AsyncClient() as anonymous:
        answers = [(await anonymous.put(location, content=b"log")).status_code for location in urls]
    assert refused["state"] == "rejected" and answers == [404, 404]
    assert not UploadRequest.objects.filter(station=station, received_at__isnull=False).exists()


async def test_another_tenant_gets_404_on_every_diagnostics_and_log_endpoint(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}"
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api, \
            api_client(server, other) as outsider:
        diagnostics = await request_diagnostics(api, station)
        log = await request_log(api, station)
        await cp.upload(diagnostics["location"], DIAGNOSTICS, "d.log")
        await cp.upload(log["location"], SECURITY_LOG, "s.log")
        answers = [
            await outsider.get(f"{base}/diagnostics/"),
            await outsider.post(f"{base}/diagnostics/", json={}),
            await outsider.get(f"{base}/diagnostics/{diagnostics['id']}/"),
            await outsider.get(f"{base}/diagnostics/{diagnostics['id']}/file/"),
            await outsider.get(f"{base}/logs/"),
            await outsider.post(f"{base}/logs/", json={"log_type": "SecurityLog"}),
            await outsider.get(f"{base}/logs/{log['id']}/"),
            await outsider.get(f"{base}/logs/{log['id']}/file/"),
        ]
        mine = await api.get(f"{base}/logs/{log['id']}/file/")
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert mine.status_code == 200 and mine.content == SECURITY_LOG


@pytest.fixture(scope="module")
def small_server(database):
    """A server that takes files of 1 KiB at most, and other bodies of 100 KiB."""
    limits = {"OCPP_UPLOAD_MAX_BYTES": "1024", "HTTP_BODY_MAX_BYTES": str(100 * 1024)}
    srv = start_server(server_env() | limits, _tmp)
    yield srv
    srv.stop()


async def test_an_upload_over_the_limit_is_a_413_and_leaves_the_url_unused(small_server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    too_big = b"x" * 2048

    async def chunks():
        for _ in range(4):
            yield b"y" * 512

    async with charge_point(small_server, tenant, station, password) as cp, \
            api_client(small_server, tenant) as api:
        asked = await request_diagnostics(api, station)
        raw = await cp.upload(asked["location"], too_big, "big.log", method="PUT")
        form = await cp.upload(asked["location"], too_big, "big.log", method="POST")
        async with httpx.AsyncClient() as anonymous:  # no Content-Length: counted while copied
            chunked = await anonymous.put(cp.locations[asked["location"]], content=chunks())
        fitting = await cp.upload(asked["location"], b"z" * 1000, "small.log", method="PUT")
        download = await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/")
    assert (raw, form, chunked.status_code) == (413, 413, 413)
    assert fitting == 201 and download.content == b"z" * 1000


async def test_a_firmware_image_over_the_limit_is_a_400(small_server):
    tenant = make_tenant()
    async with api_client(small_server, tenant) as api:
        response = await api.post("/api/v1/firmware/", data={"name": "big", "version": "9"},
                                  files={"file": ("big.bin", b"x" * 2048, "application/octet-stream")})
        listed = (await api.get("/api/v1/firmware/")).json()
    assert response.status_code == 400 and "file" in response.json()
    assert listed["count"] == 0


async def test_a_very_long_file_name_is_shortened_to_its_end(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    name = "d" * 300 + ".log"
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        async with httpx.AsyncClient() as anonymous:
            uploaded = await anonymous.put(cp.locations[asked["location"]], content=b"log",
                                           headers={"Content-Disposition": f'attachment; filename="{name}"'})
        download = await api.get(f"/api/v1/stations/{station.identity}/diagnostics/{asked['id']}/file/")
    assert uploaded.status_code == 201
    assert download.content == b"log"
    assert f'filename="{name[-100:]}"' in download.headers["content-disposition"]


async def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(small_server):
    tenant = make_tenant()
    async with api_client(small_server, tenant) as api:
        response = await api.post("/api/v1/stations/", content=b"{" + b" " * (200 * 1024) + b"}",
                                   headers={"Content-Type": "application/json"})
        fits = await api.post("/api/v1/stations/", json={"identity": "CP-BODY-OK"})
    assert response.status_code == 413
    assert fits.status_code == 201
