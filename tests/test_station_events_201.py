"""A 2.0.1 station's NotifyEvent over a real WebSocket (docs/ocpp201.md, monitoring and
events): every event kept once as a station event, in one part or several, retransmitted or
not; the events list and its filters; a fault event (Connector.Problem, AvailabilityState
Faulted, a severe monitor alerting) shows as the connector's Faulted with its techCode, pushed
on the live feed as a Faulted StatusNotification is, and its clearing restores what the
connector reported before, whatever order the events came in."""

import asyncio
import json
import random

import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import Connector, StationEvent
from tenants.models import Role
from tests.dashboard_helpers import logged_in
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant
from tests.test_admin import make_user

PROBLEM = ("Connector", None, 1, 1, "Problem", None)


def events_url(station) -> str:
    return f"/api/v1/stations/{station.identity}/events/"


def _connector(station, connector_id: int = 1) -> tuple[str, str]:
    row = Connector.objects.get(station=station, connector_id=connector_id)
    return row.status, row.error_code


async def _shows(station, status: str, error_code: str, connector_id: int = 1):
    return await eventually(lambda: _connector(station, connector_id) == (status, error_code)
                            or None)


async def test_events_are_kept_once_in_several_parts_and_listed_with_filters(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        batch = [cp.event(("ChargingStation", None, None, None, "AvailabilityState", None),
                          "Available", notification="PreconfiguredMonitor",
                          variableMonitoringId=2, techInfo="boot"),
                 cp.event(("OCPPCommCtrlr", None, None, None, "HeartbeatInterval", None), "300",
                          trigger="Periodic", notification="CustomMonitor",
                          transactionId="tx-1", cause=7),
                 cp.event(("EVSE", None, 1, None, "Power", None), "23000", trigger="Alerting",
                          notification="HardWiredMonitor", variableMonitoringId=1,
                          techCode="OverPower", cleared=True)]
        await cp.events(batch, parts=3)
        await cp.events(batch[:2])  # sent again: kept once
        listed = (await api.get(events_url(station))).json()
        evse = (await api.get(events_url(station), params={"component": "EVSE"})).json()
        cleared = (await api.get(events_url(station), params={"cleared": "true"})).json()
        later = (await api.get(events_url(station),
                               params={"since": "2999-01-01T00:00:00Z"})).json()
    assert [p["seqNo"] for p in cp.events_sent] == [0, 1, 2, 0]
    assert listed["count"] == 3
    assert {e["event_id"] for e in listed["results"]} == {e["eventId"] for e in batch}
    periodic = next(e for e in listed["results"] if e["trigger"] == "Periodic")
    assert (periodic["transaction_id"], periodic["cause"], periodic["notification_type"]) == (
        "tx-1", 7, "CustomMonitor")
    assert [(e["tech_code"], e["evse_id"]) for e in evse["results"]] == [("OverPower", 1)]
    assert [e["variable"] for e in cleared["results"]] == ["Power"]
    assert later["count"] == 0


async def test_a_connector_problem_faults_the_connector_and_its_clearing_restores_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    user = make_user(tenant=tenant, role=Role.ACCOUNTANT)
    http = await logged_in(server, user)
    async with websockets.connect(
            f"{server.ws}/ws/dashboard/", origin=server.http,
            additional_headers={"Cookie": f"sessionid={http.cookies['sessionid']}"}) as feed, \
            charge_point_201(server, tenant, station, password) as cp:
        await cp.status(1, "Occupied")
        await _shows(station, "Occupied", "NoError")
        await cp.problem(1, tech_code="GroundFault")
        await _shows(station, "Faulted", "GroundFault")
        pushed = await _status_pushed(feed, "Faulted")
        await cp.problem(1, cleared=True)
        await _shows(station, "Occupied", "NoError")
        restored = await _status_pushed(feed, "Occupied")
    await http.aclose()
    assert (pushed["connector_id"], pushed["evse_id"], pushed["error_code"]) == (
        1, 1, "GroundFault")
    assert restored["error_code"] == "NoError"
    faults = StationEvent.objects.filter(station=station, variable="Problem")
    assert [(e.fault, e.cleared, e.connector_id) for e in faults.order_by("event_id")] == [
        (True, False, 1), (False, True, 1)]


async def _status_pushed(feed, status: str, timeout: float = 5.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            event = json.loads(await feed.recv())
            if event.get("type") == "station.status" and event.get("status") == status:
                return event


async def test_a_severe_monitor_alerting_faults_its_evse_and_a_mild_one_does_not(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(f"/api/v1/stations/{station.identity}/device-model/monitors/report/",
                       json={})  # the station's own monitors: 1 (severity 1) on EVSE 1's Power
        await cp.settle()
        await eventually(lambda: station.components.filter(variables__monitors__monitor_id=1)
                         .exists() or None)
        await cp.fire(1, "23000", techCode="OverPower")
        await _shows(station, "Faulted", "OverPower")
        await cp.fire(1, "21000", cleared=True)
        await _shows(station, "Available", "NoError")
        await cp.events([cp.event(("EVSE", None, 1, None, "Power", None), "9",
                                  trigger="Alerting", variableMonitoringId=99)])
    assert _connector(station) == ("Available", "NoError")  # a monitor we know nothing of
    assert StationEvent.objects.filter(station=station, fault=True).count() == 1


async def test_an_availability_state_faulted_on_the_station_faults_connector_zero(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    key = ("ChargingStation", None, None, None, "AvailabilityState", None)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.events([cp.event(key, "Faulted", techCode="PowerLoss")])
        await _shows(station, "Faulted", "PowerLoss", connector_id=0)
        await cp.events([cp.event(key, "Available")])
        await _shows(station, "Available", "NoError", connector_id=0)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10**6), ends_cleared=st.booleans(), repeats=st.integers(0, 3))
def test_fault_events_in_any_order_and_retransmitted_end_in_the_latest_state(server, seed,
                                                                           ends_cleared,
                                                                           repeats):
    """Problem set, cleared, set again (and, maybe, cleared): sent in a random order, some
    twice; the connector shows what the latest (by the station's clock) says."""
    rng = random.Random(seed)
    tenant = make_tenant()
    station, password = make_station(tenant)
    stamps = [f"2026-01-01T00:00:0{n}Z" for n in range(4)]
    values = ["true", "false", "true", "false"][:4 if ends_cleared else 3]

    async def run():
        async with charge_point_201(server, tenant, station, password) as cp:
            events = [cp.event(PROBLEM, value, timestamp=stamps[n], techCode="E42",
                               **({"cleared": True} if value == "false" else {}))
                      for n, value in enumerate(values)]
            sent = events + [rng.choice(events) for _ in range(repeats)]
            rng.shuffle(sent)
            for event in sent:
                await cp.events([event])

    asyncio.run(run())
    expected = ("Available", "NoError") if ends_cleared else ("Faulted", "E42")
    assert _connector(station) == expected
    assert StationEvent.objects.filter(station=station).count() == len(values)


async def test_every_role_reads_the_events_on_the_dashboard_in_its_own_tenant_only(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.problem(1, tech_code="GroundFault")
    accountant = await logged_in(server, make_user(tenant=tenant, role=Role.ACCOUNTANT))
    outsider = await logged_in(server, make_user(tenant=other, role=Role.MANAGER))
    latest = await accountant.get(f"/stations/{station.identity}/events/latest/")
    listed = await accountant.get(f"/stations/{station.identity}/events/",
                                  params={"component": "Connector", "cleared": "false"})
    hidden = await outsider.get(f"/stations/{station.identity}/events/")
    await accountant.aclose()
    await outsider.aclose()
    assert latest.status_code == listed.status_code == 200
    assert "GroundFault" in latest.text and "All events" in latest.text
    assert "GroundFault" in listed.text and "status-faulted" in listed.text
    assert hidden.status_code == 404


async def test_a_connector_stays_faulted_while_another_of_its_faults_lasts(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    state = ("Connector", None, 1, 1, "AvailabilityState", None)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.problem(1, tech_code="GroundFault")
        await _shows(station, "Faulted", "GroundFault")
        await cp.events([cp.event(state, "Faulted", techCode="Overheat")])
        await _shows(station, "Faulted", "Overheat")
        await cp.problem(1, cleared=True)  # answered once stored and signalled
        assert _connector(station) == ("Faulted", "Overheat")
        await cp.events([cp.event(state, "Available")])
        await _shows(station, "Available", "NoError")
