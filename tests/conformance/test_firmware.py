"""Firmware Management and the Security extension's log and signed-firmware cases: the charge
point plays its part over a real WebSocket (fetching and uploading files over HTTP); the central
system acts through our API."""

from ocpp.v16 import call

from tests.conformance.core_steps import answered
from tests.factories import api_client, eventually
from tests.test_firmware import IMAGE, boot_with, job_of, report, update, upload_firmware
from tests.test_firmware_uploads import request_diagnostics, request_log

DIAGNOSTICS = b"diagnostics of the charge point\n" * 64
SECURITY_LOG = b"2026-11-25T06:00:00Z SettingSystemTime\n"


async def answers(octt, action: str, count: int) -> list[dict]:
    """The central system's answers to the station's `count` CALLs of `action` in this case (the
    frame log is written in batches: wait for all of them)."""
    async def all_logged():
        found = await answered(octt, action)
        return found if len(found) >= count else None

    return await eventually(all_logged)


async def _firmware_fails(server, octt, *statuses: str) -> dict:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api))
        await report(cp, *statuses)
        job = await job_of(api, station, job)
    assert await answers(octt, "FirmwareStatusNotification", len(statuses)) == [{}] * len(statuses)
    return job


async def test_tc_044_1_firmware_update_download_and_install(server, octt):
    """Firmware Update – Download and Install"""
    tenant, station = octt.tenant, octt.station
    async with api_client(server, tenant) as api:
        firmware = await upload_firmware(api)
        async with octt.charge_point(server) as cp:
            job = await update(api, station, firmware)
            assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
            await report(cp, "Downloading", "Downloaded", "Installing")
        # The charge point reboots into the new firmware, then reports it installed.
        async with octt.charge_point(server, boot=False) as cp:
            await boot_with(cp, "2.0.0")
            await cp.status(0, "Available")
            await report(cp, "Installed")
            job = await job_of(api, station, job)
            shown = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert job["action"] == "UpdateFirmware" and job["state"] == "installed"
    assert [h["status"] for h in job["history"]] == ["Downloading", "Downloaded", "Installing", "Booted",
                                                     "Installed"]
    assert shown["firmware_version"] == "2.0.0"
    assert await answers(octt, "FirmwareStatusNotification", 4) == [{}] * 4


async def test_tc_044_2_firmware_update_download_failed(server, octt):
    """Firmware Update – Download Failed"""
    job = await _firmware_fails(server, octt, "Downloading", "DownloadFailed")
    assert job["state"] == "failed" and job["status"] == "DownloadFailed"


async def test_tc_044_3_firmware_update_installation_failed(server, octt):
    """Firmware Update – Installation Failed"""
    job = await _firmware_fails(server, octt, "Downloading", "Downloaded", "Installing", "InstallationFailed")
    assert job["state"] == "failed" and job["status"] == "InstallationFailed"


async def test_tc_045_1_get_diagnostics_of_a_charge_point(server, octt):
    """Get Diagnostics of a Charge Point"""
    tenant, station = octt.tenant, octt.station
    base = f"/api/v1/stations/{station.identity}/diagnostics"
    async with octt.charge_point(server) as cp, api_client(server, tenant) as api:
        asked = await request_diagnostics(api, station)
        await cp.call(call.DiagnosticsStatusNotification(status="Uploading"))
        assert await cp.upload(asked["location"], DIAGNOSTICS, asked["file_name"], method="POST") == 200
        await cp.call(call.DiagnosticsStatusNotification(status="Uploaded"))
        shown = (await api.get(f"{base}/{asked['id']}/")).json()
        received = await api.get(f"{base}/{asked['id']}/file/")
    assert asked["response"] == {"fileName": f"diagnostics-{station.identity}.log"}
    assert shown["status"] == "Uploaded" and shown["received"] is True
    assert received.content == DIAGNOSTICS
    assert await answers(octt, "DiagnosticsStatusNotification", 2) == [{}, {}]


async def test_tc_079_get_security_log(server, octt):
    """Get Security Log"""
    tenant, station = octt.tenant, octt.station
    base = f"/api/v1/stations/{station.identity}/logs"
    async with octt.charge_point(server) as cp, api_client(server, tenant) as api:
        asked = await request_log(api, station, "SecurityLog")
        await cp.call(call.LogStatusNotification(status="Uploading", request_id=asked["request_id"]))
        assert await cp.upload(asked["location"], SECURITY_LOG, asked["file_name"]) == 201
        await cp.call(call.LogStatusNotification(status="Uploaded", request_id=asked["request_id"]))
        shown = (await api.get(f"{base}/{asked['id']}/")).json()
        received = await api.get(f"{base}/{asked['id']}/file/")
    assert asked["request"]["logType"] == "SecurityLog" and asked["response"]["status"] == "Accepted"
    assert shown["status"] == "Uploaded" and received.content == SECURITY_LOG
    assert await answers(octt, "LogStatusNotification", 2) == [{}, {}]


async def test_tc_080_secure_firmware_update(server, octt):
    """Secure Firmware Update"""
    tenant, station = octt.tenant, octt.station
    async with api_client(server, tenant) as api:
        firmware = await upload_firmware(api, signed=True)
        async with octt.charge_point(server) as cp:
            job = await update(api, station, firmware)
            assert await eventually(lambda: cp.downloads.get(job["location"])) == IMAGE
            await report(cp, "Downloading", "Downloaded", "SignatureVerified", "Installing",
                         "InstallRebooting", request_id=job["request_id"])
        async with octt.charge_point(server, boot=False) as cp:
            await boot_with(cp, "2.0.0")
            await report(cp, "Installed", request_id=job["request_id"])
            job = await job_of(api, station, job)
    assert job["action"] == "SignedUpdateFirmware" and job["response"] == {"status": "Accepted"}
    assert job["request"]["firmware"]["signature"] == firmware["signature"]
    assert job["state"] == "installed" and job["status"] == "Installed"
    assert await answers(octt, "SignedFirmwareStatusNotification", 6) == [{}] * 6


async def test_tc_081_secure_firmware_update_invalid_signature(server, octt):
    """Secure Firmware Update – Invalid Signature"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, api_client(server, tenant) as api:
        job = await update(api, station, await upload_firmware(api, signed=True))
        await report(cp, "Downloading", "Downloaded", "InvalidSignature", request_id=job["request_id"])
        job = await job_of(api, station, job)
    assert job["state"] == "failed" and job["status"] == "InvalidSignature"
    assert await answers(octt, "SignedFirmwareStatusNotification", 3) == [{}] * 3
