"""Firmware files, UpdateFirmware / SignedUpdateFirmware jobs and rollouts through the API, in
process: uploads, the checks on files, signatures and requests, an update for a station not connected
(the station fetching its image end to end: tests/test_firmware.py)."""

import hashlib
import os

import pytest
from django.conf import settings

from stations.firmware.models import FirmwareFile, FirmwareJob
from stations.security import ca
from stations.simulator import SimulatedChargePoint
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

IMAGE = b"\x7fFIRMWARE v2.0.0\n" + bytes(range(256)) * 64
CERTIFICATE, _ = ca.new_ca("Firmware signer")
SIGNATURE = "MEUCIQDsimulatedsignature+/A"


def upload_firmware(api, version: str = "2.0.0", signed: bool = False, content: bytes = IMAGE) -> dict:
    data = {"name": "SIM-1 firmware", "version": version}
    if signed:
        data |= {"signing_certificate": CERTIFICATE, "signature": SIGNATURE}
    response = api.post("/api/v1/firmware/", data=data,
                        files={"file": (f"sim-{version}.bin", content, "application/octet-stream")})
    assert response.status_code == 201, response.text
    return response.json()


def history(job: dict) -> list[str]:
    return [entry["status"] for entry in job["history"]]


def test_an_operator_uploads_lists_reads_and_deletes_firmware_files():
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = upload_firmware(api)
        listed = (api.get("/api/v1/firmware/")).json()
        read = (api.get(f"/api/v1/firmware/{created['id']}/")).json()
        stored = FirmwareFile.objects.get(pk=created["id"]).file.path
        deleted = api.delete(f"/api/v1/firmware/{created['id']}/")
        gone = api.get(f"/api/v1/firmware/{created['id']}/")
    assert created["version"] == "2.0.0" and created["filename"] == "sim-2.0.0.bin"
    assert created["size"] == len(IMAGE) and created["sha256"] == hashlib.sha256(IMAGE).hexdigest()
    assert created["signed"] is False and "file" not in created
    assert listed["count"] == 1 and listed["results"][0]["id"] == created["id"]
    assert read == created
    assert stored.startswith(str(settings.MEDIA_ROOT))
    assert deleted.status_code == 204 and gone.status_code == 404 and not os.path.exists(stored)


def test_a_firmware_file_without_its_fields_or_with_half_a_signature_is_a_400():
    tenant = make_tenant()
    with api_client(tenant) as api:
        empty = api.post("/api/v1/firmware/", data={"name": "x"})
        half = api.post("/api/v1/firmware/", data={"name": "x", "version": "1",
                                                   "signature": SIGNATURE},
                        files={"file": ("a.bin", b"a")})
        not_pem = api.post("/api/v1/firmware/", data={"name": "x", "version": "1",
                                                      "signature": SIGNATURE,
                                                      "signing_certificate": "hello"},
                           files={"file": ("a.bin", b"a")})
    assert empty.status_code == 400 and {"version", "file"} <= set(empty.json())
    assert half.status_code == 400 and "signature" in half.json()
    assert not_pem.status_code == 400 and "signing_certificate" in not_pem.json()


def test_a_signing_certificate_must_parse_and_the_signature_be_base64():
    tenant = make_tenant()
    with api_client(tenant) as api:
        def post(certificate: str, signature: str):
            return api.post("/api/v1/firmware/", files={"file": ("a.bin", b"a")}, data={
                "name": "x", "version": "1", "signing_certificate": certificate, "signature": signature})

        garbage = post("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
                       SIGNATURE)
        not_base64 = post(CERTIFICATE, "not base64!")
        listed = (api.get("/api/v1/firmware/")).json()
    assert garbage.status_code == 400 and "signing_certificate" in garbage.json()
    assert not_base64.status_code == 400 and "signature" in not_base64.json()
    assert listed["count"] == 0


class CertificateRejectingStation(SimulatedChargePoint):
    firmware_answer = "InvalidCertificate"


def test_an_update_for_a_station_not_connected_is_a_409_and_the_job_is_kept():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        firmware = upload_firmware(api)
        response = api.post(f"/api/v1/stations/{station.identity}/firmware/",
                            json={"firmware": firmware["id"]})
        jobs = (api.get(f"/api/v1/stations/{station.identity}/firmware/")).json()
        in_use = api.delete(f"/api/v1/firmware/{firmware['id']}/")
    assert response.status_code == 409 and response.json()["id"] == jobs["results"][0]["id"]
    assert jobs["count"] == 1 and jobs["results"][0]["state"] == "failed"
    assert jobs["results"][0]["error"]["status_code"] == 409
    assert in_use.status_code == 409


def test_bad_update_requests_are_a_400():
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/firmware/"
    with api_client(tenant) as api, api_client(other) as outsider:
        unsigned = upload_firmware(api)
        foreign = upload_firmware(outsider)
        missing = api.post(url, json={})
        unknown = api.post(url, json={"firmware": 999999})
        theirs = api.post(url, json={"firmware": foreign["id"]})
        not_signed = api.post(url, json={"firmware": unsigned["id"], "signed": True})
        negative = api.post(url, json={"firmware": unsigned["id"], "retries": -1,
                                       "retrieve_date": "soon"})
    assert missing.status_code == 400 and "firmware" in missing.json()
    assert unknown.status_code == 400 and theirs.status_code == 400 and "firmware" in theirs.json()
    assert not_signed.status_code == 400 and "signed" in not_signed.json()
    assert negative.status_code == 400 and {"retries", "retrieve_date"} <= set(negative.json())
    assert not FirmwareJob.objects.filter(station=station).exists()


def test_a_rollout_to_all_stations_or_with_bad_input():
    tenant = make_tenant()
    make_station(tenant), make_station(tenant)
    with api_client(tenant) as api:
        firmware = upload_firmware(api)
        everyone = api.post("/api/v1/firmware/rollouts/", json={"firmware": firmware["id"],
                                                                "all": True})
        neither = api.post("/api/v1/firmware/rollouts/", json={"firmware": firmware["id"]})
        unknown = api.post("/api/v1/firmware/rollouts/", json={"firmware": firmware["id"],
                                                               "stations": ["NOPE"]})
        listed = (api.get("/api/v1/firmware/rollouts/")).json()
    assert everyone.status_code == 201 and everyone.json()["progress"]["states"]["pending"] == 2
    assert neither.status_code == 400 and "stations" in neither.json()
    assert unknown.status_code == 400 and unknown.json()["stations"] == ["Unknown station: NOPE"]
    assert listed["count"] == 1
