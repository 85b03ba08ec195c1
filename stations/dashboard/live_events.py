"""What the dashboard learns live of sessions and meter values: domain events (stations/events.py)
turned into small events on the tenant's dashboard feed (stations/live.py), so the station page,
the overview and the sessions list follow a session without a reload (docs/dashboard.md,
"Live updates").

Session events are rare and go out as they come. MeterValues are not: a fleet sends thousands a
second, so a station's power and energy go out at most once per METER_INTERVAL seconds (the
latest values of each connector; the last ones of a burst follow when the interval ends). The
subscriber does no database work on the link's event loop: it reads the samples it is given, and
only the fresh ones (a backlog flushed after a reconnect is history, not the power now).
"""

import asyncio
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from stations import events, live
from stations.services.meter_values import ENERGY_REGISTER

METER_INTERVAL = 2.0  # seconds between two meter events of one station
STALE_AFTER = timedelta(minutes=5)  # a sample older than this when received is no live reading
MEMO = "dashboard"  # this module's memory of a link (stations/ocpp/link.py)
POWER = "Power.Active.Import"
PHASES = ("L1", "L2", "L3", "L1-N", "L2-N", "L3-N")
_unlinked: dict[int, dict] = {}  # memos of stations whose events come without a link (tests)


def _publish_soon(tenant_id: int, event: dict) -> None:
    try:
        live.publish_soon(tenant_id, event)
    except RuntimeError:  # no event loop (a script, a test): nobody watches live
        pass


def on_session_started(event: events.SessionStarted) -> None:
    station = event.station
    _publish_soon(station.tenant_id, {
        "type": "session.started", "station": station.identity,
        "connector_id": event.connector_id, "evse_id": event.evse_id,
        "transaction_id": event.transaction_id})


def on_session_stopped(event: events.SessionStopped) -> None:
    station = event.station
    _memo(event.link, station.pk).get("pending", {}).clear()  # no power after the stop
    _publish_soon(station.tenant_id, {
        "type": "session.stopped", "station": station.identity,
        "session_id": event.session_id, "transaction_id": event.transaction_id})


def on_session_closed(event: events.SessionClosed) -> None:
    """Published inside the close's transaction: the event goes out once it is committed."""
    transaction.on_commit(lambda: _closed_publish(event))


def _closed_publish(event: events.SessionClosed) -> None:
    from stations.models import Station

    station = Station.objects.filter(pk=event.station_id).values("tenant_id", "identity").first()
    if station is None:
        return
    try:
        live.publish(station["tenant_id"], {"type": "session.stopped", "station": station["identity"],
                                            "session_id": event.session_id, "closed": event.reason})
    except Exception:  # best effort, as every live event: the page shows it on its next read
        pass


def _memo(link, station_id: int) -> dict:
    return link.memo_of(MEMO) if link is not None else _unlinked.setdefault(station_id, {})


def meter_reading(samples: list[dict]) -> dict:
    """The power (W, all phases) and energy register (Wh) of a MeterValues, from its latest
    samples at the outlet; a value it does not carry is None."""
    power_total, power_phases, register = None, {}, None
    for sample in samples:
        value = sample.get("value")
        if value is None or sample.get("location", "Outlet") not in ("Outlet", ""):
            continue
        measurand, phase = sample.get("measurand"), sample.get("phase", "")
        if measurand == POWER and sample.get("unit") == "W":
            if phase:
                power_phases[phase] = value
            else:
                power_total = value
        elif measurand == ENERGY_REGISTER and sample.get("unit") == "Wh" and not phase:
            register = value
    if power_total is None and power_phases:
        power_total = sum((v for p, v in power_phases.items() if p in PHASES), Decimal(0))
    return {"power_w": None if power_total is None else float(power_total),
            "meter_wh": None if register is None else int(register)}


def fresh(samples: list[dict]) -> list[dict]:
    """The samples that tell the present: a sample stamped more than STALE_AFTER before it was
    received is a backlog's (a station flushing its queue after a power cut or a reconnect). It
    is stored as history, but it is no current power, and its register no current energy."""
    return [s for s in samples if s.get("timestamp") is None or s.get("received_at") is None
            or s["received_at"] - s["timestamp"] <= STALE_AFTER]


def on_meter_values(event: events.MeterValuesReceived) -> None:
    reading = meter_reading(fresh(event.samples))
    if reading["power_w"] is None and reading["meter_wh"] is None:
        return
    station = event.station
    memo = _memo(event.link, station.pk)
    memo.setdefault("pending", {})[event.connector_id] = {
        "connector_id": event.connector_id, "evse_id": event.evse_id, **reading}
    wait = memo.get("sent_at", -METER_INTERVAL) + METER_INTERVAL - time.monotonic()
    if wait <= 0:
        _meter_flush(station, memo)
    elif not memo.get("scheduled"):
        try:
            asyncio.get_running_loop().call_later(wait, _meter_flush, station, memo)
            memo["scheduled"] = True
        except RuntimeError:  # no event loop: nothing to send later with
            pass


def _meter_flush(station, memo: dict) -> None:
    memo["scheduled"] = False
    pending = memo.get("pending") or {}
    if not pending:
        return
    memo["sent_at"] = time.monotonic()
    readings = sorted(pending.values(), key=lambda r: r["connector_id"])
    pending.clear()
    _publish_soon(station.tenant_id, {"type": "station.meter", "station": station.identity,
                                      "connectors": readings})


SUBSCRIPTIONS = (
    (events.SessionStarted, on_session_started),
    (events.SessionStopped, on_session_stopped),
    (events.SessionClosed, on_session_closed),
    (events.MeterValuesReceived, on_meter_values),
)


def subscribe() -> None:
    for event_type, subscriber in SUBSCRIPTIONS:
        events.subscribe(event_type, subscriber)
