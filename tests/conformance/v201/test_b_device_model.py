"""OCA OCPP 2.0.1 conformance scenarios of block B, Provisioning: the device model. The central
system reads and sets variables (GetVariables, SetVariables, one result per attribute, split by
the station's DeviceDataCtrlr.ItemsPerMessage) and asks for base and custom reports whose
NotifyReport parts it answers and assembles, all through the device model's API
(stations/devicemodel/; docs/conformance.md, docs/domain-model.md)."""

from stations.models import DeviceReport, VariableAttribute
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import eventually

OFFLINE_THRESHOLD = {"component": "OCPPCommCtrlr", "variable": "OfflineThreshold"}
HEARTBEAT = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}
TX_UPDATED = {"component": "SampledDataCtrlr", "variable": "TxUpdatedInterval"}


def url(octt201, path: str) -> str:
    return f"/api/v1/stations/{octt201.station.identity}/device-model/{path}"


async def _post(api, octt201, path: str, body: dict) -> dict:
    response = await api.post(url(octt201, path), json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _calls(cp, action: str) -> list[dict]:
    return [payload for name, payload in cp.received if name == action]


def _stored(octt201, component: str, variable: str) -> str:
    return VariableAttribute.objects.get(
        variable__component__station=octt201.station, variable__component__name=component,
        variable__name=variable, variable__component__evse_id=None, type="Actual").value


async def _report(octt201, cp, api, body: dict) -> DeviceReport:
    """Ask for a report; wait until its every part came and was answered."""
    asked = await _post(api, octt201, "reports/", body)
    assert asked["status"] == "Accepted"
    report = await eventually(lambda: DeviceReport.objects.filter(
        station=octt201.station, request_id=asked["request_id"],
        completed_at__isnull=False).first())
    await cp.settle()
    sent = [part for part in cp.reports if part["requestId"] == asked["request_id"]]
    assert report.parts == len(sent) and sent[-1]["tbc"] is False
    return report


def _reported(cp, request_id: int) -> set[tuple]:
    return {(d["component"]["name"], d["variable"]["name"])
            for part in cp.reports if part["requestId"] == request_id
            for d in part["reportData"] or []}


async def test_tc_b_06_get_variables_single_value(server, octt201):
    """Get Variables – single value

    One GetVariables item; the station's value is the answer and is kept in the model."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "get/", {"variables": [OFFLINE_THRESHOLD]})
    assert [(r["status"], r["value"]) for r in answer["results"]] == [
        ("Accepted", cp.variable("OCPPCommCtrlr", "OfflineThreshold"))]
    assert len(_calls(cp, "GetVariables")[0]["get_variable_data"]) == 1
    assert _stored(octt201, "OCPPCommCtrlr", "OfflineThreshold") == answer["results"][0]["value"]


async def test_tc_b_07_get_variables_multiple_values(server, octt201):
    """Get Variables – multiple values

    Several items in one GetVariables, a result for each in the order asked."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "get/", {"variables": [
            OFFLINE_THRESHOLD, HEARTBEAT, TX_UPDATED]})
    assert [(r["variable"], r["status"]) for r in answer["results"]] == [
        ("OfflineThreshold", "Accepted"), ("HeartbeatInterval", "Accepted"),
        ("TxUpdatedInterval", "Accepted")]
    assert [len(c["get_variable_data"]) for c in _calls(cp, "GetVariables")] == [3]


class ThreeAtATime(SimulatedChargePoint201):
    items_per_message = 3


async def test_tc_b_08_get_variables_limit_to_maximum_number_of_values(server, octt201):
    """Get Variables – limit to maximum number of values

    The central system reads DeviceDataCtrlr.ItemsPerMessage[GetVariables], then never puts more
    items than that into one GetVariables: a longer request goes out in several."""
    limit = {"component": "DeviceDataCtrlr", "variable": "ItemsPerMessage",
             "variable_instance": "GetVariables"}
    wanted = [OFFLINE_THRESHOLD, HEARTBEAT, TX_UPDATED,
              {"component": "AlignedDataCtrlr", "variable": "Interval"},
              {"component": "TxCtrlr", "variable": "EVConnectionTimeOut"},
              {"component": "AuthCtrlr", "variable": "Enabled"},
              {"component": "SecurityCtrlr", "variable": "OrganizationName"}]
    async with octt201.charge_point(server, cls=ThreeAtATime) as cp, octt201.api(server) as api:
        said = await _post(api, octt201, "get/", {"variables": [limit]})
        answer = await _post(api, octt201, "get/", {"variables": wanted})
    assert said["results"][0]["value"] == "3"
    assert [len(c["get_variable_data"]) for c in _calls(cp, "GetVariables")] == [1, 3, 3, 1]
    assert [r["status"] for r in answer["results"]] == ["Accepted"] * len(wanted)


async def test_tc_b_09_set_variables_single_value(server, octt201):
    """Set Variables – single value

    One SetVariables item; Accepted, and the new value is the stored one."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "set/", {"variables": [
            OFFLINE_THRESHOLD | {"value": "120"}]})
    assert [(r["status"], r["value"]) for r in answer["results"]] == [("Accepted", "120")]
    assert cp.variable("OCPPCommCtrlr", "OfflineThreshold") == "120"
    assert _stored(octt201, "OCPPCommCtrlr", "OfflineThreshold") == "120"


async def test_tc_b_10_set_variables_multiple_values(server, octt201):
    """Set Variables – multiple values

    Several items in one SetVariables, a result for each; what the station refuses is shown as
    refused and not stored."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "set/", {"variables": [
            OFFLINE_THRESHOLD | {"value": "90"}, TX_UPDATED | {"value": "30"},
            {"component": "SecurityCtrlr", "variable": "SecurityProfile", "value": "3"}]})
    assert [(r["variable"], r["status"]) for r in answer["results"]] == [
        ("OfflineThreshold", "Accepted"), ("TxUpdatedInterval", "Accepted"),
        ("SecurityProfile", "Rejected")]
    assert answer["status"] == "Rejected"
    assert [len(c["set_variable_data"]) for c in _calls(cp, "SetVariables")] == [3]
    assert (cp.variable("OCPPCommCtrlr", "OfflineThreshold"),
            cp.variable("SampledDataCtrlr", "TxUpdatedInterval")) == ("90", "30")


async def test_tc_b_12_get_base_report_configurationinventory(server, octt201):
    """Get Base Report – ConfigurationInventory

    The station reports its configurable variables in NotifyReport parts; every part is
    answered and the report completes."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        report = await _report(octt201, cp, api, {"report_base": "ConfigurationInventory"})
    assert report.kind == "ConfigurationInventory"
    assert ("OCPPCommCtrlr", "HeartbeatInterval") in _reported(cp, report.request_id)
    assert ("SecurityCtrlr", "Identity") not in _reported(cp, report.request_id)  # read-only


async def test_tc_b_13_get_base_report_fullinventory(server, octt201):
    """Get Base Report – FullInventory

    Every component and variable, in several parts, assembled into the stored model."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        report = await _report(octt201, cp, api, {"report_base": "FullInventory"})
        model = (await api.get(url(octt201, ""), params={"limit": 500})).json()["results"]
    assert report.parts > 1
    stored = {(c["name"], v["name"]) for c in model for v in c["variables"]}
    assert _reported(cp, report.request_id) <= stored
    assert ("SecurityCtrlr", "Identity") in stored


async def test_tc_b_14_get_base_report_summaryinventory(server, octt201):
    """Get Base Report – SummaryInventory

    The station's summary (its components' availability) arrives and the report completes."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        report = await _report(octt201, cp, api, {"report_base": "SummaryInventory"})
        listed = (await api.get(url(octt201, "reports/"))).json()["results"]
    assert {variable for _, variable in _reported(cp, report.request_id)} == {"AvailabilityState"}
    mine = next(r for r in listed if r["request_id"] == report.request_id)
    assert (mine["kind"], mine["state"]) == ("SummaryInventory", "complete")


async def test_tc_b_18_get_custom_report_with_componentcriteria_and_component_variables(
        server, octt201):
    """Get Custom Report – with componentCriteria and component/variables

    A GetReport naming components and variables with a component criterion; the parts that
    answer it complete the report."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        report = await _report(octt201, cp, api, {
            "variables": [{"component": "EVSE", "evse_id": 1},
                          {"component": "ChargingStation", "variable": "AvailabilityState"}],
            "criteria": ["Available"]})
    asked = _calls(cp, "GetReport")[-1]
    assert asked["component_criteria"] == ["Available"]
    assert {c["component"]["name"] for c in asked["component_variable"]} == {
        "EVSE", "ChargingStation"}
    assert report.kind == "Custom"
    assert ("ChargingStation", "AvailabilityState") in _reported(cp, report.request_id)
