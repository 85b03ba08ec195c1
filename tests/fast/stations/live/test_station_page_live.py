"""The station page's display (issue 21, "Defects seen"): a meter start of 0 reads "0 Wh", the
frame log shows JSON, an offline station's connectors are greyed with their last known status,
the running session's power and the current limit with its source are on the page; and what the
live feed sends of meter values (stations/dashboard/live_events.py): one event per station per
METER_INTERVAL at most, cheap enough for a fleet."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loadmgmt.models import ConnectorLimit, LoadGroup
from stations import events, live
from stations.dashboard import live_events
from stations.models import ChargingSession, Connector, MeterSample, OcppMessage
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC).replace(microsecond=0)


def running_station(tenant, identity: str, *, meter_start: int = 0):
    station, _ = make_station(tenant, identity)
    Connector.objects.create(station=station, connector_id=1, status="Available", updated_at=NOW)
    session = ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, transaction_id=7, station_transaction_id="7",
        id_tag="CARD", id_tag_status="Accepted", started_at=NOW - timedelta(minutes=5),
        meter_start=meter_start, meter_last=meter_start)
    return station, session


def page_of(tenant, identity: str, role=Role.MANAGER) -> str:
    return signed_in(member(tenant, role)).get(f"/stations/{identity}/").content.decode()


def test_a_meter_start_of_0_reads_0_wh_on_the_station_and_session_pages():
    tenant = make_tenant("Zero")
    station, session = running_station(tenant, "ZERO-1")
    assert '<td data-label="Meter start">0 Wh</td>' in page_of(tenant, "ZERO-1")
    body = signed_in(member(tenant, Role.MANAGER)).get(f"/sessions/{session.pk}/").content.decode()
    assert '<span data-field="meter-start">0 Wh</span>' in body


def test_the_frame_log_shows_json_not_python():
    tenant = make_tenant("Json")
    station, _ = make_station(tenant, "JSON-1")
    OcppMessage.objects.create(tenant=tenant, station=station, direction="in", message_type=2,
                               action="StatusNotification", unique_id="1", created_at=NOW,
                               payload={"connectorId": 1, "status": "Available", "ok": True})
    body = page_of(tenant, "JSON-1")
    assert "&quot;connectorId&quot;: 1" in body and "&quot;ok&quot;: true" in body
    assert "&#x27;connectorId&#x27;" not in body and "True" not in body.split("message-log", 1)[1]


def test_an_offline_stations_connector_is_greyed_with_its_last_known_status():
    tenant = make_tenant("Offline")
    running_station(tenant, "OFF-1")
    body = page_of(tenant, "OFF-1")
    assert "offline (last known: Available)" in body
    assert 'class="connector status-available"' not in body
    listed = signed_in(member(tenant, Role.MANAGER)).get("/stations/").content.decode()
    assert "offline (last known: Available)" in listed and "status-available" not in listed


def test_the_running_sessions_power_and_energy_are_on_the_page():
    tenant = make_tenant("Power")
    station, session = running_station(tenant, "POW-1", meter_start=1000)
    ChargingSession.objects.filter(pk=session.pk).update(meter_last=1204)
    for phase, watts in (("L1", "2300"), ("L2", "2300"), ("L3", "2300")):
        MeterSample.objects.create(station=station, session=session, connector_id=1, evse_id=1,
                                   timestamp=NOW, received_at=NOW, measurand="Power.Active.Import",
                                   phase=phase, location="Outlet", unit="W", value=Decimal(watts))
    body = page_of(tenant, "POW-1")
    assert 'data-power="1">6.9 kW</td>' in body
    assert '<td data-label="Energy" data-energy>204 Wh</td>' in body
    assert 'data-running="1" data-meter-start="1000"' in body


def test_the_current_limit_shows_its_source():
    tenant = make_tenant("Limit")
    group = LoadGroup.objects.create(tenant=tenant, name="Car park", max_current=32)
    station, _ = running_station(tenant, "LIM-1")
    from tests.factories import set_station_group
    set_station_group(station, group)
    ConnectorLimit.objects.create(station=station, connector_id=1, station_transaction_id="7",
                                  limit=Decimal("16.0"), status="Accepted", updated_at=NOW)
    ConnectorLimit.objects.create(station=station, connector_id=0, limit=Decimal("6.0"),
                                  status="Accepted", updated_at=NOW)
    body = page_of(tenant, "LIM-1")
    section = body.split('id="station-limit"', 1)[1].split("</section>", 1)[0]
    assert "16.0 A" in section and "load group" in section and "Car park" in section
    assert "6.0 A" in section and "failsafe" in section


def test_a_station_of_another_tenant_is_not_found():
    tenant, other = make_tenant("Mine"), make_tenant("Theirs")
    running_station(other, "THEIRS-1")
    assert signed_in(member(tenant, Role.MANAGER)).get("/stations/THEIRS-1/").status_code == 404


# --- the live events ----------------------------------------------------------------------------

class Link:
    def __init__(self):
        self.memo = {}

    def memo_of(self, app):
        return self.memo.setdefault(app, {})


def samples(register: int, watts: str) -> list[dict]:
    return [{"measurand": "Energy.Active.Import.Register", "phase": "", "location": "Outlet",
             "unit": "Wh", "value": Decimal(register)},
            {"measurand": "Power.Active.Import", "phase": "", "location": "Outlet", "unit": "W",
             "value": Decimal(watts)}]


def test_meter_reading_sums_phases_and_reads_the_register():
    phases = [{"measurand": "Power.Active.Import", "phase": p, "location": "Outlet", "unit": "W",
               "value": Decimal("2300")} for p in ("L1", "L2", "L3")]
    assert live_events.meter_reading(phases) == {"power_w": 6900.0, "meter_wh": None}
    assert live_events.meter_reading(samples(1204, "7000")) == {"power_w": 7000.0, "meter_wh": 1204}
    assert live_events.meter_reading([{"measurand": "SoC", "value": Decimal(50)}]) == {
        "power_w": None, "meter_wh": None}


def test_meter_values_send_one_event_per_station_per_interval(monkeypatch):
    sent = []
    monkeypatch.setattr(live, "publish_soon", lambda tenant_id, event: sent.append(event))

    class Station:
        pk, tenant_id, identity = 1, 1, "BUSY-1"

    link, n, at = Link(), 20000, timezone.now()
    received = [events.MeterValuesReceived(Station, 1, 1, samples(1000 + i, "7000"), at, link=link)
                for i in range(n)]
    started = time.perf_counter()
    for event in received:
        live_events.on_meter_values(event)
    per_call = (time.perf_counter() - started) / n * 1e6
    print(f"\nlive_events.on_meter_values: {per_call:.2f} µs per MeterValues")
    assert len(sent) == 1  # the rest wait for the interval (no loop here: no trailing send)
    assert sent[0] == {"type": "station.meter", "station": "BUSY-1", "connectors": [
        {"connector_id": 1, "evse_id": 1, "power_w": 7000.0, "meter_wh": 1000}]}
    assert per_call < 500  # generous: the tier runs on shared cores; the figure is printed


def test_session_events_go_to_the_feed(monkeypatch):
    sent = []
    monkeypatch.setattr(live, "publish_soon", lambda tenant_id, event: sent.append((tenant_id, event)))

    class Station:
        pk, tenant_id, identity = 2, 5, "SESS-1"

    live_events.on_session_started(events.SessionStarted(Station, 1, 1, "42", link=Link()))
    live_events.on_session_stopped(events.SessionStopped(Station, 9, "42", link=Link()))
    assert [e["type"] for _, e in sent] == ["session.started", "session.stopped"]
    assert sent[0] == (5, {"type": "session.started", "station": "SESS-1", "connector_id": 1,
                           "evse_id": 1, "transaction_id": "42"})


@pytest.mark.parametrize("part, expected", [
    ("station-sessions", 'id="station-sessions"'), ("remote-stop-slot", 'id="remote-stop-slot"'),
    ("station-limit", 'id="station-limit"'), ("message-log", 'id="message-log"')])
def test_each_live_part_is_answered_alone(part, expected):
    tenant = make_tenant("Parts")
    running_station(tenant, "PART-1")
    client = signed_in(member(tenant, Role.INSTALLER))
    response = client.get("/stations/PART-1/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=part)
    body = response.content.decode()
    assert response.status_code == 200 and expected in body and "<html" not in body
    if part == "remote-stop-slot":
        assert 'value="7"' in body


def test_the_parts_of_another_tenants_station_are_not_found():
    tenant, other = make_tenant("PartsMine"), make_tenant("PartsTheirs")
    running_station(other, "PART-THEIRS")
    client = signed_in(member(tenant, Role.MANAGER))
    response = client.get("/stations/PART-THEIRS/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="station-sessions")
    assert response.status_code == 404


def test_an_accountant_gets_no_remote_stop():
    tenant = make_tenant("PartsAccountant")
    running_station(tenant, "PART-ACC")
    client = signed_in(member(tenant, Role.ACCOUNTANT))
    body = client.get("/stations/PART-ACC/", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="remote-stop-slot").content.decode()
    assert "<form" not in body
