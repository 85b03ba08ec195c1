"""What this app reacts to: domain events (stations/events.py, billing/events.py), for the
conditions events tell of at once (docs/alerts.md "Conditions").

On the station link (and in the process that sent a command) a subscriber must not block: it
returns a follow-up that does its database work on a database thread
(`stations.ocpp.dbthreads.db`). SessionClosed comes synchronously inside the close's
transaction: its alert is raised there, with the close. Subscribed when AlertsConfig.ready()
imports this module."""

import logging

from django.utils import timezone

from alerts import subscriptions_ops  # noqa: F401  (operations' alerts: invoice runs, ...)
from alerts.conditions import faulted, meter_silent, offline, remote_start, session_closed
from stations import events
from stations.events import FollowUp
from stations.ocpp.dbthreads import db

log = logging.getLogger(__name__)


def on_station_connected(event: events.StationConnected) -> FollowUp:
    station, at = event.station, timezone.now()
    return lambda: db(offline.station_online, tenant_id=station.tenant_id, station_id=station.pk,
                      connected_at=at)


def on_status_changed(event: events.StatusChanged) -> FollowUp:
    station, at = event.station, timezone.now()
    if event.status == "Faulted":
        return lambda: db(faulted.connector_faulted, station_id=station.pk,
                          evse_id=event.evse_id, connector_id=event.connector_id,
                          error_code=event.error_code, at=at)
    return lambda: db(faulted.connector_not_faulted, tenant_id=station.tenant_id,
                      station_id=station.pk, evse_id=event.evse_id,
                      connector_id=event.connector_id, status=event.status)


def on_command_completed(event: events.CommandCompleted) -> FollowUp | None:
    if not remote_start.accepted(event.action, event.outcome, event.response):
        return None
    station_id, at = event.station.pk, timezone.now()
    return lambda: db(remote_start.remote_start_watch, station_id=station_id,
                      action=event.action, payload=event.payload, at=at)


def on_session_started(event: events.SessionStarted) -> FollowUp:
    station_id, at = event.station.pk, timezone.now()
    return lambda: db(remote_start.remote_start_settle, station_id=station_id,
                      connector_id=event.connector_id, evse_id=event.evse_id, at=at)


def on_session_stopped(event: events.SessionStopped) -> FollowUp | None:
    if event.session_id is None:
        return None
    tenant_id, session_id = event.station.tenant_id, event.session_id
    return lambda: db(_session_stopped, tenant_id=tenant_id, session_id=session_id,
                      late=event.completed_late)


def _session_stopped(*, tenant_id: int, session_id: int, late: bool) -> None:
    meter_silent.session_ended(tenant_id=tenant_id, session_id=session_id)
    if late:
        session_closed.session_stopped_late(tenant_id=tenant_id, session_id=session_id)


def on_session_closed(event: events.SessionClosed) -> None:
    """Inside the close's transaction; the alert's own savepoint keeps a failure of ours from
    undoing the close (an alert lost is logged, a close lost would be wrong)."""
    try:
        session_closed.session_closed(session_id=event.session_id, reason=event.reason)
    except Exception:
        log.exception("The alert of closed session %s failed", event.session_id)


SUBSCRIPTIONS = (
    (events.StationConnected, on_station_connected),
    (events.StatusChanged, on_status_changed),
    (events.CommandCompleted, on_command_completed),
    (events.SessionStarted, on_session_started),
    (events.SessionStopped, on_session_stopped),
    (events.SessionClosed, on_session_closed),
)

for _event_type, _subscriber in SUBSCRIPTIONS:
    events.subscribe(_event_type, _subscriber)
