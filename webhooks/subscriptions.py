"""Where webhook events come from: the domain events of the station core (stations/events.py),
of billing (billing/events.py) and of alerts (alerts/events.py), one subscriber per event,
each writing the event of its type (webhooks/catalogue.py) with its payload
(webhooks/payloads.py) through `webhook_emit` (docs/webhooks.md).

A fleet tells many status changes: each subscriber first asks `webhook_wanted`, answered from
the process's memory, and does nothing when no endpoint of the tenant receives the type. On the
station link a subscriber must not block: it returns a follow-up that reads the rows and writes
the event on a database thread. Billing's and alerts' events come inside their transaction: the
event is written there, in a savepoint, so that a failure here is logged and never fails the
price, the invoice or the alert."""

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.db import transaction
from django.utils import timezone

from alerts.events import AlertsTold
from alerts.models import Alert
from billing.events import InvoiceIssued, SessionPriced
from billing.models import Invoice, SessionPrice
from stations import events
from stations.events import FollowUp
from stations.models import ChargingSession, Station
from stations.ocpp.dbthreads import db
from webhooks import payloads
from webhooks.models import WebhookEvent
from webhooks.services import webhook_emit, webhook_types_of, webhook_wanted

log = logging.getLogger(__name__)
STOP_IDS = uuid.UUID("5b0a3c1e-8f43-4a6e-9d0e-2f6c8b7d1a90")  # the namespace of stops' event ids


def _wanted_now(tenant_id: int, type_: str) -> bool:
    """From the process' cache, else from the database (which fills the cache, so that the
    link's next events are answered without it)."""
    wanted = webhook_wanted(tenant_id, type_)
    return type_ in webhook_types_of(tenant_id) if wanted is None else wanted


def _in_savepoint(subscriber: Callable[[Any], None]) -> Callable[[Any], None]:
    """Inside another app's transaction: the subscriber's reads and writes in a savepoint of
    their own; its failure is logged, and the caller's transaction goes on."""

    @wraps(subscriber)
    def guarded(event) -> None:
        try:
            with transaction.atomic():
                subscriber(event)
        except Exception:
            log.exception("No webhook event for %r", event)

    return guarded


def _later(station, type_: str, build: Callable[[Station], dict | None]) -> FollowUp | None:
    """On the link: nothing when nobody wants `type_`, else a follow-up that re-reads the
    station, builds the payload and writes the event on a database thread."""
    if webhook_wanted(station.tenant_id, type_) is False:
        return None
    occurred_at = timezone.now()

    async def follow_up() -> None:
        async with _in_turn(station.pk):
            await db(_emit_for_station, tenant_id=station.tenant_id, station_id=station.pk,
                     type_=type_, build=build, occurred_at=occurred_at)

    return follow_up


_turns: dict[int, asyncio.Lock] = {}


def _in_turn(station_id: int) -> asyncio.Lock:
    """One station's events are written one after the other, in the order its messages came
    (an asyncio.Lock is taken first come, first served): the follow-ups of messages a station
    sends back to back would otherwise race on the database threads, and a later event could
    take a lower id (the order deliveries keep) than an earlier one. A station's link lives on
    one process, so this process' order is the station's."""
    return _turns.setdefault(station_id, asyncio.Lock())


def _emit_for_station(*, tenant_id: int, station_id: int, type_: str,
                      build: Callable[[Station], dict | None], occurred_at: datetime) -> None:
    if not _wanted_now(tenant_id, type_):
        return
    station = Station.objects.filter(tenant_id=tenant_id, pk=station_id).first()
    data = build(station) if station is not None else None
    if data is not None:
        webhook_emit(tenant_id=tenant_id, type=type_, data=data, station_id=station_id,
                     occurred_at=occurred_at)


def _session(station: Station, transaction_id: str, session_id: int | None = None):
    sessions = ChargingSession.objects.filter(tenant_id=station.tenant_id, station=station)
    if session_id is not None:
        return sessions.filter(pk=session_id).first()
    return sessions.filter(station_transaction_id=transaction_id).order_by("-id").first()


# --- The station link (on its event loop) ------------------------------------------------------

def on_station_connected(event: events.StationConnected) -> FollowUp | None:
    return _later(event.station, "station.connected", payloads.station_connected)


def on_station_disconnected(event: events.StationDisconnected) -> FollowUp | None:
    return _later(event.station, "station.disconnected", payloads.station_disconnected)


def on_station_booted(event: events.StationBooted) -> FollowUp | None:
    return _later(event.station, "station.booted", payloads.station_booted)


def on_status_changed(event: events.StatusChanged) -> FollowUp | None:
    return _later(event.station, "station.status_changed", lambda station: payloads.station_status_changed(
        station, connector_id=event.connector_id, evse_id=event.evse_id, status=event.status,
        error_code=event.error_code))


def on_session_started(event: events.SessionStarted) -> FollowUp | None:
    def build(station: Station) -> dict | None:
        session = _session(station, event.transaction_id)
        return payloads.session_started(session) if session is not None else None

    return _later(event.station, "session.started", build)


def on_session_stopped(event: events.SessionStopped) -> FollowUp | None:
    station = event.station
    if webhook_wanted(station.tenant_id, "session.stopped") is False:
        return None

    async def follow_up() -> None:
        async with _in_turn(station.pk):
            await db(_emit_stopped, station=station, transaction_id=event.transaction_id,
                     session_id=event.session_id, completed_late=event.completed_late)

    return follow_up


def _emit_stopped(*, station, transaction_id: str, session_id: int | None,
                  completed_late: bool) -> None:
    if _wanted_now(station.tenant_id, "session.stopped"):
        session = _session(station, transaction_id, session_id)
        if session is not None:
            _emit_stop(session, completed_late=completed_late)


def _emit_stop(session: ChargingSession, *, completed_late: bool) -> None:
    """A session's stop is told once, by whichever comes first: the link's follow-up or its
    price (billing prices it on another thread, or worker, at the same time; a receiver hears
    of the stop before its price). One id per session's stop makes the second a no-op."""
    event_id = uuid.uuid5(STOP_IDS, f"{session.tenant_id}:{session.pk}")
    if WebhookEvent.objects.filter(tenant_id=session.tenant_id, pk=event_id).exists():
        return
    webhook_emit(tenant_id=session.tenant_id, type="session.stopped", station_id=session.station_id,
                 data=payloads.session_stopped(session, completed_late=completed_late),
                 occurred_at=session.stop_received_at or session.stopped_at or timezone.now(),
                 event_id=event_id)


# --- Inside the transaction of the change ------------------------------------------------------

@_in_savepoint
def on_session_closed(event: events.SessionClosed) -> None:
    session = ChargingSession.objects.select_related("station").filter(pk=event.session_id).first()
    if session is not None and _wanted_now(session.tenant_id, "session.closed"):
        webhook_emit(tenant_id=session.tenant_id, type="session.closed", station_id=session.station_id,
                     data=payloads.session_closed(session, reason=event.reason),
                     occurred_at=session.stopped_at or timezone.now())


@_in_savepoint
def on_session_priced(event: SessionPriced) -> None:
    if not _wanted_now(event.tenant_id, "session.priced"):
        return
    price = (SessionPrice.objects.select_related("session__station")
             .filter(tenant_id=event.tenant_id, session_id=event.session_id).first())
    if price is None:
        return
    if price.session.stop_received_at is not None and _wanted_now(event.tenant_id, "session.stopped"):
        _emit_stop(price.session, completed_late=event.corrected)  # its stop before its price
    webhook_emit(tenant_id=event.tenant_id, type="session.priced",
                 station_id=price.session.station_id,
                 data=payloads.session_priced(price, corrected=event.corrected),
                 occurred_at=price.priced_at or timezone.now())


@_in_savepoint
def on_invoice_issued(event: InvoiceIssued) -> None:
    if not _wanted_now(event.tenant_id, "invoice.issued"):
        return
    invoice = (Invoice.objects.select_related("credits")
               .filter(tenant_id=event.tenant_id, pk=event.invoice_id).first())
    if invoice is not None:
        webhook_emit(tenant_id=event.tenant_id, type="invoice.issued",
                     data=payloads.invoice_issued(invoice), occurred_at=invoice.issued_at)


@_in_savepoint
def on_alerts_told(event: AlertsTold) -> None:
    """Each alert told, or, for a burst, one summary: 10,000 stations dropped at once make one
    webhook, not 10,000."""
    if event.summarized:
        if _wanted_now(event.tenant_id, "alert.summary"):
            _emit_summary(event)
        return
    for type_, ids in (("alert.opened", event.opened), ("alert.resolved", event.resolved)):
        if ids and _wanted_now(event.tenant_id, type_):
            _emit_alerts(event.tenant_id, type_, ids)


def _emit_alerts(tenant_id: int, type_: str, ids: tuple[int, ...]) -> None:
    alerts = Alert.objects.select_related("station").filter(tenant_id=tenant_id, pk__in=ids).order_by("pk")
    for alert in alerts:
        moment = alert.resolved_at if type_ == "alert.resolved" else alert.opened_at
        webhook_emit(tenant_id=tenant_id, type=type_, data=payloads.alert(alert),
                     station_id=alert.station_id, occurred_at=moment or timezone.now())


def _emit_summary(event: AlertsTold) -> None:
    kinds = dict(Alert.objects.filter(tenant_id=event.tenant_id,
                                      pk__in=[*event.opened, *event.resolved])
                 .values_list("pk", "kind"))
    webhook_emit(tenant_id=event.tenant_id, type="alert.summary", occurred_at=timezone.now(),
                 data=payloads.alert_summary(
                     opened=[(pk, kinds[pk]) for pk in event.opened if pk in kinds],
                     resolved=[(pk, kinds[pk]) for pk in event.resolved if pk in kinds]))


SUBSCRIPTIONS = (
    (events.StationConnected, on_station_connected),
    (events.StationDisconnected, on_station_disconnected),
    (events.StationBooted, on_station_booted),
    (events.StatusChanged, on_status_changed),
    (events.SessionStarted, on_session_started),
    (events.SessionStopped, on_session_stopped),
    (events.SessionClosed, on_session_closed),
    (SessionPriced, on_session_priced),
    (InvoiceIssued, on_invoice_issued),
    (AlertsTold, on_alerts_told),
)


def subscribe() -> None:
    for event_type, subscriber in SUBSCRIPTIONS:
        events.subscribe(event_type, subscriber)


subscribe()  # WebhooksConfig.ready() imports this module
