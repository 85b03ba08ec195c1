"""The 2.0.1 device model over a real WebSocket, with the simulated 2.0.1 station
(stations/simulator/v201/): a report asked through the API arrives in NotifyReport parts that
become the stored model (in order, out of order, twice); GetVariables and SetVariables through
the API with a result per attribute, split by the station's ItemsPerMessage; the 1.6 keys the
features read as the 2.0.1 variables (docs/domain-model.md, the device model; docs/api.md)."""

import json
import math

from ocpp.v201 import call

from stations.models import DeviceReport, OcppMessage, Variable, VariableAttribute
from stations.simulator.v201 import SimulatedChargePoint201
from tenants.models import Role
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant
from tests.test_admin import make_user


def url(station, path: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/device-model/{path}"


async def test_a_full_inventory_asked_through_the_api_becomes_the_stored_model(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        asked = await api.post(url(station, "reports/"), json={"report_base": "FullInventory"})
        assert asked.status_code == 201, asked.text
        assert (asked.json()["request_id"], asked.json()["status"]) == (1, "Accepted")

        async def complete():
            listed = (await api.get(url(station, "reports/"))).json()["results"]
            return listed if listed[0]["state"] == "complete" else None

        listed = await eventually(complete)
        model = (await api.get(url(station), params={"limit": 500})).json()["results"]
    expected_parts = math.ceil(len(cp.device_model) / cp.items_per_message)
    assert listed[0]["parts"] == expected_parts == len(cp.reports)
    assert listed[0]["kind"] == "FullInventory"
    stored = {(c["name"], c["evse_id"], c["connector_id"], v["name"], v["instance"])
              for c in model for v in c["variables"]}
    assert stored == {(k[0], k[2], k[3], k[4], k[5] or "") for k in cp.device_model}
    heartbeat = next(v for c in model if c["name"] == "OCPPCommCtrlr" for v in c["variables"]
                     if v["name"] == "HeartbeatInterval")
    assert (heartbeat["data_type"], heartbeat["unit"]) == ("integer", "s")
    assert heartbeat["attributes"][0]["value"] == cp.variable("OCPPCommCtrlr", "HeartbeatInterval")
    power = next(v for c in model if c["name"] == "EVSE" and c["evse_id"] == 2
                 for v in c["variables"] if v["name"] == "Power")
    assert {a["type"]: a["value"] for a in power["attributes"]} == {"Actual": "22000",
                                                                    "MaxSet": "22000"}
    secret = VariableAttribute.objects.get(variable__component__station=station,
                                           variable__name="BasicAuthPassword")
    assert (secret.value, secret.mutability) == ("", "WriteOnly")


class Scrambled(SimulatedChargePoint201):
    """Sends its report's parts out of order, one of them twice."""

    async def notify_report(self, request_id, keys):
        size = self.items_per_message
        parts = [keys[i:i + size] for i in range(0, len(keys), size)]
        order = [len(parts) - 1, *range(len(parts) - 1), 0]
        for seq_no in order:
            await self.call(call.NotifyReport(
                request_id=request_id, generated_at="2026-12-06T12:00:00Z", seq_no=seq_no,
                report_data=[self._report_data(k) for k in parts[seq_no]],
                tbc=seq_no < len(parts) - 1))


async def test_parts_out_of_order_and_twice_still_make_one_complete_report(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Scrambled) as cp, \
            api_client(server, tenant) as api:
        assert (await api.post(url(station, "reports/"),
                               json={"report_base": "FullInventory"})).status_code == 201
        report = await eventually(lambda: DeviceReport.objects.filter(
            station=station, completed_at__isnull=False).first())
    assert report.parts == math.ceil(len(cp.device_model) / cp.items_per_message)
    assert Variable.objects.filter(component__station=station).count() == len(cp.device_model)


async def test_a_custom_report_and_one_the_station_has_nothing_for(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        asked = await api.post(url(station, "reports/"), json={"variables": [
            {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"},
            {"component": "EVSE", "evse_id": 1}]})
        assert (asked.status_code, asked.json()["kind"], asked.json()["status"]) == (
            201, "Custom", "Accepted")
        await eventually(lambda: DeviceReport.objects.filter(
            station=station, request_id=1, completed_at__isnull=False).exists())
        empty = await api.post(url(station, "reports/"), json={"variables": [
            {"component": "NoSuchCtrlr"}]})
        assert (empty.json()["request_id"], empty.json()["status"], empty.json()["state"]) == (
            2, "EmptyResultSet", "refused")
    assert ("GetReport", {"request_id": 1, "component_variable": [
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}},
        {"component": {"name": "EVSE", "evse": {"id": 1}}}],
        "component_criteria": None}) in cp.received
    names = set(Variable.objects.filter(component__station=station)
                .values_list("component__name", "name"))
    assert names == {("OCPPCommCtrlr", "HeartbeatInterval"), ("EVSE", "AvailabilityState"),
                     ("EVSE", "Power")}


async def test_variables_are_read_and_set_with_a_result_each_and_split_as_the_station_asks(server):
    tenant = make_tenant()
    station, password = make_station(tenant)

    class TwoAtATime(SimulatedChargePoint201):
        items_per_message = 2

    async with charge_point_201(server, tenant, station, password, cls=TwoAtATime) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station, "reports/"), json={"report_base": "FullInventory"})
        await eventually(lambda: DeviceReport.objects.filter(completed_at__isnull=False,
                                                             station=station).exists())
        cp.received.clear()
        got = await api.post(url(station, "get/"), json={"variables": [
            {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"},
            {"component": "OCPPCommCtrlr", "variable": "NoSuchVariable"},
            {"component": "NoSuchCtrlr", "variable": "X"},
            {"component": "EVSE", "evse_id": 1, "variable": "Power", "attribute_type": "MaxSet"},
            {"component": "EVSE", "evse_id": 1, "variable": "Power", "attribute_type": "Target"}]})
        assert got.status_code == 200, got.text
        assert [(r["status"], r["value"]) for r in got.json()["results"]] == [
            ("Accepted", cp.variable("OCPPCommCtrlr", "HeartbeatInterval")),
            ("UnknownVariable", None), ("UnknownComponent", None), ("Accepted", "22000"),
            ("NotSupportedAttributeType", None)]
        assert [len(p["get_variable_data"]) for a, p in cp.received if a == "GetVariables"] == [
            2, 2, 1]
        cp.received.clear()
        set_ = await api.post(url(station, "set/"), json={"variables": [
            {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "60"},
            {"component": "SecurityCtrlr", "variable": "Identity", "value": "other"},
            {"component": "TxCtrlr", "variable": "EVConnectionTimeOut", "value": "45"}]})
        assert set_.status_code == 200, set_.text
        assert set_.json()["status"] == "Rejected"
        assert [(r["variable"], r["status"], r["value"]) for r in set_.json()["results"]] == [
            ("HeartbeatInterval", "Accepted", "60"), ("Identity", "Rejected", "other"),
            ("EVConnectionTimeOut", "Accepted", "45")]
        assert len([a for a, _ in cp.received if a == "SetVariables"]) == 2
        model = (await api.get(url(station), params={"limit": 500})).json()["results"]
        password_set = await api.post(url(station, "set/"), json={"variables": [
            {"component": "SecurityCtrlr", "variable": "BasicAuthPassword", "value": "x" * 20}]})
    assert cp.variable("OCPPCommCtrlr", "HeartbeatInterval") == "60"
    values = {v["name"]: (v["attributes"][0]["value"], v["attributes"][0]["source"])
              for c in model for v in c["variables"]}
    assert values["HeartbeatInterval"] == ("60", "set")
    assert values["EVConnectionTimeOut"] == ("45", "set")
    assert values["Identity"] == (station.identity, "report")
    assert password_set.status_code == 400


async def test_the_16_keys_the_features_use_are_read_and_set_as_201_variables(server):
    """Through the dashboard's configuration page and its change form, which say what they
    want as the neutral ConfigurationGet/ConfigurationSet (as load management does)."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, make_user(tenant=tenant, role=Role.MANAGER))
    page = f"/stations/{station.identity}/configuration/"
    async with charge_point_201(server, tenant, station, password) as cp:
        shown = await http.get(page, headers={"HX-Request": "true"})
        changed = await post(http, page + "change/", {"key": "HeartbeatInterval", "value": "120"})
        refused = await post(http, page + "change/", {"key": "ChargingScheduleMaxPeriods",
                                                      "value": "99"})
    await http.aclose()
    assert shown.status_code == 200
    assert "ChargingScheduleAllowedChargingRateUnit" in shown.text
    assert "Current,Power" in shown.text
    assert "BasicAuthPassword" not in shown.text and "AuthorizationKey" not in shown.text
    assert "Accepted" in changed.text and "Rejected" in refused.text
    assert cp.variable("OCPPCommCtrlr", "HeartbeatInterval") == "120"
    assert [p["set_variable_data"][0]["variable"] for a, p in cp.received
            if a == "SetVariables"] == [{"name": "HeartbeatInterval"}, {"name": "PeriodsPerSchedule"}]


async def test_another_tenant_sees_and_asks_nothing_of_the_station(server):
    tenant, other = make_tenant(), make_tenant("Other operator")
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, other) as api:
        assert (await api.post(url(station, "reports/"),
                               json={"report_base": "FullInventory"})).status_code == 404
        assert (await api.post(url(station, "get/"), json={"variables": [
            {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}]})).status_code == 404
        assert (await api.get(url(station, "reports/"))).status_code == 404
    assert not [a for a, _ in cp.received if a in ("GetBaseReport", "GetVariables")]


async def test_the_station_page_refreshes_the_model_and_sets_a_variable_with_its_verdict(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, make_user(tenant=tenant, role=Role.INSTALLER))
    page = f"/stations/{station.identity}/device-model/"
    async with charge_point_201(server, tenant, station, password) as cp:
        refreshed = await post(http, page + "refresh/", {})
        await eventually(lambda: DeviceReport.objects.filter(
            station=station, completed_at__isnull=False).exists())
        shown = await http.get(page, headers={"HX-Request": "true"})
        set_ = await post(http, page + "set/", {
            "component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "90"})
        wrong = await post(http, page + "set/", {
            "component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "never"})
    await http.aclose()
    assert "Accepted" in refreshed.text
    assert "HeartbeatInterval" in shown.text and "complete" in shown.text
    assert "Accepted" in set_.text and "Rejected" in wrong.text
    assert cp.variable("OCPPCommCtrlr", "HeartbeatInterval") == "90"


class Telling(SimulatedChargePoint201):
    """Reports its password's value, as no station should."""

    def _report_data(self, key):
        data = super()._report_data(key)
        if key[0] == "SecurityCtrlr" and key[4] == "BasicAuthPassword":
            data["variableAttribute"][0]["value"] = "told-password-told-password"
        return data


async def test_a_password_a_station_reports_is_kept_neither_in_the_model_nor_in_the_log(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Telling), \
            api_client(server, tenant) as api:
        await api.post(url(station, "reports/"), json={"report_base": "FullInventory"})
        await eventually(lambda: DeviceReport.objects.filter(
            station=station, completed_at__isnull=False).exists())
        logged = await eventually(lambda: list(OcppMessage.objects.filter(
            station=station, action="NotifyReport", direction="in")) or None)
    assert not VariableAttribute.objects.filter(value__contains="told-password").exists()
    assert logged and not any("told-password" in json.dumps(m.payload) for m in logged)
    assert any("(redacted)" in json.dumps(m.payload) for m in logged)


async def test_a_pending_station_is_provisioned_from_its_report(server):
    """While an operator holds the station Pending, its device model may be asked for and set:
    the report's parts are served (its other CALLs are not)."""
    tenant = make_tenant()
    station, password = make_station(tenant, admission="Pending")
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert cp.boots[-1].status == "Pending"
        asked = await api.post(url(station, "reports/"), json={"report_base": "FullInventory"})
        assert asked.status_code == 201, asked.text
        report = await eventually(lambda: DeviceReport.objects.filter(
            station=station, completed_at__isnull=False).first())
        set_ = await api.post(url(station, "set/"), json={"variables": [
            {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "45"}]})
    assert report.parts == len(cp.reports)
    assert Variable.objects.filter(component__station=station).count() == len(cp.device_model)
    assert set_.json()["status"] == "Accepted"
