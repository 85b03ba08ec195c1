"""A running 2.0.1 transaction's plain Updated events, applied in the group commit.

Most of a 2.0.1 fleet's traffic is TransactionEvent Updated with meter values: through
`transaction_event_apply` each cost about nine statements and most of a server process's
interpreter time (bench/README.md, issue 22), where a 1.6 station's MeterValues go in the
group commit in a few statements per batch. An Updated event that only reports (no idToken,
reservation, remote start id or offline flag: `plain`) for a session we know, whose start we
have and whose EVSE is placed, changes only what this module writes, a few statements for the
whole batch: the event's record (a retransmission changes nothing), its samples, the session's
register readings (meter_start the lowest, meter_last the highest, meter_stop once stopped),
its chargingState when the event is the newest, a free connector's mark cleared by a newer
event, and the chargingState in the connector's status history. The rules are
transaction_events.py's; anything else is left to it (`handled` stays False, nothing is
written for the event).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max

from stations import timestamps
from stations.models import ChargingSession, MeterSample, StatusEvent, TransactionEventRecord
from stations.services import meter_values
from stations.services.rows import insert_rows, update_rows
from stations.services.transaction_events import CHARGING_STATE_STATUS, UPDATED

PLAIN_INFO = frozenset({"transactionId", "chargingState"})
_SESSION_COLUMNS = ("pk", "station_id", "station_transaction_id", "connector_id", "evse_id",
                    "start_missing", "stopped_at", "stop_received_at", "freed_at", "meter_start",
                    "meter_last", "meter_stop", "charging_state")


def plain(payload: dict) -> bool:
    """Whether a TransactionEvent may go the group commit's way: an online Updated that only
    reports (meter values, a charging state, the EVSE it is on)."""
    return (payload["eventType"] == UPDATED and "idToken" not in payload
            and payload.get("reservationId") is None and not payload.get("offline", False)
            and set(payload["transactionInfo"]) <= PLAIN_INFO)


@dataclass
class TransactionUpdate:
    """One plain Updated event; the batch fills in what happened."""

    station_id: int
    payload: dict
    received_at: datetime
    handled: bool = False  # False: it was not applied (see the module's docstring)
    session_id: int | None = None
    connector_id: int = 0
    evse_id: int | None = None
    repeated: bool = False
    running: bool = False
    samples: list = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str]:
        return self.station_id, self.payload["transactionInfo"]["transactionId"]


def write_transaction_updates(updates: list[TransactionUpdate]) -> None:
    """Apply the updates under their sessions' row locks, in arrival order."""
    if not updates:
        return
    for update in updates:  # afresh: a failed batch is written again item by item
        update.handled, update.repeated, update.samples = False, False, []
    sessions = _sessions_locked({update.key for update in updates})
    ours = [u for u in updates if _applicable(u, sessions.get(u.key))]
    if not ours:
        return
    keys = {u.key for u in ours}
    recorded = _recorded(keys, {u.payload["seqNo"] for u in ours})
    newest_seq = _newest_seq(keys)
    records, samples, history, changed = [], [], [], {}
    for update in ours:
        session = sessions[update.key]
        seq_no = update.payload["seqNo"]
        update.handled, update.session_id = True, session["pk"]
        update.connector_id, update.evse_id = session["connector_id"], session["evse_id"]
        if (*update.key, seq_no) in recorded:
            update.repeated, update.running = True, session["stopped_at"] is None
            continue
        recorded.add((*update.key, seq_no))
        newest = seq_no > newest_seq.get(update.key, -1)
        newest_seq[update.key] = max(seq_no, newest_seq.get(update.key, -1))
        stamp = timestamps.parse(update.payload["timestamp"])
        records.append(_record_row(update, session["pk"], stamp))
        update.samples = meter_values.samples_from_201(
            update.payload.get("meterValue", []), station_id=update.station_id,
            connector_id=session["connector_id"], evse_id=session["evse_id"] or 0,
            received_at=update.received_at)
        for sample in update.samples:
            sample["session_id"] = session["pk"]
        samples.extend(update.samples)
        _apply(session, update, stamp=stamp, newest=newest)
        history.extend(_history_row(session, update, stamp))
        update.running = session["stopped_at"] is None
        changed[session["pk"]] = session
    insert_rows(TransactionEventRecord, records, ignore_conflicts=True)
    insert_rows(MeterSample, samples, ignore_conflicts=True)
    insert_rows(StatusEvent, history)
    update_rows(ChargingSession, [
        {"id": s["pk"], **{name: s[name] for name in ("meter_start", "meter_last", "meter_stop",
                                                     "charging_state", "freed_at")}}
        for s in changed.values()], key="id")


def _sessions_locked(keys: set[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    """(station, transactionId) -> the session's columns, its row locked (in id order, as every
    batch locks them); the first session of a pair, as transaction_events finds it."""
    rows = (ChargingSession.objects.select_for_update()
            .filter(station_id__in={s for s, _ in keys},
                    station_transaction_id__in={t for _, t in keys})
            .order_by("pk").values(*_SESSION_COLUMNS))
    found: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["station_id"], row["station_transaction_id"])
        if key in keys:
            found.setdefault(key, row)
    return found


def _applicable(update: TransactionUpdate, session: dict | None) -> bool:
    """A session we know with its start, on an EVSE we know when the event names one."""
    if session is None or session["start_missing"]:
        return False
    placed = session["evse_id"] is not None and session["connector_id"]
    return placed or "evse" not in update.payload


def _recorded(keys: set[tuple[int, str]], seq_nos: set[int]) -> set[tuple[int, str, int]]:
    """The events among these that were recorded before (retransmissions)."""
    rows = TransactionEventRecord.objects.filter(
        station_id__in={s for s, _ in keys}, station_transaction_id__in={t for _, t in keys},
        seq_no__in=seq_nos).values_list("station_id", "station_transaction_id", "seq_no")
    return {row for row in rows if row[:2] in keys}


def _newest_seq(keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Each transaction's highest seqNo recorded so far."""
    rows = (TransactionEventRecord.objects
            .filter(station_id__in={s for s, _ in keys},
                    station_transaction_id__in={t for _, t in keys})
            .values("station_id", "station_transaction_id").annotate(top=Max("seq_no"))
            .values_list("station_id", "station_transaction_id", "top"))
    return {(station_id, tid): top for station_id, tid, top in rows if (station_id, tid) in keys}


def _record_row(update: TransactionUpdate, session_id: int, stamp: datetime | None) -> dict:
    return {"station_id": update.station_id, "session_id": session_id,
            "station_transaction_id": update.key[1], "seq_no": update.payload["seqNo"],
            "event_type": UPDATED, "trigger_reason": update.payload["triggerReason"],
            "offline": False, "station_timestamp": stamp, "received_at": update.received_at}


def _apply(session: dict, update: TransactionUpdate, *, stamp: datetime | None,
           newest: bool) -> None:
    """transaction_events' _meter, _transaction_info and _still_known for this event."""
    registers = [reading for sample in update.samples
                 if (reading := meter_values.latest_energy_register([sample])) is not None]
    if registers:
        if session["meter_start"] is None or min(registers) < session["meter_start"]:
            session["meter_start"] = min(registers)
        if session["meter_last"] is None or max(registers) > session["meter_last"]:
            session["meter_last"] = max(registers)
    if session["stop_received_at"] is not None:
        session["meter_stop"] = session["meter_last"]
    state = update.payload["transactionInfo"].get("chargingState")
    if state is not None and newest:
        session["charging_state"] = state
    at = timestamps.effective(stamp, update.received_at)
    if session["freed_at"] is not None and session["stopped_at"] is None and at > session["freed_at"]:
        session["freed_at"] = None


def _history_row(session: dict, update: TransactionUpdate, stamp: datetime | None) -> list[dict]:
    """The chargingState in the connector's status history (transaction_events._charging_status)."""
    state = update.payload["transactionInfo"].get("chargingState")
    if state is None or not session["connector_id"]:
        return []
    return [{"station_id": update.station_id, "connector_id": session["connector_id"],
             "evse_id": session["evse_id"], "status": CHARGING_STATE_STATUS[state],
             "error_code": "NoError", "info": f"chargingState {state}", "vendor_id": "",
             "vendor_error_code": "", "station_timestamp": stamp or update.received_at,
             "received_at": update.received_at}]
