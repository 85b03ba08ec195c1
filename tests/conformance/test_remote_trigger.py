"""OCPP 1.6 Remote Trigger conformance (OCA test cases): the central system asks for a message
through POST /api/v1/stations/<identity>/trigger/; the station answers, then sends it, and the
central system handles what it sent."""

import asyncio

import pytest

from stations.models import MeterSample, Station
from stations.ocpp.registry import handler_of
from stations.simulator import SecureChargePoint
from tests.conformance.core_steps import answered, frames
from tests.factories import api_client, eventually

# requested message -> the CALL the station sends for it
TRIGGERED = {
    ("BootNotification", False): "BootNotification",
    ("DiagnosticsStatusNotification", False): "DiagnosticsStatusNotification",
    ("FirmwareStatusNotification", False): "FirmwareStatusNotification",
    ("Heartbeat", False): "Heartbeat",
    ("MeterValues", False): "MeterValues",
    ("StatusNotification", False): "StatusNotification",
    ("Heartbeat", True): "Heartbeat",
    ("StatusNotification", True): "StatusNotification",
    ("LogStatusNotification", True): "LogStatusNotification",
    ("FirmwareStatusNotification", True): "SignedFirmwareStatusNotification",
}
# The Security-extension notifications are handled once their feature is in (stations/ocpp/registry.py).
CASES = [(message, extended) for (message, extended), sent in TRIGGERED.items()
         if handler_of("1.6", sent) is not None]


async def _trigger(api, station, body: dict) -> dict:
    response = await api.post(f"/api/v1/stations/{station.identity}/trigger/", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def _answers(octt, action: str, count: int) -> list[dict] | None:
    answers = await answered(octt, action)
    return answers if len(answers) == count else None


@pytest.mark.parametrize(("requested_message", "extended"), CASES,
                         ids=[f"{m}{'-extended' if e else ''}" for m, e in CASES])
async def test_tc_054_trigger_message(server, octt, requested_message, extended):
    """Trigger Message"""
    tenant, station = octt.tenant, octt.station
    sent = TRIGGERED[(requested_message, extended)]
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        body = {"requested_message": requested_message, "extended": extended}
        if requested_message in ("MeterValues", "StatusNotification"):
            body["connector_id"] = 1
        result = await _trigger(api, station, body)
        # The station booted and reported its connectors 0 and 1 itself first; then the triggered
        # message.
        expected = {"BootNotification": 2, "StatusNotification": 3}.get(sent, 1)
        answers = await eventually(lambda: _answers(octt, sent, expected))
        answer = answers[-1]
        if sent == "StatusNotification":
            await eventually(lambda: station.status_events.filter(
                received_at__gte=octt.began).count() == 3)
    assert result == {"action": "ExtendedTriggerMessage" if extended else "TriggerMessage",
                      "requested_message": requested_message, "connector_id": body.get("connector_id"),
                      "status": "Accepted"}
    assert cp.triggered == [requested_message]
    if sent == "BootNotification":
        assert answer["status"] == "Accepted" and answer["interval"] > 0
    elif sent == "Heartbeat":
        assert "currentTime" in answer
    else:
        assert answer == {}
    if sent == "MeterValues":
        await eventually(lambda: MeterSample.objects.filter(station=station, connector_id=1,
                                                             received_at__gte=octt.began).exists())
    if sent == "DiagnosticsStatusNotification":
        assert Station.objects.get(pk=station.pk).diagnostics_status == "Idle"
    if sent == "FirmwareStatusNotification":
        assert Station.objects.get(pk=station.pk).firmware_status == "Idle"


async def test_tc_055_trigger_message_rejected(server, octt):
    """Trigger Message – Rejected"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        rejected = await _trigger(api, station, {"requested_message": "MeterValues",
                                                 "connector_id": 5})
        not_implemented = await _trigger(api, station,
                                         {"requested_message": "SignChargePointCertificate"})
    assert rejected["status"] == "Rejected" and rejected["action"] == "TriggerMessage"
    assert not_implemented["status"] == "NotImplemented"
    assert not_implemented["action"] == "ExtendedTriggerMessage"
    assert cp.triggered == []
    assert not frames(octt, direction="in", action__in=["MeterValues", "SignCertificate"]).exists()


async def test_tc_054_trigger_message_sign_charge_point_certificate(server, octt):
    """Trigger Message"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=SecureChargePoint) as cp, \
            api_client(server, tenant) as api:
        result = await _trigger(api, station, {"requested_message": "SignChargePointCertificate"})
        [answer] = await answered(octt, "SignCertificate")
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)  # the central system signed it
    assert (result["action"], result["status"]) == ("ExtendedTriggerMessage", "Accepted")
    assert answer == {"status": "Accepted"}
    assert "BEGIN CERTIFICATE" in cp.client_certificate
