"""Monitoring of a 2.0.1 station over a real WebSocket, with the simulated station
(stations/simulator/v201/monitoring.py): monitors set, listed, cleared (split by the station's
ItemsPerMessage), the base and level, and monitoring reports whose parts replace the stored
monitors in any order and however often they come; 400 for bad input, 404 for another tenant
(docs/ocpp201.md, monitoring and events; docs/api.md)."""

import asyncio
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import DeviceReport, StationMonitoring, VariableMonitor
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant

HEARTBEAT = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}
OFFLINE = {"component": "OCPPCommCtrlr", "variable": "OfflineThreshold"}


def url(station, path: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/device-model/monitors/{path}"


def _stored(station) -> dict[int, tuple]:
    return {m.monitor_id: (m.variable.component.name, m.variable.name, m.type, m.severity,
                           m.preset)
            for m in VariableMonitor.objects.filter(variable__component__station=station)
            .select_related("variable__component")}


async def test_monitors_set_through_the_api_are_stored_under_the_station_ids(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answer = await api.post(url(station), json={"monitors": [
            HEARTBEAT | {"type": "UpperThreshold", "value": "600", "severity": 4},
            OFFLINE | {"type": "Periodic", "value": "3600", "severity": 8, "transaction": True},
            {"component": "Nothing", "variable": "Here", "type": "Delta", "value": "1",
             "severity": 5}]})
        listed = (await api.get(url(station))).json()["results"]
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["status"] for r in body["results"]] == ["Accepted", "Accepted", "UnknownComponent"]
    assert body["status"] == "UnknownComponent"
    ids = [r["monitor_id"] for r in body["results"][:2]]
    assert set(ids) <= set(cp.monitors)
    assert _stored(station) == {
        ids[0]: ("OCPPCommCtrlr", "HeartbeatInterval", "UpperThreshold", 4, False),
        ids[1]: ("OCPPCommCtrlr", "OfflineThreshold", "Periodic", 8, False)}
    assert [(m["variable"], m["transaction"]) for m in listed] == [
        ("HeartbeatInterval", False), ("OfflineThreshold", True)]


async def test_bad_monitoring_input_is_a_400_before_anything_is_sent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        bad = [await api.post(url(station, "level/"), json={"severity": 10}),
               await api.post(url(station, "level/"), json={"severity": -1}),
               await api.post(url(station, "base/"), json={"base": "Some"}),
               await api.post(url(station), json={"monitors": [
                   HEARTBEAT | {"type": "Periodic", "value": "0", "severity": 3}]}),
               await api.post(url(station), json={"monitors": [
                   HEARTBEAT | {"type": "Sometimes", "value": "1", "severity": 3}]}),
               await api.post(url(station), json={"monitors": []}),
               await api.post(url(station, "clear/"), json={"monitor_ids": ["x"]}),
               await api.post(url(station, "report/"), json={"criteria": ["Everything"]})]
    assert [r.status_code for r in bad] == [400] * len(bad)
    assert all(r.json() for r in bad)
    assert not [name for name, _ in cp.received if "Monitor" in name]


async def test_another_tenant_gets_404_on_every_monitoring_endpoint(server):
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    async with api_client(server, other) as api:
        answers = [await api.get(url(station)), await api.get(url(station, "report/")),
                   await api.post(url(station, "level/"), json={"severity": 3}),
                   await api.post(url(station, "base/"), json={"base": "All"}),
                   await api.post(url(station, "clear/"), json={"monitor_ids": [1]}),
                   await api.get(f"/api/v1/stations/{station.identity}/events/")]
    assert [a.status_code for a in answers] == [404] * len(answers)


async def test_a_1_6_station_has_no_monitors_to_set(server):
    from tests.factories import charge_point
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), \
            api_client(server, tenant) as api:
        answer = await api.post(url(station, "level/"), json={"severity": 3})
        report = await api.post(url(station, "report/"), json={})
    assert (answer.status_code, report.status_code) == (400, 400)


class TwoAtATime(SimulatedChargePoint201):
    monitoring_items_per_message = 2


async def test_clearing_many_monitors_goes_out_in_parts_and_forgets_what_the_station_cleared(
        server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=TwoAtATime) as cp, \
            api_client(server, tenant) as api:
        limit = await api.post(f"/api/v1/stations/{station.identity}/device-model/get/", json={
            "variables": [{"component": "DeviceDataCtrlr", "variable": "ItemsPerMessage",
                           "variable_instance": kind}
                          for kind in ("SetVariableMonitoring", "ClearVariableMonitoring")]})
        assert [r["value"] for r in limit.json()["results"]] == ["2", "2"]
        made = await api.post(url(station), json={"monitors": [
            HEARTBEAT | {"type": "UpperThreshold", "value": "600", "severity": 4},
            OFFLINE | {"type": "LowerThreshold", "value": "10", "severity": 4},
            OFFLINE | {"type": "Delta", "value": "5", "severity": 6}]})
        ids = [r["monitor_id"] for r in made.json()["results"]]
        cleared = await api.post(url(station, "clear/"), json={"monitor_ids": [*ids, 1, 999]})
    assert [len(p["id"]) for n, p in cp.received if n == "ClearVariableMonitoring"] == [2, 2, 1]
    assert [len(p["set_monitoring_data"]) for n, p in cp.received
            if n == "SetVariableMonitoring"] == [2, 1]
    body = cleared.json()
    assert [r["status"] for r in body["results"]] == [
        "Accepted", "Accepted", "Accepted", "Rejected", "NotFound"]
    assert body["status"] == "Rejected"
    assert _stored(station) == {}  # the hard-wired monitor 1 was never reported


async def test_base_and_level_accepted_are_kept_and_a_factory_default_drops_our_monitors(
        server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"monitors": [
            HEARTBEAT | {"type": "UpperThreshold", "value": "600", "severity": 4}]})
        level = await api.post(url(station, "level/"), json={"severity": 3})
        base = await api.post(url(station, "base/"), json={"base": "FactoryDefault"})
    assert (level.json()["status"], base.json()["status"]) == ("Accepted", "Accepted")
    assert (cp.monitoring_level, cp.monitoring_base) == (3, "FactoryDefault")
    kept = StationMonitoring.objects.get(station=station)
    assert (kept.level, kept.base) == (3, "FactoryDefault")
    assert _stored(station) == {}


async def _report(api, station, body: dict) -> DeviceReport:
    asked = await api.post(url(station, "report/"), json=body)
    assert asked.status_code == 201, asked.text
    if asked.json()["status"] != "Accepted":
        return await DeviceReport.objects.aget(station=station,
                                               request_id=asked.json()["request_id"])
    return await eventually(lambda: DeviceReport.objects.filter(
        station=station, request_id=asked.json()["request_id"],
        completed_at__isnull=False).first())


async def test_a_report_of_every_monitor_replaces_the_stored_ones(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"monitors": [
            HEARTBEAT | {"type": "UpperThreshold", "value": "600", "severity": 4}]})
        ours = max(cp.monitors)
        del cp.monitors[ours]  # gone at the station (e.g. a reset to factory defaults)
        report = await _report(api, station, {})
        listed = (await api.get(url(station, "report/"))).json()["results"]
        some = await _report(api, station, {"criteria": ["DeltaMonitoring"]})
    assert (report.kind, report.status, report.parts) == ("Monitoring", "Accepted", 1)
    assert listed[0]["state"] == "complete"
    assert _stored(station) == {
        1: ("EVSE", "Power", "UpperThreshold", 1, True),
        2: ("ChargingStation", "AvailabilityState", "Delta", 5, True)}
    assert (some.kind, some.parts) == ("MonitoringCustom", 1)
    asked = [p for n, p in cp.received if n == "GetMonitoringReport"]
    assert asked[-1]["monitoring_criteria"] == ["DeltaMonitoring"]


class ManyMonitors(SimulatedChargePoint201):
    """Holds a monitor on each of its variables and sends its report's parts in the order the
    test draws, some twice."""

    order: list[int] = []

    def initial_monitors(self):
        monitors = super().initial_monitors()
        keys = [k for k in self.device_model if k[0] in ("OCPPCommCtrlr", "SampledDataCtrlr")]
        for n, key in enumerate(keys, start=10):
            monitors[n] = type(monitors[1])(key, "Delta", n, 6, kind="PreconfiguredMonitor")
        return monitors

    async def notify_monitoring_report(self, request_id, chosen):
        sent = []
        real_call, self.call = self.call, lambda message: sent.append(message) or _done()
        try:
            await super().notify_monitoring_report(request_id, chosen)
        finally:
            self.call = real_call
        for index in self.order or range(len(sent)):
            await self.call(sent[index % len(sent)])


async def _done():
    return None


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10**6), repeats=st.integers(0, 3))
def test_report_parts_in_any_order_and_repeated_end_in_the_station_monitors(server, seed,
                                                                             repeats):
    rng = random.Random(seed)
    tenant = make_tenant()
    station, password = make_station(tenant)

    async def run():
        async with charge_point_201(server, tenant, station, password, cls=ManyMonitors) as cp, \
                api_client(server, tenant) as api:
            parts = -(-len({m.key for m in cp.monitors.values()}) // cp.monitoring_items_per_message)
            order = list(range(parts)) + [rng.randrange(parts) for _ in range(repeats)]
            rng.shuffle(order)
            cp.order = order
            report = await _report(api, station, {})
            await cp.settle()
            return cp, report, parts

    cp, report, parts = asyncio.run(run())
    assert report.parts == parts
    assert set(_stored(station)) == set(cp.monitors)


async def test_the_raw_commands_endpoint_refuses_what_the_monitors_endpoints_keep(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        refused = [await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json={"action": action, "payload": payload})
                   for action, payload in [("SetMonitoringLevel", {"severity": 3}),
                                           ("SetMonitoringBase", {"monitoringBase": "All"}),
                                           ("ClearVariableMonitoring", {"id": [1]})]]
    assert [r.status_code for r in refused] == [400, 400, 400]
    assert "device-model/monitors/level/" in refused[0].text
    assert not [name for name, _ in cp.received if "Monitor" in name]


async def test_the_dashboard_adds_lists_and_clears_monitors_and_sets_level_and_base(server):
    from tenants.models import Role
    from tests.dashboard_helpers import logged_in, post
    from tests.test_admin import make_user
    tenant = make_tenant()
    station, password = make_station(tenant)
    page = f"/stations/{station.identity}/monitoring/"
    manager = await logged_in(server, make_user(tenant=tenant, role=Role.MANAGER))
    accountant = await logged_in(server, make_user(tenant=tenant, role=Role.ACCOUNTANT))
    async with charge_point_201(server, tenant, station, password) as cp:
        await manager.get(page)
        added = await post(manager, page + "add/", {
            "component": "OCPPCommCtrlr", "variable": "HeartbeatInterval",
            "type": "UpperThreshold", "value": "600", "severity": "4"})
        bad = await post(manager, page + "add/", {
            "component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "type": "Periodic",
            "value": "0", "severity": "4"})
        shown = await manager.get(page)
        monitor_id = max(cp.monitors)
        cleared = await post(manager, page + f"{monitor_id}/clear/", {})
        level = await post(manager, page + "level/", {"severity": "3"})
        base = await post(manager, page + "base/", {"base": "All"})
        refused = await accountant.get(page)
        card = await accountant.get(f"/stations/{station.identity}/")
    await manager.aclose()
    await accountant.aclose()
    assert "Accepted" in added.text and f"id {monitor_id}" in added.text
    assert bad.status_code == 400 and "period" in bad.text
    assert f'data-monitor="{monitor_id}"' in shown.text and "HeartbeatInterval" in shown.text
    assert "Accepted" in cleared.text and monitor_id not in cp.monitors
    assert ("Accepted" in level.text, "Accepted" in base.text) == (True, True)
    assert cp.monitoring_level == 3
    assert refused.status_code == 403
    assert "Latest events" in card.text


async def test_an_accountant_reads_monitors_and_events_but_changes_nothing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant, role="accountant") as api:
        read = [await api.get(url(station)),
                await api.get(f"/api/v1/stations/{station.identity}/events/")]
        changed = [await api.post(url(station, "level/"), json={"severity": 3}),
                   await api.post(url(station), json={"monitors": [
                       HEARTBEAT | {"type": "Delta", "value": "1", "severity": 5}]})]
    assert [r.status_code for r in read] == [200, 200]
    assert [r.status_code for r in changed] == [403, 403]
    assert not [name for name, _ in cp.received if "Monitor" in name]
