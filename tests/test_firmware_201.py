"""Firmware and log uploads on an OCPP 2.0.1 station over a real WebSocket: the diagnostics
and log endpoints send GetLog (DiagnosticsLog / SecurityLog) in 2.0.1's words, the station's
LogStatusNotification and FirmwareStatusNotification land on the request with their requestId,
and both are accepted when triggered (F_15, F_18; docs/file-transfer.md)."""

import asyncio

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.firmware.models import UploadRequest
from stations.models import OcppMessage
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant


class Uploading(SimulatedChargePoint201):
    """Accepts GetLog, names its file and reports the upload."""

    @on(Action.get_log)
    async def on_get_log(self, log, log_type, request_id, **kwargs):
        self.received.append(("GetLog", {"log_type": log_type, "request_id": request_id,
                                         "remote_location": log["remote_location"]}))

        async def report():
            for status in ("Uploading", "Uploaded"):
                await self.call(call.LogStatusNotification(status=status, request_id=request_id))
        self.soon(report)
        return call_result.GetLog(status="Accepted", filename=f"{log_type}.zip")


async def test_diagnostics_and_logs_go_out_as_get_log_and_their_status_comes_back(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Uploading) as cp, \
            api_client(server, tenant) as api:
        diagnostics = await api.post(f"/api/v1/stations/{station.identity}/diagnostics/", json={})
        await cp.settle()
        security = await api.post(f"/api/v1/stations/{station.identity}/logs/",
                                  json={"log_type": "SecurityLog"})
        await cp.settle()
    assert diagnostics.status_code == 201 and security.status_code == 201, diagnostics.text
    sent = [payload for action, payload in cp.received if action == "GetLog"]
    assert [(s["log_type"], s["request_id"]) for s in sent] == [
        ("DiagnosticsLog", diagnostics.json()["request_id"]),
        ("SecurityLog", security.json()["request_id"])]
    for created, kind, name in ((diagnostics, UploadRequest.DIAGNOSTICS, "DiagnosticsLog.zip"),
                                (security, UploadRequest.LOG, "SecurityLog.zip")):
        row = await eventually(lambda kind=kind: UploadRequest.objects.filter(
            station=station, kind=kind, status="Uploaded").first())
        assert (row.request_id, row.file_name) == (created.json()["request_id"], name)


async def test_a_triggered_log_or_firmware_status_is_accepted(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answers = [await api.post(f"/api/v1/stations/{station.identity}/trigger/",
                                  json={"requested_message": message})
                   for message in ("LogStatusNotification", "FirmwareStatusNotification")]
        await cp.settle()
        await asyncio.sleep(0.2)
    assert [a.json()["status"] for a in answers] == ["Accepted", "Accepted"]
    for action in ("LogStatusNotification", "FirmwareStatusNotification"):
        await eventually(lambda action=action: OcppMessage.objects.filter(
            station=station, direction="in", action=action).exists())
    assert not await asyncio.to_thread(lambda: OcppMessage.objects.filter(
        station=station, message_type=4).exists())  # no CALLERROR either way
