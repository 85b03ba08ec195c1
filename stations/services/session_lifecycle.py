"""The session lifecycle (docs/sessions.md): which sessions are running, and closing the ones a
station will never stop.

Real stations lose StopTransactions (a power cut, a start they dropped after our ConcurrentTx,
a second start on a busy connector). A session left open would lock its card, take a share of its
load group and never be billed, so the backend closes it itself, at the last reading it has:
- superseded: a newer StartTransaction on the same connector (at once);
- connector_available: the connector was reported free (Available, or Preparing for a new car)
  after the start, and no stop came within SESSION_STOP_GRACE_SECONDS;
- unknown_to_station: the station rejected a TxProfile for it after its connector was freed
  (marked stale), and no stop came within the grace period;
- station_silent: the station sent nothing for SESSION_SILENT_HOURS;
- operator: closed through the API or the dashboard.
A station's own StopTransaction arriving later still completes the session with its values
(transactions.transaction_stop); it never makes a second session.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from stations import events
from stations.models import ChargingSession, CloseReason, MeterSample
from stations.selectors import sessions_by_transaction_id

log = logging.getLogger(__name__)

ACCEPTED = "Accepted"
# A connector in one of these states after a start has no car of that session on it any more.
FREE_STATUSES = ("Available", "Preparing")
# Stations send out of order by seconds; a status stamped further before a start than this
# comes from a clock that was wrong (reset in a power cut), not from before the start.
REORDERED_AT_MOST = timedelta(minutes=10)


def running_sessions() -> QuerySet[ChargingSession]:
    """Open sessions whose start was accepted, whose connector was not reported free since, and
    that the station still knows (by our 1.6 integer or a 2.0.1 station's own id)."""
    return ChargingSession.objects.filter(
        Q(transaction_id__isnull=False) | ~Q(station_transaction_id=""), stopped_at__isnull=True,
        id_tag_status=ACCEPTED, freed_at__isnull=True, stale_at__isnull=True)


def sessions_free(*, station_id: int, connector_id: int, at: datetime,
                  station_stamp: datetime | None) -> int:
    """The connector was reported free (received `at`): the open sessions that started before
    are over for the station. A status it stamped moments before a start but that we read after
    it (sent out of order) frees nothing; one stamped long before is a clock reset by the power
    cut, and what we received decides. The first such report counts (the grace period runs
    from it)."""
    sessions = ChargingSession.objects.filter(
        station_id=station_id, connector_id=connector_id, stopped_at__isnull=True,
        freed_at__isnull=True, start_received_at__lt=at)
    if station_stamp is not None:
        sessions = sessions.exclude(station_started_at__gt=station_stamp,
                                    station_started_at__lt=station_stamp + REORDERED_AT_MOST)
    return sessions.update(freed_at=at)


def live_sessions_of_id_tag(*, tenant_id: int, id_tag: str,
                            exclude_session_id: int | None = None) -> int:
    """How many sessions the id tag (its stored spelling) runs now."""
    return (running_sessions().filter(tenant_id=tenant_id, id_tag=id_tag)
            .exclude(pk=exclude_session_id).count())


# Closing ---------------------------------------------------------------------------------------
class SessionNotOpen(Exception):
    """The session is stopped already."""


@dataclass(frozen=True)
class Closing:
    reason: str
    at: datetime | None = None  # None: its last sample, else `fallback_at`
    fallback_at: datetime | None = None
    meter_stop: int | None = None  # None: its last register reading
    by: str = ""


def session_close(*, session: ChargingSession, closing: Closing) -> ChargingSession:
    """Close an open session the station did not stop (call inside a transaction that holds the
    session's row lock). Priced like any stopped session, once committed."""
    if session.stopped_at is not None:
        raise SessionNotOpen(f"Session {session.pk} is stopped already.")
    meter_stop = closing.meter_stop
    if meter_stop is None:
        meter_stop = session.meter_last if session.meter_last is not None else session.meter_start
    at = closing.at or _last_sample_at(session) or closing.fallback_at or session.started_at
    if session.started_at is not None and at is not None and at < session.started_at:
        at = session.started_at
    session.meter_stop = meter_stop
    if meter_stop is not None and (session.meter_last is None or meter_stop > session.meter_last):
        session.meter_last = meter_stop
    session.stopped_at = at
    session.stop_reason = "Other"
    session.closed_reason = closing.reason
    session.closed_by = closing.by[:150]
    session.save(update_fields=["meter_stop", "meter_last", "stopped_at", "stop_reason",
                                "closed_reason", "closed_by"])
    log.info("Session %s (transaction %s) closed by the backend: %s", session.pk,
             session.transaction_id, closing.reason)
    # Billing prices it once this commits (billing/subscriptions.py).
    events.publish_in_transaction(events.SessionClosed(session.pk, session.station_id, closing.reason))
    return session


def _last_sample_at(session: ChargingSession) -> datetime | None:
    return (MeterSample.objects.filter(session_id=session.pk).order_by("-timestamp")
            .values_list("timestamp", flat=True).first())


def sessions_supersede(*, station_id: int, connector_id: int, started_at: datetime,
                       station_started_at: datetime | None) -> list[int]:
    """A new transaction starts on the connector: the open sessions that began before it end
    (a queued start of an older transaction, delivered late, supersedes nothing)."""
    closed = []
    open_here = (ChargingSession.objects.select_for_update()
                 .filter(station_id=station_id, connector_id=connector_id, stopped_at__isnull=True))
    for session in open_here:
        if _began_after(session, station_started_at, started_at):
            continue
        fallback = started_at if session.id_tag_status == ACCEPTED else session.started_at
        session_close(session=session, closing=Closing(CloseReason.SUPERSEDED, fallback_at=fallback))
        closed.append(session.pk)
    return closed


def _began_after(session: ChargingSession, station_stamp: datetime | None, started_at: datetime) -> bool:
    """Is the open session the newer one? By the station's stamps only within the reordering
    window: a new start stamped long before it comes from a clock reset by a reboot."""
    if station_stamp is not None and session.station_started_at is not None:
        return timedelta(0) < session.station_started_at - station_stamp < REORDERED_AT_MOST
    return session.started_at is not None and session.started_at > started_at


@transaction.atomic
def session_close_by_operator(*, tenant_id: int, session_id: int, by: str,
                              meter_stop: int | None = None,
                              stopped_at: datetime | None = None) -> ChargingSession:
    """An operator closes a session themselves; who did is kept. Raises ChargingSession.DoesNotExist
    (another tenant's, or none), SessionNotOpen, or ValueError for values that cannot be."""
    session = ChargingSession.objects.select_for_update().get(pk=session_id, tenant_id=tenant_id)
    if session.stopped_at is not None:
        raise SessionNotOpen("The session is stopped already.")
    if meter_stop is not None and session.meter_start is not None and meter_stop < session.meter_start:
        raise ValueError(f"meter_stop {meter_stop} is below the session's meter_start {session.meter_start}.")
    if stopped_at is not None:
        if session.started_at is not None and stopped_at < session.started_at:
            raise ValueError("stopped_at is before the session started.")
        if stopped_at > timezone.now() + timedelta(minutes=1):
            raise ValueError("stopped_at is in the future.")
    return session_close(session=session, closing=Closing(  # default: its last sample, else now
        CloseReason.OPERATOR, at=stopped_at, fallback_at=timezone.now(), meter_stop=meter_stop, by=by))


def session_mark_stale(*, station_id: int, transaction_id: int | str) -> bool:
    """The station rejected a TxProfile for this transaction after its connector was freed: it
    does not know it. No longer running; closed after the grace period unless a stop comes."""
    return bool(sessions_by_transaction_id(station_id=station_id, transaction_id=transaction_id)
                .filter(stopped_at__isnull=True, stale_at__isnull=True)
                .update(stale_at=timezone.now()))


# The periodic task ------------------------------------------------------------------------------
def sessions_close_orphans(*, now: datetime | None = None) -> dict[str, int]:
    """Close what the rules say is over; returns how many per reason. Each session is closed in a
    transaction of its own, under its row lock, and only if still open (two workers, or a stop
    arriving meanwhile, never close one twice)."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.SESSION_STOP_GRACE_SECONDS)
    silent = now - timedelta(hours=settings.SESSION_SILENT_HOURS)
    closed = {reason: 0 for reason in CloseReason.values}
    for session_id, closing in _due(grace=grace, silent=silent):
        closed[closing.reason] += _close_if_open(session_id, closing)
    return {reason: count for reason, count in closed.items() if count}


def _due(*, grace: datetime, silent: datetime):
    open_sessions = ChargingSession.objects.filter(stopped_at__isnull=True).select_related("station")
    for session in open_sessions.filter(stale_at__lt=grace):
        yield session.pk, Closing(CloseReason.UNKNOWN_TO_STATION, fallback_at=session.stale_at)
    for session in open_sessions.filter(Q(station__last_seen__lt=silent)
                                        | Q(station__last_seen__isnull=True, started_at__lt=silent)):
        yield session.pk, Closing(CloseReason.STATION_SILENT,
                                  fallback_at=session.station.last_seen or session.started_at)
    for session in open_sessions.filter(freed_at__lt=grace):
        fallback = session.freed_at if session.id_tag_status == ACCEPTED else session.started_at
        yield session.pk, Closing(CloseReason.CONNECTOR_AVAILABLE, fallback_at=fallback)


@transaction.atomic
def _close_if_open(session_id: int, closing: Closing) -> int:
    session = ChargingSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None or session.stopped_at is not None:
        return 0
    session_close(session=session, closing=closing)
    return 1
