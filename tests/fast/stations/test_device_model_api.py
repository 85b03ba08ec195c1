"""The device model's API without a station (stations/devicemodel/): what a request must name,
a 1.6 station and an unconnected one refused, another tenant's station a 404, and the services'
splitting of GetVariables/SetVariables by the station's ItemsPerMessage with a fake station
(a real one: tests/test_device_model_201.py; docs/api.md)."""

import json

import pytest
from asgiref.sync import async_to_sync

from stations.commands import requests as req
from stations.devicemodel import services
from stations.models import DeviceReport, Station
from stations.ocpp.v201 import commands as v201
from stations.services.device_model import ReportedVariable, device_model_record
from tests.factories import make_station
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db
HEARTBEAT = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}


@pytest.fixture
def station(tenant) -> Station:
    station = make_station(tenant)[0]
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    station.refresh_from_db()
    return station


def url(station, path: str) -> str:
    return f"/api/v1/stations/{station.identity}/device-model/{path}"


def test_another_tenants_station_is_a_404_on_every_endpoint(station, other_tenant):
    with api_client(other_tenant) as api:
        assert api.get(url(station, "reports/")).status_code == 404
        assert api.post(url(station, "reports/"),
                        json={"report_base": "FullInventory"}).status_code == 404
        assert api.post(url(station, "get/"), json={"variables": [HEARTBEAT]}).status_code == 404
        assert api.post(url(station, "set/"),
                        json={"variables": [HEARTBEAT | {"value": "60"}]}).status_code == 404
        assert api.get(url(station, "")).status_code == 404


@pytest.mark.parametrize("path, body", [
    ("reports/", {}),
    ("reports/", {"report_base": "FullInventory", "criteria": ["Problem"]}),
    ("reports/", {"report_base": "Everything"}),
    ("reports/", {"criteria": ["Broken"]}),
    ("get/", {"variables": []}),
    ("get/", {"variables": [HEARTBEAT | {"attribute_type": "Wished"}]}),
    ("get/", {"variables": [HEARTBEAT | {"connector_id": 1}]}),
    ("get/", {"variables": [{"component": "x" * 51, "variable": "v"}]}),
    ("set/", {"variables": [HEARTBEAT]}),
    ("set/", {"variables": [HEARTBEAT | {"value": "v" * 1001}]}),
])
def test_a_request_that_names_nothing_sendable_is_a_400(tenant, station, path, body):
    with api_client(tenant) as api:
        assert api.post(url(station, path), json=body).status_code == 400
    assert not DeviceReport.objects.exists()


def test_a_16_station_has_no_device_model_messages(tenant):
    station = make_station(tenant)[0]
    with api_client(tenant) as api:
        assert api.post(url(station, "reports/"),
                        json={"report_base": "FullInventory"}).status_code == 400
        assert api.post(url(station, "get/"), json={"variables": [HEARTBEAT]}).status_code == 400
    assert not DeviceReport.objects.exists()


def test_a_station_not_connected_is_a_409_and_leaves_no_report(tenant, station):
    with api_client(tenant) as api:
        assert api.post(url(station, "reports/"),
                        json={"report_base": "FullInventory"}).status_code == 409
        assert api.post(url(station, "set/"),
                        json={"variables": [HEARTBEAT | {"value": "60"}]}).status_code == 409
        assert api.get(url(station, "reports/")).json()["results"] == []
    assert not DeviceReport.objects.exists()


class FakeStation:
    """Answers each GetVariables/SetVariables item Accepted, and remembers the CALLs."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    async def __call__(self, station, request, *, timeout=None):
        action, payload = v201.call_of(request)
        self.calls.append((action, payload))
        key = "getVariableData" if action == "GetVariables" else "setVariableData"
        results = [{"attributeStatus": "Accepted", "component": item["component"],
                    "variable": item["variable"], "attributeValue": "1"}
                   for item in payload[key]]
        if action == "SetVariables":
            results = [{k: v for k, v in r.items() if k != "attributeValue"} for r in results]
        answer = {("getVariableResult" if action == "GetVariables" else "setVariableResult"):
                  results}
        return v201.result_of(request, action, answer)


def test_more_variables_than_the_station_takes_go_in_several_calls(station, monkeypatch):
    fake = FakeStation()
    monkeypatch.setattr(services, "command_run", fake)
    device_model_record(station_id=station.pk, source="report", reported=[
        ReportedVariable("DeviceDataCtrlr", "ItemsPerMessage", "2", variable_instance="GetVariables",
                         mutability="ReadOnly"),
        ReportedVariable("DeviceDataCtrlr", "ItemsPerMessage", "3", variable_instance="SetVariables",
                         mutability="ReadOnly")])
    refs = tuple(req.VariableRef(component="C", variable=f"V{n}") for n in range(5))
    report = async_to_sync(services.variables_get)(station=station, items=refs)
    assert [len(p["getVariableData"]) for _, p in fake.calls] == [2, 2, 1]
    assert [r.variable for r in report.results] == list(refs)
    assert report.status == "Accepted"
    fake.calls.clear()
    report = async_to_sync(services.variables_set)(station=station, items=tuple(
        req.VariableSetting(variable=ref, value=str(n)) for n, ref in enumerate(refs)))
    assert [len(p["setVariableData"]) for _, p in fake.calls] == [3, 2]
    assert [r.value for r in report.results] == ["0", "1", "2", "3", "4"]


def test_a_station_that_never_said_its_limit_gets_one_call(station, monkeypatch):
    fake = FakeStation()
    monkeypatch.setattr(services, "command_run", fake)
    refs = tuple(req.VariableRef(component="C", variable=f"V{n}") for n in range(30))
    async_to_sync(services.variables_get)(station=station, items=refs)
    assert len(fake.calls) == 1


def test_the_model_is_listed_narrowed_by_component_and_evse(tenant, station):
    device_model_record(station_id=station.pk, source="report", reported=[
        ReportedVariable("EVSE", "Power", "22000", evse_id=1),
        ReportedVariable("EVSE", "Power", "11000", evse_id=2),
        ReportedVariable("OCPPCommCtrlr", "HeartbeatInterval", "300")])
    with api_client(tenant) as api:
        every = api.get(url(station, "")).json()["results"]
        evse_2 = api.get(url(station, ""), params={"name": "EVSE", "evse_id": 2}).json()["results"]
    assert len(every) == 3
    assert [(c["name"], c["evse_id"], c["variables"][0]["attributes"][0]["value"])
            for c in evse_2] == [("EVSE", 2, "11000")]


def test_a_message_longer_than_the_station_takes_is_split_too(station, monkeypatch):
    fake = FakeStation()
    monkeypatch.setattr(services, "command_run", fake)
    device_model_record(station_id=station.pk, source="report", reported=[
        ReportedVariable("DeviceDataCtrlr", "BytesPerMessage", "300",
                         variable_instance="SetVariables", mutability="ReadOnly")])
    settings = tuple(req.VariableSetting(variable=req.VariableRef(component="C", variable=f"V{n}"),
                                         value="x" * 60) for n in range(6))
    report = async_to_sync(services.variables_set)(station=station, items=settings)
    sizes = [len(p["setVariableData"]) for _, p in fake.calls]
    assert sum(sizes) == 6 and len(sizes) > 1
    assert all(len(json.dumps([2, "u" * 36, a, p], separators=(",", ":"))) <= 300
               for a, p in fake.calls)
    assert len(report.results) == 6
