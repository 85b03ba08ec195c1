"""OCPP 2.0.1 transactions: a TransactionEvent (Started, Updated, Ended) applied to the
ChargingSession its station's transactionId names, once, in whatever order it arrives
(docs/sessions.md, OCPP 2.0.1 TransactionEvent).

The station makes the transaction id and numbers its events (seqNo); offline events come late,
after newer ones, and a queue that overflowed loses the Started. So every event is recorded by
(station, transactionId, seqNo) and a retransmission changes nothing twice; each event only adds
what it knows: the start is the Started's time (else the earliest event's), the energy register
only goes up (meter_start the lowest reading, meter_last the highest), a stop never moves
backwards, and the chargingState of the newest event is the session's. The charging state also
goes into the connector's status history in the domain's (1.6's) words, so idle time is priced as
for 1.6 (CHARGING_STATE_STATUS)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from stations import timestamps
from stations.models import ChargingSession, Station, StatusEvent, TransactionEventRecord
from stations.reservations.services import reservation_use
from stations.services import meter_values
from stations.services.authorization import NO_AUTHORIZATION, id_tag_known, station_id_token_info
from stations.services.evses import connector_of_evse
from stations.services.session_lifecycle import sessions_supersede

STARTED, UPDATED, ENDED = "Started", "Updated", "Ended"
STOP_AUTHORIZED = "StopAuthorized"
ACCEPTED = "Accepted"

# 2.0.1's chargingState in the connector statuses billing's timeline reads (1.6's words): a car
# plugged in that takes no energy is parked (SuspendedEV; after the transaction ended, Finishing),
# a connector without a car is neither charging nor parked (Available: the car has left).
CHARGING_STATE_STATUS = {"Charging": "Charging", "SuspendedEV": "SuspendedEV",
                         "SuspendedEVSE": "SuspendedEVSE", "EVConnected": "SuspendedEV",
                         "Idle": "Available"}
AFTER_END_STATUS = {"EVConnected": "Finishing", "SuspendedEV": "Finishing"}


@dataclass(frozen=True)
class EventOutcome:
    session_id: int
    connector_id: int
    evse_id: int | None
    id_token_info: dict | None  # for the answer: the event carried an idToken
    repeated: bool = False  # a retransmission: applied before, nothing changed
    started: bool = False  # this event made the session (a transaction new to us, not ended)
    stopped: bool = False  # this event is the station's first stop of it
    completed_late: bool = False  # ... of a session the backend had closed: correct its price
    running: bool = False  # the session is open after this event
    samples: list = field(default_factory=list)  # what it stored (MeterSample fields)


@transaction.atomic
def transaction_event_apply(*, station: Station, payload: dict, received_at: datetime) -> EventOutcome:
    """Apply one TransactionEvent to its session (made if new); see the module's docstring."""
    transaction_id = payload["transactionInfo"]["transactionId"]
    stamp = timestamps.parse(payload["timestamp"])
    at = timestamps.effective(stamp, received_at)
    session = (ChargingSession.objects.select_for_update()
               .filter(station=station, station_transaction_id=transaction_id).first())
    created = session is None
    if created:
        session = _session_create(station, payload, at=at, stamp=stamp, received_at=received_at)
    if not _record(station, session, payload, stamp=stamp, received_at=received_at):
        return EventOutcome(session.pk, session.connector_id, session.evse_id,
                            _token_info(station, payload, session), repeated=True,
                            running=session.stopped_at is None)
    newest = not TransactionEventRecord.objects.filter(
        station=station, station_transaction_id=transaction_id, seq_no__gt=payload["seqNo"]).exists()
    _place(session, payload.get("evse"))
    samples = _meter(station, session, payload, received_at=received_at)
    earliest = min([at, *(sample["timestamp"] for sample in samples)])
    _times(session, payload["eventType"], at=at, earliest=earliest, stamp=stamp,
           received_at=received_at)
    info = _token(station, session, payload, newest=newest)
    _transaction_info(session, payload, newest=newest)
    stopped, completed_late = _stop(session, payload, at=at, stamp=stamp, received_at=received_at)
    _still_known(session, payload, at=at)
    session.save()
    _charging_status(session, payload, stamp=stamp, received_at=received_at)
    return EventOutcome(session.pk, session.connector_id, session.evse_id, info,
                        started=created and not stopped, stopped=stopped,
                        completed_late=completed_late, running=session.stopped_at is None,
                        samples=samples)


def _session_create(station: Station, payload: dict, *, at: datetime, stamp: datetime | None,
                    received_at: datetime) -> ChargingSession:
    """The transaction is new to us. Unless it ended already, it supersedes the open sessions
    that began before it on its connector (as a 1.6 StartTransaction does)."""
    evse = payload.get("evse")
    connector_id = connector_of_evse(evse["id"], evse.get("connectorId")) if evse else 0
    started = payload["eventType"] == STARTED
    # An event queued offline belongs to an older transaction than the ones we saw online.
    if payload["eventType"] != ENDED and connector_id and not payload.get("offline", False):
        sessions_supersede(station_id=station.pk, connector_id=connector_id, started_at=at,
                           station_started_at=stamp if started else None)
    return ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=connector_id,
        evse_id=evse["id"] if evse else None,
        station_transaction_id=payload["transactionInfo"]["transactionId"],
        started_at=at, station_started_at=stamp if started else None,
        start_received_at=received_at if started else None, start_missing=not started)


def _record(station: Station, session: ChargingSession, payload: dict, *,
            stamp: datetime | None, received_at: datetime) -> bool:
    """Keep the event; False if it was received before (a retransmission)."""
    try:
        with transaction.atomic():
            TransactionEventRecord.objects.create(
                station=station, session=session,
                station_transaction_id=payload["transactionInfo"]["transactionId"],
                seq_no=payload["seqNo"], event_type=payload["eventType"],
                trigger_reason=payload["triggerReason"], offline=payload.get("offline", False),
                station_timestamp=stamp, received_at=received_at)
    except IntegrityError:
        return False
    return True


def _place(session: ChargingSession, evse: dict | None) -> None:
    """The EVSE and connector, once an event names them (the first one should)."""
    if evse is None or (session.evse_id is not None and session.connector_id):
        return
    session.evse_id = evse["id"]
    session.connector_id = connector_of_evse(evse["id"], evse.get("connectorId"))


def _times(session: ChargingSession, event_type: str, *, at: datetime, earliest: datetime,
           stamp: datetime | None, received_at: datetime) -> None:
    """The Started gives the start; until it comes, the earliest event's (or its meter
    values') time stands for it."""
    if event_type == STARTED and session.start_missing:
        session.started_at, session.station_started_at = at, stamp
        session.start_received_at, session.start_missing = received_at, False
    elif session.start_missing and (session.started_at is None or earliest < session.started_at):
        session.started_at = earliest
    if session.stopped_at is not None and session.started_at > session.stopped_at:
        session.started_at = session.stopped_at


def _token(station: Station, session: ChargingSession, payload: dict, *, newest: bool) -> dict | None:
    """The idToken an event carries: the session's (first seen, or a newer authorization), or
    the one that stopped it. Returns the idTokenInfo to answer."""
    id_token = payload.get("idToken")
    if id_token is None:
        return None
    stopping = payload["triggerReason"] == STOP_AUTHORIZED or (
        payload["eventType"] == ENDED and session.id_tag
        and session.id_tag.lower() != id_token["idToken"].lower())
    info = station_id_token_info(station=station, id_token=id_token, check_concurrent=not stopping,
                                 exclude_session_id=session.pk)
    if stopping:
        session.stop_id_tag = id_token["idToken"]
    elif not session.id_token_type or newest:
        tag = id_tag_known(tenant_id=station.tenant_id, id_tag=id_token["idToken"])
        session.id_tag = tag.id_tag if tag is not None else id_token["idToken"]  # as the tenant wrote it
        session.id_token_type = id_token["type"]
        session.id_tag_status = info["status"]
        if id_token["type"] == NO_AUTHORIZATION:
            session.id_tag = ""
    return info


def _token_info(station: Station, payload: dict, session: ChargingSession) -> dict | None:
    """A retransmission's answer: the idTokenInfo as it was (the session itself not counted)."""
    if payload.get("idToken") is None:
        return None
    return station_id_token_info(station=station, id_token=payload["idToken"],
                                 check_concurrent=payload["triggerReason"] != STOP_AUTHORIZED,
                                 exclude_session_id=session.pk)


def _meter(station: Station, session: ChargingSession, payload: dict, *,
           received_at: datetime) -> list[dict]:
    """Store the event's meter values; the register's lowest reading is the start, its highest
    the latest (and, once the station ended it, the stop)."""
    samples = meter_values.samples_from_201(
        payload.get("meterValue", []), station_id=station.pk, connector_id=session.connector_id,
        evse_id=session.evse_id or 0, received_at=received_at)
    meter_values.store(samples, session_id=session.pk)
    registers = [reading for sample in samples
                 if (reading := meter_values.latest_energy_register([sample])) is not None]
    if registers:
        if session.meter_start is None or min(registers) < session.meter_start:
            session.meter_start = min(registers)
        if session.meter_last is None or max(registers) > session.meter_last:
            session.meter_last = max(registers)
    if session.stop_received_at is not None:
        session.meter_stop = session.meter_last
    return samples


def _transaction_info(session: ChargingSession, payload: dict, *, newest: bool) -> None:
    info = payload["transactionInfo"]
    if "remoteStartId" in info:
        session.remote_start_id = info["remoteStartId"]
    if "chargingState" in info and newest:
        session.charging_state = info["chargingState"]
    if payload.get("reservationId") is not None and session.reservation_id is None:
        session.reservation_id = payload["reservationId"]
        reservation_use(session=session, reservation_id=session.reservation_id)


def _stop(session: ChargingSession, payload: dict, *, at: datetime, stamp: datetime | None,
          received_at: datetime) -> tuple[bool, bool]:
    """(stopped now, completed late): the station's first Ended stops the session, or completes
    one the backend had closed with the station's values; another Ended never moves it back."""
    if payload["eventType"] != ENDED:
        return False, False
    if session.stop_received_at is not None:
        if at > session.stopped_at:
            session.stopped_at, session.station_stopped_at = at, stamp
        return False, False
    completed_late = session.stopped_at is not None
    session.stopped_at, session.station_stopped_at, session.stop_received_at = at, stamp, received_at
    session.stop_reason = payload["transactionInfo"].get("stoppedReason", "Local")
    session.meter_stop = session.meter_last if session.meter_last is not None else session.meter_start
    if session.started_at is None or session.started_at > at:
        session.started_at = at
    return True, completed_late


def _still_known(session: ChargingSession, payload: dict, *, at: datetime) -> None:
    """A connector reported free (a cable pulled on the car's side) does not end a 2.0.1
    transaction the station goes on with: an online event stamped after that makes the session
    running again (an offline one is older news and changes nothing; docs/sessions.md)."""
    if (session.freed_at is not None and session.stopped_at is None and at > session.freed_at
            and payload["eventType"] != ENDED and not payload.get("offline", False)):
        session.freed_at = None


def _charging_status(session: ChargingSession, payload: dict, *, stamp: datetime | None,
                     received_at: datetime) -> None:
    """The chargingState as the connector's status, at the station's time (history only: the
    connector's live status is what its StatusNotifications say)."""
    state = payload["transactionInfo"].get("chargingState")
    if state is None or not session.connector_id:
        return
    status = CHARGING_STATE_STATUS[state]
    if payload["eventType"] == ENDED:
        status = AFTER_END_STATUS.get(state, status)
    StatusEvent.objects.create(
        station_id=session.station_id, connector_id=session.connector_id, evse_id=session.evse_id,
        status=status, error_code="NoError", info=f"chargingState {state}",
        station_timestamp=stamp or received_at, received_at=received_at)
