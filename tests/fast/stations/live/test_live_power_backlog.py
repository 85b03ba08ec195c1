"""stations/dashboard/live_events.py and a backlog of old MeterValues (a station flushing its queue
after a power cut or a reconnect): the live "power now" never shows a backlog reading; a fresh
reading goes out as before (docs/dashboard.md, "Live updates")."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stations import events, live
from stations.dashboard import live_events
from stations.services.meter_values import samples_from

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


class Link:
    def __init__(self):
        self.memo = {}

    def memo_of(self, app):
        return self.memo.setdefault(app, {})


class Station:
    pk, tenant_id, identity = 1, 1, "BACKLOG-1"


def meter_value(at: datetime, watts: int, register: int) -> dict:
    return {"timestamp": at.isoformat(), "sampledValue": [
        {"measurand": "Power.Active.Import", "unit": "W", "value": str(watts)},
        {"measurand": "Energy.Active.Import.Register", "unit": "Wh", "value": str(register)}]}


def received(meter_values: list[dict], received_at: datetime = NOW):
    """The event the 1.6 core publishes for one MeterValues (its samples as the core makes them)."""
    samples = samples_from(meter_values, station_id=1, connector_id=1, received_at=received_at)
    return events.MeterValuesReceived(Station, 1, 1, samples, received_at, link=None)


def sent_for(monkeypatch, event) -> list[dict]:
    sent = []
    monkeypatch.setattr(live, "publish_soon", lambda tenant_id, e: sent.append(e))
    link = Link()
    live_events.on_meter_values(events.MeterValuesReceived(
        event.station, event.connector_id, event.evse_id, event.samples, event.received_at, link=link))
    return [c for e in sent for c in e["connectors"]]


def test_a_backlog_alone_sends_no_power(monkeypatch):
    backlog = [meter_value(NOW - timedelta(hours=3, minutes=-m), 11000, 5000 + m) for m in range(3)]
    assert sent_for(monkeypatch, received(backlog)) == []


def test_a_backlog_with_the_present_sends_the_present(monkeypatch):
    backlog = [meter_value(NOW - timedelta(hours=2), 11000, 5000), meter_value(NOW, 0, 9000)]
    assert sent_for(monkeypatch, received(backlog)) == [
        {"connector_id": 1, "evse_id": 1, "power_w": 0.0, "meter_wh": 9000}]


def test_a_reading_a_little_late_still_counts(monkeypatch):
    late = [meter_value(NOW - live_events.STALE_AFTER, 7000, 1200)]
    assert sent_for(monkeypatch, received(late)) == [
        {"connector_id": 1, "evse_id": 1, "power_w": 7000.0, "meter_wh": 1200}]


def test_a_station_without_a_plausible_clock_is_taken_as_now(monkeypatch):
    """A stamp before 2015 is not trusted (stations/timestamps.py): the receipt time stands."""
    reading = [meter_value(datetime(2001, 1, 1, tzinfo=UTC), 3000, 10)]
    assert [c["power_w"] for c in sent_for(monkeypatch, received(reading))] == [3000.0]


AGES = st.sampled_from([timedelta(minutes=6), timedelta(hours=1), timedelta(days=2)])


@settings(max_examples=60, deadline=None)
@given(backlog=st.lists(st.tuples(AGES, st.integers(1, 22000)), min_size=1, max_size=6),
       now_watts=st.none() | st.integers(0, 22000))
def test_no_backlog_reading_is_ever_sent_as_the_power_now(backlog, now_watts):
    """Any backlog, in any order, alone or with a present reading in the same MeterValues: the
    power sent is the present one, or none."""
    values = [meter_value(NOW - age, watts, 100 + i) for i, (age, watts) in enumerate(backlog)]
    if now_watts is not None:
        values.append(meter_value(NOW, now_watts, 10_000))
    event = received(values)
    sent = []
    link = Link()
    original = live.publish_soon
    live.publish_soon = lambda tenant_id, e: sent.append(e)
    try:
        live_events.on_meter_values(events.MeterValuesReceived(
            Station, 1, 1, event.samples, NOW, link=link))
    finally:
        live.publish_soon = original
    powers = [c["power_w"] for e in sent for c in e["connectors"]]
    assert powers == ([] if now_watts is None else [float(now_watts)])
