"""The tokens of firmware jobs and upload requests, in process: shown without the secret, checked
against their SHA-256 only; migration firmware 0003 hashes the tokens stored before in place (a job
sent to a station and its URL: tests/test_file_tokens.py)."""

import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.forms.models import model_to_dict

from stations.firmware import selectors, tokens
from stations.firmware.models import FirmwareFile, FirmwareJob, UploadRequest
from stations.models import OcppMessage
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db

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
