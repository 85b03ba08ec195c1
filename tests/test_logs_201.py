"""Log uploads of an OCPP 2.0.1 station over a real WebSocket (N01), beyond the OCA cases
(tests/conformance/v201/test_n_logs.py): a DiagnosticsLog the station rejects, a newer GetLog the
station cancels the older for with no status notification, a triggered Idle that is about no
request, a station gone silent mid-upload (the stall check), the raw commands/ endpoint refusing
GetLog and CustomerInformation; and a Hypothesis property of the request over any status history."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from stations.firmware.models import JobFailure, UploadRequest
from stations.firmware.services.stalls import jobs_fail_stalled
from stations.firmware.services.uploads import FAILURE_STATUSES, upload_status_record
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant

STATUSES = ["BadMessage", "Idle", "NotSupportedOperation", "PermissionDenied", "Uploaded",
            "UploadFailure", "Uploading", "AcceptedCanceled"]


async def request_log(api, station, log_type: str = "DiagnosticsLog") -> dict:
    response = await api.post(f"/api/v1/stations/{station.identity}/logs/", json={"log_type": log_type})
    assert response.status_code == 201, response.text
    return response.json()


class Refusing(SimulatedChargePoint201):
    log_answer = "Rejected"


async def test_a_diagnostics_log_the_station_rejects_ends_its_request(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Refusing), \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/diagnostics/", json={})
    body = response.json()
    assert (body["kind"], body["action"], body["request"]["logType"]) == ("diagnostics", "GetLog",
                                                                          "DiagnosticsLog")
    assert (body["state"], body["status"]) == ("rejected", "Rejected")


class SilentCanceller(SimulatedChargePoint201):
    """Answers a GetLog during an upload AcceptedCanceled but never reports the older one."""

    async def log_status(self, status: str, request_id: int | None = None) -> None:
        if status != "AcceptedCanceled":
            await super().log_status(status, request_id)


async def test_accepted_canceled_alone_ends_the_older_request_of_either_kind(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=SilentCanceller) as cp, \
            api_client(server, tenant) as api:
        older = await request_log(api, station, "SecurityLog")
        await cp.log_status("Uploading", older["request_id"])
        newer = (await api.post(f"/api/v1/stations/{station.identity}/diagnostics/", json={})).json()
        shown = (await api.get(f"/api/v1/stations/{station.identity}/logs/{older['id']}/")).json()
    assert newer["response"]["status"] == "AcceptedCanceled" and newer["state"] == "sent"
    assert (shown["state"], shown["failure"], shown["status"]) == ("cancelled", "superseded", "Uploading")
    assert shown["failure_reason"] == "The station cancelled it for a newer log request."


async def test_a_triggered_idle_without_request_id_is_about_no_request(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        asked = await request_log(api, station)
        await cp.log_status("Idle")
        await cp.log_status("Uploading", asked["request_id"])
        shown = (await api.get(f"/api/v1/stations/{station.identity}/logs/{asked['id']}/")).json()
    assert [h["status"] for h in shown["history"]] == ["Uploading"]


async def test_a_station_silent_mid_upload_fails_its_request_at_the_stall_check(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        asked = await request_log(api, station, "SecurityLog")
        await cp.log_status("Uploading", asked["request_id"])
        await eventually(lambda: UploadRequest.objects.filter(pk=asked["id"], status="Uploading").exists())
        later = timezone.now() + timedelta(seconds=settings.OCPP_UPLOAD_STALL_SECONDS + 1)
        failed = jobs_fail_stalled(now=later)
        shown = (await api.get(f"/api/v1/stations/{station.identity}/logs/{asked['id']}/")).json()
    assert failed >= 1 and (shown["state"], shown["failure"]) == ("failed", "stalled")
    assert shown["failure_reason"].endswith("after Uploading.")


async def test_the_raw_endpoint_refuses_get_log_and_customer_information(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/commands/"
    calls = [("GetLog", {"logType": "SecurityLog", "requestId": 1,
                         "log": {"remoteLocation": "https://logs.example/"}}),
             ("CustomerInformation", {"requestId": 1, "report": True, "clear": True,
                                      "customerIdentifier": "alice"})]
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answers = [await api.post(url, json={"action": action, "payload": payload})
                   for action, payload in calls]
    assert [a.status_code for a in answers] == [400, 400]
    assert "logs/" in answers[0].json()["action"][0]
    assert "customer-information/" in answers[1].json()["action"][0]
    assert not [a for a, _ in cp.received if a in ("GetLog", "CustomerInformation")]


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STATUSES), max_size=8))
def test_a_request_ends_at_its_first_failure_or_cancellation_and_keeps_every_status(database, statuses):
    station, _ = make_station(make_tenant())
    request = UploadRequest.objects.create(tenant_id=station.tenant_id, station=station, kind="log",
                                           log_type="SecurityLog", request_id=7, action="GetLog",
                                           state=UploadRequest.SENT, sent_at=timezone.now())
    for status in statuses:
        upload_status_record(station_id=station.pk, kind="log", status=status, request_id=7,
                             received_at=timezone.now())
    request.refresh_from_db()
    ending = next((s for s in statuses if s in FAILURE_STATUSES or s == "AcceptedCanceled"), None)
    expected = {None: (UploadRequest.SENT, ""), "AcceptedCanceled": (UploadRequest.CANCELLED,
                                                                     JobFailure.SUPERSEDED)}
    assert (request.state, request.failure) == expected.get(ending, (UploadRequest.FAILED,
                                                                     JobFailure.STATUS))
    assert [h["status"] for h in request.history] == statuses
    assert request.status == next((s for s in reversed(statuses) if s != "Idle"), "")
