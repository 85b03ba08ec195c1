"""The tokens of firmware jobs and upload requests: made when the job is sent, kept only as their
SHA-256, shown without the secret (API, admin, frame log), checked in constant time (shown locations,
hashes and migration firmware 0003 without a station: tests/fast/stations/firmware/test_file_tokens.py)."""

import hashlib
import importlib
import json

import httpx

from stations.firmware import tokens
from stations.firmware.models import FirmwareFile, FirmwareJob, UploadRequest
from stations.firmware.services.firmware import firmware_job_create
from stations.models import OcppMessage
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.fast.stations.firmware.test_file_tokens import (
    TOKEN,
    stored_text,
)
from tests.test_admin import admin_session, make_user
from tests.test_firmware import IMAGE, update, upload_firmware
from tests.test_firmware_uploads import request_diagnostics, request_log

migration = importlib.import_module("stations.firmware.migrations.0003_token_hash")


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
