"""The 2.0.1 words for the device model's requests (stations/ocpp/v201/commands.py, devmodel201's
section): GetVariables, SetVariables, GetBaseReport, GetReport valid under the 2.0.1 schemas,
answers read per attribute, and the 1.6 configuration keys the features use carried as the
variables of stations/ocpp/v201/configuration_keys.py (docs/domain-model.md). Pure."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS

RATE_UNIT = req.VariableRef(component="SmartChargingCtrlr", variable="RateUnit")
POWER_OF_EVSE_1 = req.VariableRef(component="EVSE", variable="Power", attribute_type="MaxSet",
                                  evse_id=1)


def _call(request) -> tuple[str, dict]:
    action, payload = v201.call_of(request)
    SCHEMAS.validate(action, payload)
    return action, payload


def test_get_variables_names_each_attribute_with_its_component_evse_and_instance():
    action, payload = _call(req.VariablesGet(items=(
        RATE_UNIT, POWER_OF_EVSE_1,
        req.VariableRef(component="DeviceDataCtrlr", variable="ItemsPerMessage",
                        variable_instance="GetVariables"))))
    assert action == "GetVariables"
    assert payload["getVariableData"] == [
        {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"},
         "attributeType": "Actual"},
        {"component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"},
         "attributeType": "MaxSet"},
        {"component": {"name": "DeviceDataCtrlr"},
         "variable": {"name": "ItemsPerMessage", "instance": "GetVariables"},
         "attributeType": "Actual"}]


def test_get_variables_answers_per_attribute_and_the_first_refusal_is_the_status():
    response = {"getVariableResult": [
        {"attributeStatus": "Accepted", "attributeValue": "A,W",
         "component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"}},
        {"attributeStatus": "UnknownVariable", "attributeType": "MaxSet",
         "attributeStatusInfo": {"reasonCode": "NoSuchVar", "additionalInfo": "not here"},
         "component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"}}]}
    SCHEMAS.validate("GetVariables", response, response=True)
    report = v201.result_of(req.VariablesGet(items=(RATE_UNIT, POWER_OF_EVSE_1)),
                            "GetVariables", response)
    assert isinstance(report, req.VariablesReport)
    assert report.status == "UnknownVariable"
    assert report.results == (
        req.VariableResult(variable=RATE_UNIT, status="Accepted", value="A,W"),
        req.VariableResult(variable=POWER_OF_EVSE_1, status="UnknownVariable",
                           status_info="NoSuchVar: not here"))


def test_set_variables_carries_each_value_and_its_result_the_value_given():
    setting = req.VariableSetting(variable=RATE_UNIT, value="W")
    action, payload = _call(req.VariablesSet(items=(setting,)))
    assert (action, payload) == ("SetVariables", {"setVariableData": [
        {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"},
         "attributeType": "Actual", "attributeValue": "W"}]})
    report = v201.result_of(req.VariablesSet(items=(setting,)), action, {"setVariableResult": [
        {"attributeStatus": "RebootRequired", "component": {"name": "SmartChargingCtrlr"},
         "variable": {"name": "RateUnit"}}]})
    assert isinstance(report, req.VariablesSetReport)
    assert report.status == "RebootRequired"
    assert report.results == (req.VariableResult(variable=RATE_UNIT, status="RebootRequired",
                                                 value="W"),)


@pytest.mark.parametrize("request_, expected", [
    (req.BaseReportGet(request_id=7, report_base="FullInventory"),
     ("GetBaseReport", {"requestId": 7, "reportBase": "FullInventory"})),
    (req.ReportGet(request_id=8, variables=(req.VariableRef(component="EVSE", evse_id=1),
                                            RATE_UNIT), criteria=("Problem",)),
     ("GetReport", {"requestId": 8, "componentCriteria": ["Problem"], "componentVariable": [
         {"component": {"name": "EVSE", "evse": {"id": 1}}},
         {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"}}]})),
    (req.ReportGet(request_id=9), ("GetReport", {"requestId": 9})),
])
def test_reports_are_asked_by_request_id(request_, expected):
    assert _call(request_) == expected


def test_a_16_key_is_read_as_its_201_variable_and_answered_in_16_words():
    request = req.ConfigurationGet(keys=("chargingScheduleAllowedChargingRateUnit", "Unheard"))
    assert _call(request) == ("GetVariables", {"getVariableData": [
        {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"},
         "attributeType": "Actual"}]})
    report = v201.result_of(request, "GetVariables", {"getVariableResult": [
        {"attributeStatus": "Accepted", "attributeValue": "A,W",
         "component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"}}]})
    assert report.keys == ({"key": "ChargingScheduleAllowedChargingRateUnit",
                            "value": "Current,Power", "readonly": False},)
    assert report.unknown == ("Unheard",)


def test_every_key_read_at_once_never_asks_for_the_password():
    _, payload = _call(req.ConfigurationGet())
    names = {(d["component"]["name"], d["variable"]["name"]) for d in payload["getVariableData"]}
    assert ("OCPPCommCtrlr", "HeartbeatInterval") in names
    assert ("SecurityCtrlr", "BasicAuthPassword") not in names


def test_a_16_key_is_set_as_its_201_variable_with_the_status_in_16_words():
    request = req.ConfigurationSet(key="ChargingScheduleAllowedChargingRateUnit", value="Power")
    assert _call(request) == ("SetVariables", {"setVariableData": [
        {"component": {"name": "SmartChargingCtrlr"}, "variable": {"name": "RateUnit"},
         "attributeType": "Actual", "attributeValue": "W"}]})
    for status, word in [("Accepted", "Accepted"), ("RebootRequired", "RebootRequired"),
                         ("Rejected", "Rejected"), ("UnknownVariable", "NotSupported")]:
        result = v201.result_of(request, "SetVariables", {"setVariableResult": [
            {"attributeStatus": status, "component": {"name": "SmartChargingCtrlr"},
             "variable": {"name": "RateUnit"}}]})
        assert result.status == word


def test_the_station_password_is_set_as_basic_auth_password():
    _, payload = _call(req.ConfigurationSet(key="AuthorizationKey", value="x" * 20))
    assert payload["setVariableData"][0]["component"] == {"name": "SecurityCtrlr"}
    assert payload["setVariableData"][0]["variable"] == {"name": "BasicAuthPassword"}


def test_a_16_key_without_a_201_variable_cannot_be_carried():
    with pytest.raises(ValueError):
        v201.call_of(req.ConfigurationSet(key="Unheard", value="1"))
    with pytest.raises(ValueError):
        v201.call_of(req.ConfigurationGet(keys=("Unheard",)))
