"""Each station condition raised by a real charge point over a real WebSocket, and resolved by
the station itself (docs/alerts.md, Conditions): a link dropped (and a server that crashed), a
Faulted status with its codes, a 2.0.1 fault event, charging without meter values, a remote
start accepted that never became a session, a session the backend closed.

The sweeps run as the periodic task `evaluate_alerts`, queued here (with Redis a real Celery
worker runs it; embedded it runs in this process, on the same database); the meter-silence
sweep is called with a later `now`, so the test need not wait out its minutes. What a station
does resolves its alert in the server, through the alerts' subscriptions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from alerts.conditions import faulted, meter_silent
from alerts.models import Alert, RemoteStartWatch
from alerts.services import alert_rule_update
from alerts.tasks import evaluate_alerts
from stations.models import ChargingSession, MeterSample, Station
from stations.simulator import SimulatedChargePoint
from stations.simulator.core import utcnow
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.test_commands import command


@pytest.fixture(autouse=True)
def _worker(celery_worker):
    """With Redis, the tasks queued here run on a real worker."""


def _alert(tenant, kind: str, **filters):
    return Alert.objects.filter(tenant=tenant, kind=kind, **filters).first()


def _evaluated(tenant, kind: str, **filters):
    """Queue the periodic evaluation, then look for the alert (polled by `eventually`)."""
    evaluate_alerts.delay()
    return _alert(tenant, kind, **filters)


def _disconnected(station) -> bool:
    return not Station.objects.get(pk=station.pk).connected


async def test_a_dropped_link_is_an_offline_alert_and_reconnecting_resolves_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "CP-DROP")
    alert_rule_update(tenant_id=tenant.pk, kind="station_offline", threshold=0)
    async with charge_point(server, tenant, station, password):
        pass
    await eventually(lambda: _disconnected(station))
    alert = await eventually(lambda: _evaluated(tenant, "station_offline", state="open"),
                             timeout=20)
    assert (alert.key, alert.station_id, alert.severity) == (
        f"station:{station.pk}", station.pk, "critical")
    assert alert.title.startswith("Station CP-DROP offline since ")
    assert alert.details["ocpp_version"] == "1.6"
    async with charge_point(server, tenant, station, password):
        resolved = await eventually(lambda: _alert(tenant, "station_offline", state="resolved"))
    assert (resolved.pk, resolved.resolution) == (alert.pk, "Online again")


async def test_the_stations_of_a_crashed_server_are_offline(fresh_server):
    """A killed server leaves its stations' channels behind; its process no longer beats."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    alert_rule_update(tenant_id=tenant.pk, kind="station_offline", threshold=0)
    async with charge_point(fresh_server, tenant, station, password):
        assert Station.objects.get(pk=station.pk).connected
        fresh_server.stop(hard=True)
    assert Station.objects.get(pk=station.pk).channel_name  # left behind
    await eventually(lambda: _evaluated(tenant, "station_offline", state="open"), timeout=40,
                     interval=1)


async def test_a_faulted_connector_is_an_alert_with_its_codes_and_available_resolves_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "CP-FAULT")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        await cp.call(call16.StatusNotification(
            connector_id=2, status="Faulted", error_code="GroundFailure", vendor_id="ACME",
            vendor_error_code="E42", info="leak", timestamp=utcnow()))
        alert = await eventually(lambda: _alert(tenant, "connector_faulted", state="open"))
        assert alert.key == f"connector:{station.pk}:2:2"
        assert alert.details == {"connector_id": 2, "evse_id": 2, "error_code": "GroundFailure",
                                      "vendor_id": "ACME", "vendor_error_code": "E42",
                                      "info": "leak"}
        assert alert.title == "CP-FAULT: connector 2 faulted (GroundFailure E42)"
        faulted.check(timezone.now())  # the sweep keeps a fault that still holds
        assert _alert(tenant, "connector_faulted", state="open").pk == alert.pk
        await cp.status(1, "Available")  # another connector: not this alert's business
        await cp.status(2, "Available")
        resolved = await eventually(lambda: _alert(tenant, "connector_faulted", state="resolved"))
    assert (resolved.pk, resolved.resolution) == (alert.pk, "Connector Available")


async def test_a_2_0_1_fault_event_is_a_faulted_alert_and_its_clearing_resolves_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)

    def event(cleared: bool) -> call201.NotifyEvent:
        return call201.NotifyEvent(generated_at=utcnow(), seq_no=0, event_data=[{
            "eventId": 2 if cleared else 1, "timestamp": utcnow(), "trigger": "Delta",
            "actualValue": "false" if cleared else "true", "techCode": "E-77",
            "eventNotificationType": "HardWiredNotification", "cleared": cleared,
            "component": {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
            "variable": {"name": "Problem"}}])

    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.call(event(cleared=False))
        alert = await eventually(lambda: _alert(tenant, "connector_faulted", state="open"))
        assert (alert.key, alert.details["error_code"]) == (f"connector:{station.pk}:1:1", "E-77")
        faulted.check(timezone.now())  # the sweep reads the 2.0.1 connector's Faulted too
        assert _alert(tenant, "connector_faulted", state="open").pk == alert.pk
        await cp.call(event(cleared=True))
        await eventually(lambda: _alert(tenant, "connector_faulted", state="resolved"))


async def test_charging_without_meter_values_is_an_alert_until_values_come_again(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        await cp.start_transaction(1, tag.id_tag)
        await cp.status(1, "Charging")
        meter_silent.check(timezone.now() + timedelta(minutes=16))  # the default: 15 min
        alert = _alert(tenant, "meter_silent", state="open")
        assert alert is not None and alert.station_id == station.pk
        await cp.meter_values(1, 500)
        await eventually(lambda: MeterSample.objects.filter(station=station).exists())
        meter_silent.check(timezone.now() + timedelta(minutes=1))
        assert _alert(tenant, "meter_silent", state="resolved").pk == alert.pk


class DriverNeverPlugsIn(SimulatedChargePoint):
    """Accepts a remote start, and then nothing happens."""

    async def _remote_session(self, connector_id: int, id_tag: str) -> None:
        return None


async def test_a_remote_start_accepted_that_never_started_is_an_alert_a_later_session_resolves(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "CP-REMOTE")
    make_id_tag(tenant, "APP-USER")
    alert_rule_update(tenant_id=tenant.pk, kind="remote_start_unused", threshold=0)
    async with charge_point(server, tenant, station, password, cls=DriverNeverPlugsIn) as cp, \
            api_client(server, tenant) as api:
        started = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                 json=command("RemoteStartTransaction",
                                              {"idTag": "APP-USER", "connectorId": 1}))
        assert started.json()["response"] == {"status": "Accepted"}
        watch = RemoteStartWatch.objects.get(station=station)  # recorded before the answer
        assert (watch.connector_id, watch.id_tag, watch.settled_at) == (1, "APP-USER", None)
        alert = await eventually(lambda: _evaluated(tenant, "remote_start_unused", state="open"),
                                 timeout=20)
        assert alert.key == f"remote_start:{station.pk}:1:APP-USER"
        assert "CP-REMOTE" in alert.title
        await cp.start_transaction(1, "APP-USER")
        resolved = await eventually(lambda: _alert(tenant, "remote_start_unused",
                                                   state="resolved"))
    assert resolved.pk == alert.pk


async def test_a_remote_start_that_became_a_session_is_no_alert(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-USER")
    alert_rule_update(tenant_id=tenant.pk, kind="remote_start_unused", threshold=0)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        await api.post(f"/api/v1/stations/{station.identity}/commands/",
                       json=command("RemoteStartTransaction", {"idTag": "APP-USER",
                                                               "connectorId": 1}))
        await eventually(lambda: RemoteStartWatch.objects.filter(
            station=station, settled_at__isnull=False).exists())
    evaluate_alerts()  # here, at once
    assert not Alert.objects.filter(tenant=tenant, kind="remote_start_unused").exists()


async def test_a_session_the_backend_closed_is_an_alert_the_stations_late_stop_resolves(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "CP-CLOSE")
    tag = make_id_tag(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, tag.id_tag)
        session = ChargingSession.objects.get(station=station, transaction_id=start.transaction_id)
        closed = await api.post(f"/api/v1/sessions/{session.pk}/close/", json={})
        assert closed.status_code == 200, closed.text
        alert = _alert(tenant, "session_closed", state="open")  # with the close, in its transaction
        assert (alert.key, alert.details["reason"]) == (f"session:{session.pk}", "operator")
        assert alert.title == f"CP-CLOSE: session {session.pk} closed by the backend (Closed by an operator)"
        await cp.stop_transaction(1)
        resolved = await eventually(lambda: _alert(tenant, "session_closed", state="resolved"))
    assert (resolved.pk, resolved.resolution) == (alert.pk, "The station's own stop arrived")
