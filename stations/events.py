"""Domain events: how the station core tells the apps above it (billing, load management, and
whatever comes later) what happened, without importing them (docs/architecture.md, domain events).

The core and its version adapters publish plain, frozen dataclasses; an app subscribes a function
to an event type in its `AppConfig.ready()`:

    events.subscribe(events.SessionStopped, on_session_stopped)

`publish(event)` calls every subscriber of the event's type at once, in the publisher's thread, in
the order they subscribed, and returns what they asked to run later. A subscriber:
- in synchronous code (services, tasks, API views) may use the database: it runs inside the
  publisher's transaction, so work that must wait for the commit goes through
  `transaction.on_commit`;
- on the station link's event loop (the OCPP adapters publish there) must not block: it may return
  a *follow-up*, an async callable the adapter runs once the station has its answer (a rebalance
  that sends profiles, a price computed on a database thread).

Events published on the station link carry its `link` (stations/ocpp/link.py): what a
subscriber must remember of the station between its messages lives in `link.memo_of(app)`,
never on the Station.

On the station link a subscriber that fails is logged and skipped: one app's bug never stops a
station's answer or another app's reaction. Inside a transaction a change and the rules other apps
attach to it stand or fall together: `publish_in_transaction(event)` lets a subscriber's error
propagate, so the change rolls back with it.
"""

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

log = logging.getLogger(__name__)

FollowUp = Callable[[], Awaitable]
Event = TypeVar("Event")
Subscriber = Callable[[Any], FollowUp | None]
_subscribers: dict[type, list[Subscriber]] = defaultdict(list)


def subscribe(event_type: type[Event], subscriber: Callable[[Event], FollowUp | None]) -> None:
    if subscriber not in _subscribers[event_type]:
        _subscribers[event_type].append(subscriber)


def unsubscribe(event_type: type, subscriber: Subscriber) -> None:
    if subscriber in _subscribers[event_type]:
        _subscribers[event_type].remove(subscriber)


def publish(event: object) -> list[FollowUp]:
    """Tell every subscriber of `event`'s type; return the follow-ups they asked for."""
    follow_ups = []
    for subscriber in list(_subscribers[type(event)]):
        try:
            follow_up = subscriber(event)
        except Exception:
            log.exception("%s failed on %r", getattr(subscriber, "__qualname__", subscriber), event)
            continue
        if follow_up is not None:
            follow_ups.append(follow_up)
    return follow_ups


def publish_in_transaction(event: object) -> None:
    """Tell every subscriber of `event`'s type inside the caller's transaction; an error
    propagates (the change is rolled back). Subscribers here return no follow-ups."""
    for subscriber in list(_subscribers[type(event)]):
        subscriber(event)


# --- Stations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StationBooted:
    """A BootNotification was accepted (on the event loop)."""

    station: Any  # the link's Station (its attributes are the link's view; read, do not save)
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class StationConnected:
    """A station's WebSocket was accepted (on the event loop, before its first message).
    A subscriber's follow-up runs as a task of its own."""

    station: Any
    link: Any = None  # the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class StationDisconnected:
    """A station's WebSocket closed (on the event loop). Not published for a socket another
    socket of the same station replaced. A subscriber's follow-up runs as a task of its own."""

    station: Any


@dataclass(frozen=True)
class StatusChanged:
    """A connector's (or the station's, connector 0) status was reported (on the event loop)."""

    station: Any
    connector_id: int
    evse_id: int | None
    status: str
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)
    error_code: str = "NoError"  # a Faulted's: 1.6's errorCode, a 2.0.1 fault event's techCode


@dataclass(frozen=True)
class CallSent:
    """A CALL of ours went out on the station's link (on the event loop)."""

    station: Any
    action: str
    payload: dict | None
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class CommandCompleted:
    """A CALL the backend asked for (an operator, the API, a service: `stations/commands/
    sending.py`'s `station_call`) got its outcome, in the process that asked (async code;
    a subscriber's follow-up is awaited before the caller gets the answer).
    `outcome`: "result" (the station answered; `response` is its payload), "invalid" (we refused
    to send it), "refused" (the station is not admitted), "not_connected", "error" (a CALLERROR),
    "disconnected" or "timeout"."""

    station: Any
    action: str
    payload: dict
    outcome: str
    response: dict | None = None
    detail: str = ""


# --- Sessions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionStarted:
    """A station started a transaction (on the event loop, after it was stored)."""

    station: Any
    connector_id: int
    evse_id: int | None
    transaction_id: str  # as the station knows it
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class SessionStopped:
    """A station stopped a transaction (on the event loop, after it was stored).
    `completed_late`: the backend had closed it already, so its price must be corrected."""

    station: Any
    session_id: int | None
    transaction_id: str
    completed_late: bool = False
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class SessionClosed:
    """The backend closed a session the station never stopped (synchronous, inside the close's
    transaction; docs/sessions.md)."""

    session_id: int
    station_id: int
    reason: str


@dataclass(frozen=True)
class MeterValuesReceived:
    """A station reported meter values (on the event loop, after they went to the writer)."""

    station: Any
    connector_id: int
    evse_id: int | None
    samples: list
    received_at: datetime | None = None
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)



# --- Smart charging -------------------------------------------------------------------------

@dataclass(frozen=True)
class ChargingLimitChanged:
    """An external system set, changed or released a limit on the station (2.0.1
    NotifyChargingLimit / ClearedChargingLimit; on the event loop, after it was stored).
    `evse_ids`: the EVSEs concerned (0: the whole station)."""

    station: Any
    evse_ids: tuple[int, ...]
    cleared: bool = False
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)


@dataclass(frozen=True)
class ChargingNeedsReceived:
    """An ISO 15118 car told its needs through a 2.0.1 station (NotifyEVChargingNeeds; on the
    event loop, after they were stored, answered Accepted). A subscriber that steers the EVSE's
    load returns the follow-up that sends it a TxProfile; when none does, smart charging sends
    one within the car's limits (stations/smartcharging/ev_needs.py)."""

    station: Any
    evse_id: int
    session_id: int | None
    link: Any = None  # on the event loop: the station's Link (stations/ocpp/link.py)
