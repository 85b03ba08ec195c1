"""The tokens of firmware jobs and upload requests: made when the job is sent, kept only as their
SHA-256, shown without the secret (API, admin, frame log), checked in constant time; migration
firmware 0003 hashes the tokens stored before in place."""

import hashlib
import importlib
import json

import httpx
from django.apps import apps
from django.forms.models import model_to_dict

from stations.firmware import selectors, tokens
from stations.firmware.models import FirmwareFile, FirmwareJob, UploadRequest
from stations.firmware.services.firmware import firmware_job_create
from stations.models import OcppMessage
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.test_admin import admin_session, make_user
from tests.test_firmware import IMAGE, update, upload_firmware
from tests.test_firmware_uploads import request_diagnostics, request_log

TOKEN = "R-94D2r1GtRz4083AaaryFla-H8Nd4gjwt3V-n9qaIc"
HTTP_FIRMWARE = f"https://cpms.example/ocpp-files/firmware/{TOKEN}/sim-2.0.0.bin"
HTTP_UPLOAD = f"https://cpms.example/base/ocpp-files/upload/{TOKEN}/"
FTP_UPLOAD = f"ftp://diagnostics-7:{TOKEN}@ftp.example:2121/"

migration = importlib.import_module("stations.firmware.migrations.0003_token_hash")


def test_a_location_is_shown_with_the_first_characters_of_its_token_only():
    assert tokens.location_without_token(HTTP_FIRMWARE) == \
        "https://cpms.example/ocpp-files/firmware/R-94D2…/sim-2.0.0.bin"
    assert tokens.location_without_token(HTTP_UPLOAD) == "https://cpms.example/base/ocpp-files/upload/R-94D2…/"
    assert tokens.location_without_token(FTP_UPLOAD) == "ftp://diagnostics-7:R-94D2…@ftp.example:2121/"
    shown = tokens.location_without_token(HTTP_FIRMWARE)
    assert tokens.location_without_token(shown) == shown
    elsewhere = "https://elsewhere.example/fw.bin"
    assert tokens.location_without_token(elsewhere) == elsewhere


def test_the_payloads_carrying_a_location_lose_the_token_and_others_are_untouched():
    shown = tokens.location_without_token(HTTP_UPLOAD)
    assert tokens.payload_without_token("GetDiagnostics", {"location": HTTP_UPLOAD, "retries": 2}) == \
        {"location": shown, "retries": 2}
    get_log = {"logType": "SecurityLog", "log": {"remoteLocation": HTTP_UPLOAD}}
    assert tokens.payload_without_token("GetLog", get_log) == \
        {"logType": "SecurityLog", "log": {"remoteLocation": shown}}
    assert tokens.payload_without_token("SignedUpdateFirmware", {"firmware": {"location": HTTP_UPLOAD}}) == \
        {"firmware": {"location": shown}}
    other = {"location": HTTP_UPLOAD}
    assert tokens.payload_without_token("DataTransfer", other) == other


def test_a_token_matches_its_hash_only():
    stored = hashlib.sha256(TOKEN.encode()).hexdigest()
    assert tokens.token_hash(TOKEN) == stored and tokens.token_matches(TOKEN, stored)
    assert not tokens.token_matches(TOKEN[:-1] + "x", stored)
    assert not tokens.token_matches(TOKEN, None) and not tokens.token_matches(TOKEN, "")


def stored_text(row) -> str:
    return json.dumps(model_to_dict(row), default=str)


async def out_frames(station, action: str) -> list[dict] | None:
    frames = [m.payload for m in OcppMessage.objects.filter(station=station, direction="out", action=action)]
    return frames or None


async def sent_jobs(api, cp, station, request=request_diagnostics) -> tuple[dict, dict, str, str]:
    """A firmware job and an upload request as the API shows them, and their locations as sent."""
    job = await update(api, station, await upload_firmware(api))
    asked = await request(api, station)
    return job, asked, cp.locations[job["location"]], cp.locations[asked["location"]]


def token_of(location: str) -> str:
    return location.split("/")[-2]


async def test_a_sent_job_keeps_only_the_hash_of_its_token_and_shows_none(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job, asked, sent_firmware, sent_upload = await sent_jobs(api, cp, station)
        assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
        frames = [await eventually(lambda a=a: out_frames(station, a))
                  for a in ("UpdateFirmware", "GetDiagnostics")]
        async with admin_session(server, make_user(superuser=True)) as admin:
            admin_page = (await admin.get(f"/admin/firmware/firmwarejob/{job['id']}/change/")).text
            listed = (await api.get(f"/api/v1/stations/{station.identity}/firmware/")).text
    firmware_token, upload_token = token_of(sent_firmware), token_of(sent_upload)
    job_row, upload_row = FirmwareJob.objects.get(pk=job["id"]), UploadRequest.objects.get(pk=asked["id"])
    assert job_row.token_hash == hashlib.sha256(firmware_token.encode()).hexdigest()
    assert upload_row.token_hash == hashlib.sha256(upload_token.encode()).hexdigest()
    for token, shown in ((firmware_token, (job_row, job, listed, admin_page, frames[0])),
                         (upload_token, (upload_row, asked, frames[1]))):
        assert not any(token in (stored_text(s) if hasattr(s, "pk") else json.dumps(s)) for s in shown)
    assert job["location"] == tokens.location_without_token(sent_firmware) == frames[0][0]["location"]
    assert asked["request"]["location"] == tokens.location_without_token(sent_upload)


def other_than(token: str) -> str:
    """The token with its first character changed."""
    return ("B" if token[0] == "A" else "A") + token[1:]


async def test_a_wrong_or_shown_token_is_refused(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        job, asked, sent_firmware, sent_upload = await sent_jobs(api, cp, station, request_log)
        firmware_token, upload_token = token_of(sent_firmware), token_of(sent_upload)
        async with httpx.AsyncClient() as anonymous:
            answers = [
                (await anonymous.get(sent_firmware.replace(firmware_token,
                                                           other_than(firmware_token)))).status_code,
                (await anonymous.get(job["location"])).status_code,
                (await anonymous.put(sent_upload.replace(upload_token, other_than(upload_token)),
                                     content=b"x")).status_code,
                (await anonymous.put(asked["location"], content=b"x")).status_code,
            ]
            right = (await anonymous.get(sent_firmware)).status_code
    assert answers == [404] * 4 and right == 200


async def test_a_job_sent_later_gets_its_token_when_it_is_sent(server):
    """A job waiting for its station (a rollout's, or one stored before the tokens were hashed)
    holds no token anyone knows: it gets a new one when it goes out."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api:
        firmware = FirmwareFile.objects.get(pk=(await upload_firmware(api))["id"])
    waiting = firmware_job_create(station=station, firmware=firmware)
    assert waiting.token_hash is None and waiting.location.endswith("/ocpp-files/firmware/…/sim-2.0.0.bin")
    FirmwareJob.objects.filter(pk=waiting.pk).update(token_hash=tokens.token_hash(TOKEN))  # as migrated
    async with charge_point(server, tenant, station, password) as cp:  # its boot sends the job
        assert await eventually(lambda: list(cp.downloads.values())) == [IMAGE]
    [sent] = cp.locations.values()
    token = token_of(sent)
    assert token != TOKEN
    assert FirmwareJob.objects.get(pk=waiting.pk).token_hash == tokens.token_hash(token)


def test_the_migration_hashes_stored_tokens_in_place_and_their_urls_keep_working():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    firmware = FirmwareFile.objects.create(tenant=tenant, name="fw", version="2", file="firmware/x/fw.bin")
    ftp_token = "F" * 43
    job = FirmwareJob.objects.create(
        tenant=tenant, station=station, firmware=firmware, token_hash=TOKEN, state="sent",
        location=HTTP_FIRMWARE, action="UpdateFirmware", retrieve_date="2026-12-01T00:00:00Z",
        request={"location": HTTP_FIRMWARE, "retrieveDate": "2026-12-01T00:00:00Z"})
    upload = UploadRequest.objects.create(
        tenant=tenant, station=station, kind="diagnostics", token_hash=ftp_token, state="sent",
        location=FTP_UPLOAD.replace(TOKEN, ftp_token), action="GetDiagnostics",
        request={"location": FTP_UPLOAD.replace(TOKEN, ftp_token)})
    frame = OcppMessage.objects.create(
        tenant=tenant, station=station, direction="out", message_type=2, action="UpdateFirmware",
        unique_id="u1", payload={"location": HTTP_FIRMWARE}, created_at="2026-12-01T00:00:00Z")

    migration.hash_tokens(apps, None)
    migration.hash_tokens(apps, None)  # a hash is not hashed again

    job.refresh_from_db(), upload.refresh_from_db(), frame.refresh_from_db()
    assert job.token_hash == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert upload.token_hash == hashlib.sha256(ftp_token.encode()).hexdigest()
    assert job.location == job.request["location"] == frame.payload["location"] == \
        "https://cpms.example/ocpp-files/firmware/R-94D2…/sim-2.0.0.bin"
    assert upload.location == upload.request["location"] == "ftp://diagnostics-7:FFFFFF…@ftp.example:2121/"
    assert not any(t in stored_text(r) for t in (TOKEN, ftp_token) for r in (job, upload))
    assert TOKEN not in json.dumps(frame.payload)
    assert selectors.firmware_job_by_token(TOKEN) == job  # the URL the station holds still works
