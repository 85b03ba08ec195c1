"""OCA OCPP 2.0.1 conformance scenarios of block N, Diagnostics: retrieving a station's logs (use
case N01). The central system sends GetLog through our API (`logs/`: DiagnosticsLog or
SecurityLog) with a one-time upload URL of ours; the station (the bundled simulator) answers,
reports its progress in LogStatusNotification and really uploads its file, which the API then
serves (docs/ocpp201.md "Logs", docs/file-transfer.md)."""

from stations.firmware.models import UploadRequest
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import eventually

LOG = b"2026-12-07T03:00:00Z boot\n2026-12-07T03:01:00Z heartbeat\n"


def url(octt201, rest: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/logs/{rest}"


async def request_log(api, octt201, log_type: str) -> dict:
    response = await api.post(url(octt201), json={"log_type": log_type})
    assert response.status_code == 201, response.text
    return response.json()


async def shown(api, octt201, asked: dict, status: str) -> dict:
    """The request as the API shows it, once its last status is `status`."""
    async def reached():
        body = (await api.get(url(octt201, f"{asked['id']}/"))).json()
        return body if body["status"] == status else None

    return await eventually(reached)


async def uploads_its_log(server, octt201, log_type: str) -> None:
    """GetLog Accepted, Uploading, the file, Uploaded; the operator downloads the file."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        asked = await request_log(api, octt201, log_type)
        await cp.log_status("Uploading", asked["request_id"])
        assert await cp.upload(asked["location"], LOG, f"{log_type}.log") == 201
        await cp.log_status("Uploaded", asked["request_id"])
        body = await shown(api, octt201, asked, "Uploaded")
        download = await api.get(url(octt201, f"{asked['id']}/file/"))
    [sent] = [payload for action, payload in cp.received if action == "GetLog"]
    assert (sent["log_type"], sent["request_id"]) == (log_type, asked["request_id"])
    assert asked["response"]["status"] == "Accepted" and asked["log_type"] == log_type
    assert [h["status"] for h in body["history"]] == ["Uploading", "Uploaded"]
    assert body["state"] == "sent" and body["received"] and download.content == LOG


async def test_tc_n_25_retrieve_log_information_diagnostics_log_success(server, octt201):
    """Retrieve Log Information – Diagnostics Log – Success"""
    await uploads_its_log(server, octt201, "DiagnosticsLog")


class Refusing(SimulatedChargePoint201):
    log_answer = "Rejected"


async def test_tc_n_34_retrieve_log_information_rejected(server, octt201):
    """Retrieve Log Information – Rejected

    The station's Rejected ends the request: its upload URL takes no file."""
    async with octt201.charge_point(server, cls=Refusing) as cp, octt201.api(server) as api:
        asked = await request_log(api, octt201, "DiagnosticsLog")
        status = await cp.upload(asked["location"], LOG, "late.log")
    assert (asked["state"], asked["status"]) == ("rejected", "Rejected")
    assert asked["failure_reason"] == "The station answered Rejected."
    assert status == 404


async def test_tc_n_35_retrieve_log_information_security_log_success(server, octt201):
    """Retrieve Log Information – Security Log – Success"""
    await uploads_its_log(server, octt201, "SecurityLog")


async def test_tc_n_36_retrieve_log_information_second_request(server, octt201):
    """Retrieve Log Information – Second Request

    A second GetLog while the first uploads: the station answers AcceptedCanceled and reports
    the first AcceptedCanceled; the first request ends as cancelled, the second uploads."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        first = await request_log(api, octt201, "DiagnosticsLog")
        await cp.log_status("Uploading", first["request_id"])
        second = await request_log(api, octt201, "DiagnosticsLog")
        cancelled = await shown(api, octt201, first, "AcceptedCanceled")
        await cp.log_status("Uploading", second["request_id"])
        assert await cp.upload(second["location"], LOG, "second.log") == 201
        await cp.log_status("Uploaded", second["request_id"])
        done = await shown(api, octt201, second, "Uploaded")
        late = await cp.upload(first["location"], LOG, "first.log")
    assert second["response"]["status"] == "AcceptedCanceled" and second["state"] == "sent"
    assert (cancelled["state"], cancelled["failure"]) == (UploadRequest.CANCELLED, "superseded")
    assert [h["status"] for h in cancelled["history"]] == ["Uploading", "AcceptedCanceled"]
    assert done["received"] and late == 404
