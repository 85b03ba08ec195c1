"""OCA OCPP 2.0.1 conformance scenarios of block N, Diagnostics: monitoring and events. The
central system sets, clears and reports monitors, sets the monitoring base and level through
the API (stations/monitoring/; docs/ocpp201.md, monitoring and events), and keeps the events the
station sends (NotifyEvent); the charging station is the bundled simulator
(stations/simulator/v201/monitoring.py). In shared mode the station row and its stored
monitors carry over between cases: each case checks only the monitors it made and the events
and reports since it began (docs/conformance.md)."""

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.models import (
    DeviceReport,
    StationEvent,
    StationMonitoring,
    VariableAttribute,
    VariableMonitor,
)
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import eventually

HEARTBEAT = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}
OFFLINE = {"component": "OCPPCommCtrlr", "variable": "OfflineThreshold"}
POWER = {"component": "EVSE", "evse_id": 1, "variable": "Power"}


def url(octt201, path: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/device-model/monitors/{path}"


async def _post(api, octt201, path: str, body: dict, expected: int = 200) -> dict:
    response = await api.post(url(octt201, path), json=body)
    assert response.status_code == expected, response.text
    return response.json()


def _sent(cp, action: str) -> list[dict]:
    return [payload for name, payload in cp.received if name == action]


def _stored(octt201, monitor_id: int) -> VariableMonitor | None:
    return (VariableMonitor.objects.filter(variable__component__station=octt201.station,
                                           monitor_id=monitor_id)
            .select_related("variable__component").first())


async def _report(api, octt201, cp, body: dict) -> tuple[DeviceReport, list[dict]]:
    """Ask for a monitoring report; wait until every part came. The parts the station sent."""
    asked = await _post(api, octt201, "report/", body, expected=201)
    assert asked["status"] == "Accepted", asked
    report = await eventually(lambda: DeviceReport.objects.filter(
        station=octt201.station, request_id=asked["request_id"],
        completed_at__isnull=False).first())
    await cp.settle()
    parts = [p for p in cp.monitoring_reports if p["requestId"] == asked["request_id"]]
    assert report.parts == len(parts) and parts[-1]["tbc"] is False
    return report, parts


def _reported(parts: list[dict]) -> set[tuple]:
    return {(d["component"]["name"], d["variable"]["name"], m["type"])
            for part in parts for d in part["monitor"] for m in d["variableMonitoring"]}


async def _own_monitor(api, octt201, body: dict) -> int:
    answer = await _post(api, octt201, "", {"monitors": [body]})
    [result] = answer["results"]
    assert result["status"] == "Accepted", answer
    return result["monitor_id"]


def _own_events(octt201):
    return StationEvent.objects.filter(station=octt201.station, received_at__gte=octt201.began)


async def test_tc_n_01_get_monitoring_report_with_monitoring_criteria(server, octt201):
    """Get Monitoring Report – with monitoringCriteria"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _own_monitor(api, octt201, HEARTBEAT | {"type": "UpperThreshold", "value": "900",
                                                      "severity": 5})
        report, parts = await _report(api, octt201, cp, {"criteria": ["ThresholdMonitoring"]})
    [asked] = _sent(cp, "GetMonitoringReport")
    assert asked["monitoring_criteria"] == ["ThresholdMonitoring"]
    assert _reported(parts) == {("EVSE", "Power", "UpperThreshold"),
                                ("OCPPCommCtrlr", "HeartbeatInterval", "UpperThreshold")}
    assert report.kind == "MonitoringCustom"
    assert _stored(octt201, 1).type == "UpperThreshold"


async def test_tc_n_02_get_monitoring_report_with_component_variable(server, octt201):
    """Get Monitoring Report – with component/variable"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        own = await _own_monitor(api, octt201, OFFLINE | {"type": "Delta", "value": "10",
                                                          "severity": 6})
        _, parts = await _report(api, octt201, cp, {"variables": [OFFLINE]})
    [asked] = _sent(cp, "GetMonitoringReport")
    assert asked["component_variable"] == [{"component": {"name": "OCPPCommCtrlr"},
                                            "variable": {"name": "OfflineThreshold"}}]
    assert _reported(parts) == {("OCPPCommCtrlr", "OfflineThreshold", "Delta")}
    assert _stored(octt201, own).variable.name == "OfflineThreshold"


async def test_tc_n_03_get_monitoring_report_with_criteria_and_component_variable(server,
                                                                                  octt201):
    """Get Monitoring Report – with component criteria and component/variable"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _own_monitor(api, octt201, OFFLINE | {"type": "Periodic", "value": "60",
                                                    "severity": 7})
        await _own_monitor(api, octt201, OFFLINE | {"type": "UpperThreshold", "value": "600",
                                                    "severity": 4})
        _, parts = await _report(api, octt201, cp, {"variables": [OFFLINE],
                                                    "criteria": ["PeriodicMonitoring"]})
    [asked] = _sent(cp, "GetMonitoringReport")
    assert asked["monitoring_criteria"] == ["PeriodicMonitoring"]
    assert _reported(parts) == {("OCPPCommCtrlr", "OfflineThreshold", "Periodic")}


async def test_tc_n_05_set_monitoring_base_success(server, octt201):
    """Set Monitoring Base – success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answers = [await _post(api, octt201, "base/", {"base": base})
                   for base in ("HardWiredOnly", "FactoryDefault", "All")]
    assert [a["status"] for a in answers] == ["Accepted"] * 3
    assert [p["monitoring_base"] for p in _sent(cp, "SetMonitoringBase")] == [
        "HardWiredOnly", "FactoryDefault", "All"]
    assert StationMonitoring.objects.get(station=octt201.station).base == "All"


async def test_tc_n_08_set_variable_monitoring_one_element(server, octt201):
    """Set Variable Monitoring – One SetMonitoringData element"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        own = await _own_monitor(api, octt201, HEARTBEAT | {"type": "LowerThreshold",
                                                            "value": "30", "severity": 3})
    [sent] = _sent(cp, "SetVariableMonitoring")
    assert len(sent["set_monitoring_data"]) == 1
    stored = _stored(octt201, own)
    assert (stored.type, stored.value, stored.severity, stored.preset) == (
        "LowerThreshold", 30, 3, False)


async def test_tc_n_09_set_variable_monitoring_multiple_elements(server, octt201):
    """Set Variable Monitoring – Multiple elements on different component and variable"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "", {"monitors": [
            HEARTBEAT | {"type": "UpperThreshold", "value": "3600", "severity": 4},
            POWER | {"type": "Delta", "value": "1000", "severity": 6, "transaction": True}]})
    assert [r["status"] for r in answer["results"]] == ["Accepted", "Accepted"]
    [sent] = _sent(cp, "SetVariableMonitoring")
    assert len(sent["set_monitoring_data"]) == 2
    power = _stored(octt201, answer["results"][1]["monitor_id"])
    assert (power.variable.component.name, power.variable.component.evse_id,
            power.transaction) == ("EVSE", 1, True)


async def test_tc_n_16_set_monitoring_level_success(server, octt201):
    """Set Monitoring Level – Success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _post(api, octt201, "level/", {"severity": 4})
    assert answer["status"] == "Accepted" and cp.monitoring_level == 4
    assert StationMonitoring.objects.get(station=octt201.station).level == 4


class RefusesLevels(SimulatedChargePoint201):
    @on(Action.set_monitoring_level)
    async def on_set_monitoring_level(self, severity, **kwargs):
        self.received.append(("SetMonitoringLevel", {"severity": severity}))
        return call_result.SetMonitoringLevel(status="Rejected")


async def test_tc_n_17_set_monitoring_level_out_of_range(server, octt201):
    """Set Monitoring Level – Out of range

    A level outside 0-9 is refused by the API before anything is sent; a level the station
    rejects is shown as rejected and not kept."""
    kept = StationMonitoring.objects.filter(station=octt201.station).values_list(
        "level", flat=True).first()
    async with octt201.charge_point(server, cls=RefusesLevels) as cp, \
            octt201.api(server) as api:
        out = await api.post(url(octt201, "level/"), json={"severity": 10})
        assert _sent(cp, "SetMonitoringLevel") == []
        answer = await _post(api, octt201, "level/", {"severity": 2})
    assert out.status_code == 400 and "severity" in out.json()
    assert answer["status"] == "Rejected"
    assert StationMonitoring.objects.filter(station=octt201.station).values_list(
        "level", flat=True).first() == kept


class ThreeClearsAtATime(SimulatedChargePoint201):
    monitoring_items_per_message = 3


async def test_tc_n_18_clear_monitoring_too_many_elements(server, octt201):
    """Clear Monitoring – Too many elements

    The CSMS reads DeviceDataCtrlr.ItemsPerMessage[ClearVariableMonitoring] and never sends more
    ids in one ClearVariableMonitoring."""
    async with octt201.charge_point(server, cls=ThreeClearsAtATime) as cp, \
            octt201.api(server) as api:
        said = await api.post(
            f"/api/v1/stations/{octt201.station.identity}/device-model/get/",
            json={"variables": [{"component": "DeviceDataCtrlr", "variable": "ItemsPerMessage",
                                 "variable_instance": "ClearVariableMonitoring"}]})
        ids = [await _own_monitor(api, octt201, OFFLINE | {"type": "Delta", "value": str(n),
                                                           "severity": n})
               for n in range(3, 8)]
        answer = await _post(api, octt201, "clear/", {"monitor_ids": ids})
    assert said.json()["results"][0]["value"] == "3"
    assert [len(p["id"]) for p in _sent(cp, "ClearVariableMonitoring")] == [3, 2]
    assert [r["status"] for r in answer["results"]] == ["Accepted"] * 5
    assert not any(_stored(octt201, i) for i in ids)


async def test_tc_n_21_alert_event_hard_wired_monitor(server, octt201):
    """Alert Event – HardWiredMonitor"""
    async with octt201.charge_point(server) as cp:
        event = await cp.fire(1, "22500", techCode="OverPower")
        await cp.fire(1, "21000", cleared=True)
    kept = await eventually(lambda: _own_events(octt201).filter(
        event_id=event["eventId"], notification_type="HardWiredMonitor").first())
    assert (kept.trigger, kept.variable_monitoring_id, kept.actual_value, kept.tech_code) == (
        "Alerting", 1, "22500", "OverPower")
    assert _own_events(octt201).filter(cleared=True, variable="Power").count() == 1


async def test_tc_n_24_set_variable_monitoring_periodic_event(server, octt201):
    """Set Variable Monitoring – Periodic event"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        own = await _own_monitor(api, octt201, POWER | {"type": "Periodic", "value": "60",
                                                        "severity": 8})
        await _own_monitor(api, octt201, POWER | {"type": "PeriodicClockAligned",
                                                  "value": "900", "severity": 8})
    sent = [d for p in _sent(cp, "SetVariableMonitoring") for d in p["set_monitoring_data"]]
    assert [(d["type"], d["value"]) for d in sent] == [("Periodic", 60),
                                                       ("PeriodicClockAligned", 900)]
    assert (_stored(octt201, own).type, _stored(octt201, own).value) == ("Periodic", 60)


async def test_tc_n_44_clear_monitoring_rejected(server, octt201):
    """Clear Monitoring – Rejected

    The station refuses to clear its hard-wired monitor: shown as Rejected, the monitor kept."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _report(api, octt201, cp, {"variables": [POWER]})  # learns monitor 1
        answer = await _post(api, octt201, "clear/", {"monitor_ids": [1]})
    assert answer["results"] == [{"monitor_id": 1, "status": "Rejected"}]
    assert answer["status"] == "Rejected"
    assert _stored(octt201, 1) is not None and 1 in cp.monitors


async def test_tc_n_47_get_monitoring_report_report_all(server, octt201):
    """Get Monitoring report – Report all"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        own = await _own_monitor(api, octt201, HEARTBEAT | {"type": "Delta", "value": "60",
                                                            "severity": 9})
        report, parts = await _report(api, octt201, cp, {})
    [asked] = _sent(cp, "GetMonitoringReport")
    assert "monitoring_criteria" not in asked or asked["monitoring_criteria"] is None
    assert report.kind == "Monitoring"
    held = {m_id for m_id in cp.monitors}
    assert {m.monitor_id for m in VariableMonitor.objects.filter(
        variable__component__station=octt201.station)} == held
    assert own in held and len(_reported(parts)) == len(held)


async def test_tc_n_48_alert_event_variable_monitoring_on_write_only(server, octt201):
    """Alert Event – Variable monitoring on write only

    An event on a write-only variable (the station's password) is kept without a value."""
    key = ("SecurityCtrlr", None, None, None, "BasicAuthPassword", None)
    async with octt201.charge_point(server) as cp:
        event = cp.event(key, "a-new-password-of-length", notification="PreconfiguredMonitor")
        await cp.events([event])
    kept = await eventually(lambda: _own_events(octt201).filter(
        event_id=event["eventId"], variable="BasicAuthPassword").first())
    assert kept.actual_value == ""
    assert set(VariableAttribute.objects.filter(
        variable__component__station=octt201.station,
        variable__name="BasicAuthPassword").values_list("value", flat=True)) == {""}


async def test_tc_n_49_alert_event_threshold_cleared_after_reboot(server, octt201):
    """Alert Event – LowerThreshold/UpperThreshold cleared after reboot

    A threshold alert raised before a reboot is reported cleared after it; the fault it made
    ends."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _report(api, octt201, cp, {"variables": [POWER]})  # monitor 1 (severity 1)
        await cp.fire(1, "23000", techCode="OverPower")
        await eventually(lambda: octt201.station.connectors.filter(
            connector_id=1, status="Faulted").first())
    async with octt201.charge_point(server) as cp:  # after the reboot
        await cp.fire(1, "20000", cleared=True)
        await eventually(lambda: octt201.station.connectors.filter(
            connector_id=1, status="Available", error_code="NoError").first())
    assert list(_own_events(octt201).filter(variable="Power").order_by("timestamp")
                .values_list("fault", "cleared")) == [(True, False), (False, True)]


async def test_tc_n_50_alert_event_periodic_triggered(server, octt201):
    """Alert Event – Periodic Triggered"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        own = await _own_monitor(api, octt201, POWER | {"type": "Periodic", "value": "60",
                                                        "severity": 8})
        first = await cp.fire(own, "7400")
        await cp.fire(own, "7300")
    kept = await eventually(lambda: list(_own_events(octt201).filter(
        variable_monitoring_id=own).order_by("event_id")) or None)
    assert [(e.trigger, e.notification_type, e.actual_value) for e in kept] == [
        ("Periodic", "CustomMonitor", "7400"), ("Periodic", "CustomMonitor", "7300")]
    assert kept[0].event_id == first["eventId"] and not any(e.fault for e in kept)


async def test_tc_n_60_get_monitoring_report_criteria_and_list_of_components(server, octt201):
    """Get Monitoring Report – with component criteria and list of components/variables"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _own_monitor(api, octt201, HEARTBEAT | {"type": "LowerThreshold", "value": "10",
                                                      "severity": 4})
        await _own_monitor(api, octt201, OFFLINE | {"type": "UpperThreshold", "value": "999",
                                                    "severity": 4})
        _, parts = await _report(api, octt201, cp, {
            "variables": [HEARTBEAT, OFFLINE, POWER], "criteria": ["ThresholdMonitoring",
                                                                   "DeltaMonitoring"]})
    [asked] = _sent(cp, "GetMonitoringReport")
    assert len(asked["component_variable"]) == 3
    assert _reported(parts) == {("OCPPCommCtrlr", "HeartbeatInterval", "LowerThreshold"),
                                ("OCPPCommCtrlr", "OfflineThreshold", "UpperThreshold"),
                                ("EVSE", "Power", "UpperThreshold")}
