"""Writing what many stations sent in one transaction (group commit).

The station link collects frame-log rows, meter values, status notifications, a 2.0.1
transaction's plain Updated events (transaction_updates.py) and "seen" marks from every socket
of the process into a `Batch`; `batch_write` stores it with one commit, so the database pays
one WAL flush per batch instead of one per message.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from stations.models import (
    ChargingSession,
    Connector,
    Evse,
    MeterSample,
    OcppMessage,
    ServerProcess,
    Station,
    StatusEvent,
)
from stations.services import meter_values
from stations.services.evses import evse_connector_of, evse_of_connector
from stations.services.rows import insert_rows, update_rows
from stations.services.session_lifecycle import FREE_STATUSES, sessions_free
from stations.services.transaction_updates import TransactionUpdate, write_transaction_updates

log = logging.getLogger(__name__)


@dataclass
class MeterValuesItem:
    station_id: int
    connector_id: int
    transaction_id: int | str | None  # 1.6: the integer we assigned; 2.0.1: the station's string
    samples: list[dict]  # MeterSample fields, see meter_values.samples_from


@dataclass
class Attach:
    station_id: int
    address: str
    process_id: object
    at: datetime
    previous: str = ""  # set when written: the live socket this one took over from, or ""
    ocpp_version: str = "1.6"  # the version the link negotiated


@dataclass
class Detach:
    station_id: int
    address: str
    at: datetime


@dataclass
class Boot:
    station_id: int
    fields: dict


# The kinds of item a caller waits for; each failing alone when its batch fails.
WAITED = ("attaches", "boots", "meter_values", "statuses", "transaction_updates", "detaches")


@dataclass
class Batch:
    attaches: list[Attach] = field(default_factory=list)
    boots: list[Boot] = field(default_factory=list)
    meter_values: list[MeterValuesItem] = field(default_factory=list)
    statuses: list[StatusEvent] = field(default_factory=list)
    transaction_updates: list[TransactionUpdate] = field(default_factory=list)
    detaches: list[Detach] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)  # OcppMessage fields, see message_row
    seen: dict[int, datetime] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(getattr(self, kind)) for kind in (*WAITED, "messages", "seen"))


def batch_write(batch: Batch) -> None:
    """Store the batch in one transaction, a few statements per kind of item whatever their
    number: under load a database thread waits for the interpreter between every two
    statements, so a statement per item made a reconnect storm's batches take seconds
    (bench/README.md, issue 22)."""
    with transaction.atomic():
        _attach_all(batch.attaches)
        _write_boots(batch.boots)
        _write_meter_values(batch.meter_values)
        _write_statuses(batch.statuses)
        write_transaction_updates(batch.transaction_updates)
        insert_rows(OcppMessage, batch.messages)
        _write_seen(batch.seen)
        _detach_all(batch.detaches)


def _attach_all(attaches: list[Attach]) -> None:
    """Take the stations over, learning which socket held each: under the rows' locks (taken in
    id order), so that of any number of sockets attaching at once, in any processes, each learns
    the one before it (and tells it to close) and the last one to attach is the one that stays.
    Two sockets of one station in this batch: the later takes over from the earlier."""
    if not attaches:
        return
    held = {pk: (address, process_id, last_beat) for pk, address, process_id, last_beat in
            Station.objects.select_for_update(of=("self",))
            .filter(pk__in={a.station_id for a in attaches}).order_by("pk")
            .values_list("pk", "channel_name", "server_process_id", "server_process__last_beat")}
    latest: dict[int, Attach] = {}
    for attach in attaches:  # in arrival order
        address, process_id, last_beat = held.get(attach.station_id, ("", None, None))
        alive = _alive(process_id, last_beat) and address != attach.address
        attach.previous = address if alive else ""
        held[attach.station_id] = (attach.address, attach.process_id, None)  # this process: alive
        latest[attach.station_id] = attach
    update_rows(Station, [
        {"id": a.station_id, "channel_name": a.address, "server_process_id": a.process_id,
         "connected_since": a.at, "last_seen": a.at, "ocpp_version": a.ocpp_version}
        for a in latest.values()], key="id")


def _write_boots(boots: list[Boot]) -> None:
    """Each station's latest boot's fields, one statement per set of fields (a version's)."""
    latest = {boot.station_id: boot.fields for boot in boots}
    by_fields: dict[tuple, list[dict]] = defaultdict(list)
    for station_id, fields in latest.items():
        by_fields[tuple(fields)].append({"id": station_id, **fields})
    for rows in by_fields.values():
        update_rows(Station, rows, key="id")


def _detach_all(detaches: list[Detach]) -> None:
    """The stations are disconnected, unless a newer socket took over (the station's address is
    no longer the closed socket's)."""
    if not detaches:
        return
    update_rows(Station, list({(d.station_id, d.address): {
        "id": d.station_id, "channel_name": d.address, "last_seen": d.at} for d in detaches}.values()),
        key="id", match=("channel_name",))
    Station.objects.filter(pk__in={d.station_id for d in detaches},
                           channel_name__in={d.address for d in detaches}).update(
        channel_name="", server_process=None, connected_since=None)


def _alive(process_id, last_beat: datetime | None) -> bool:
    """Does the process holding the older socket still run? A dead process's row is deleted (the
    station's reference becomes NULL); a process whose row is not visible yet is just starting."""
    if process_id is None:
        return False
    return last_beat is None or last_beat >= ServerProcess.alive_cutoff()


def batch_write_each(batch: Batch) -> dict[str, list]:
    """After a failed batch: write item by item so that one bad item fails alone. Returns, per
    kind of WAITED item, the error (or None) of each item in the batch's order. Last-seen
    marks go alone, frame-log rows in ever smaller groups: a bad row loses only itself."""
    errors = {kind: [_try(batch_write, Batch(**{kind: [item]})) for item in getattr(batch, kind)]
              for kind in WAITED}
    if _try(batch_write, Batch(seen=batch.seen)) is not None:
        log.error("Last-seen marks of %d stations lost", len(batch.seen))
    _write_log_rows(batch.messages)
    return errors


def _write_log_rows(rows: list[dict]) -> None:
    if not rows or _try(batch_write, Batch(messages=rows), quiet=True) is None:
        return
    if len(rows) == 1:
        log.error("A frame-log row of station %s lost", rows[0].get("station_id"))
        return
    half = len(rows) // 2
    _write_log_rows(rows[:half])
    _write_log_rows(rows[half:])


def _try(fn, *args, quiet: bool = False) -> Exception | None:
    try:
        fn(*args)
    except Exception as error:  # reported to the caller that waits for this item
        if not quiet:
            log.exception("Writing a batch item failed")
        return error
    return None


def _write_meter_values(items: list[MeterValuesItem]) -> None:
    if not items:
        return
    sessions = _sessions_of(items)
    samples, readings = [], defaultdict(list)
    for item in items:
        session_id = sessions.get((item.station_id, item.connector_id, item.transaction_id))
        for sample in item.samples:
            sample["session_id"] = session_id
        samples.extend(item.samples)
        reading = meter_values.latest_energy_register(item.samples)
        if session_id is not None and reading is not None:
            readings[session_id].append(reading)
    insert_rows(MeterSample, samples, ignore_conflicts=True)
    raise_meter_last({session_id: max(values) for session_id, values in readings.items()})


def raise_meter_last(readings: dict[int, int]) -> None:
    """Set each session's latest register reading where it is higher, in one statement."""
    if not readings:
        return
    table = connection.ops.quote_name(ChargingSession._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(readings))
    params = [v for pair in readings.items() for v in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(id, reading) AS (VALUES {values}) "
            f"UPDATE {table} SET meter_last = v.reading FROM v "
            f"WHERE {table}.id = v.id AND ({table}.meter_last IS NULL "
            f"OR {table}.meter_last < v.reading)", params)


class _KnownSessions:
    """(station, transaction id) -> session id, as found before. The pair never changes once the
    session exists, and a running session's MeterValues come every few seconds: most lookups of
    a batch are of pairs seen before. Bounded; emptied when full."""

    LIMIT = 100_000

    def __init__(self):
        self.ids: dict[tuple[int, int | str], int] = {}

    def add(self, found: dict[tuple[int, int | str], int]) -> None:
        if len(self.ids) + len(found) > self.LIMIT:
            self.ids.clear()
        self.ids.update(found)


_known_sessions = _KnownSessions()


def _sessions_of(items: list[MeterValuesItem]) -> dict[tuple, int]:
    """(station, connector, transaction id or None) -> session id, in at most two queries."""
    found: dict[tuple, int] = {}
    known = _known_sessions.ids
    unknown = {(i.station_id, i.transaction_id) for i in items
               if i.transaction_id is not None and (i.station_id, i.transaction_id) not in known}
    if unknown:
        _known_sessions.add(_sessions_by_id(unknown))
    for item in items:
        if item.transaction_id is not None:
            session_id = known.get((item.station_id, item.transaction_id))
            if session_id is not None:
                found[(item.station_id, item.connector_id, item.transaction_id)] = session_id
    running = {(i.station_id, i.connector_id) for i in items
               if i.transaction_id is None and i.connector_id > 0}
    if running:
        found |= _running_on(running)
    return found


def _sessions_by_id(pairs: set[tuple]) -> dict[tuple, int]:
    """(station, transaction id) -> session id, one query per kind of id: a 1.6 station's
    integers are `transaction_id`, a 2.0.1 station's strings `station_transaction_id`."""
    found = {}
    for kind, column in ((int, "transaction_id"), (str, "station_transaction_id")):
        wanted = {(s, t) for s, t in pairs if isinstance(t, kind)}
        if wanted:
            rows = ChargingSession.objects.filter(
                station_id__in={s for s, _ in wanted}, **{f"{column}__in": {t for _, t in wanted}})
            found |= {(station_id, tid): pk for pk, station_id, tid
                      in rows.values_list("pk", "station_id", column)}
    return found


def _running_on(pairs: set[tuple[int, int]]) -> dict[tuple, int]:
    """Samples without a transaction id go to the connector's latest open session, unless the
    connector was reported free since it started: an idle connector's clock-aligned values must
    not add to a session the station lost (docs/sessions.md)."""
    rows = (ChargingSession.objects
            .filter(station_id__in={s for s, _ in pairs}, stopped_at__isnull=True,
                    freed_at__isnull=True)
            .order_by("id").only("pk", "station_id", "connector_id"))
    return {(row.station_id, row.connector_id, None): row.pk for row in rows  # the latest wins
            if (row.station_id, row.connector_id) in pairs}


def _write_statuses(events: list[StatusEvent]) -> None:
    if not events:
        return
    for event in events:
        if event.evse_id is None:  # a 1.6 connector is its own EVSE
            event.evse_id = evse_of_connector(event.connector_id)[0]
    insert_rows(StatusEvent, [
        {"station_id": e.station_id, "connector_id": e.connector_id, "evse_id": e.evse_id,
         "status": e.status, "error_code": e.error_code, "info": e.info, "vendor_id": e.vendor_id,
         "vendor_error_code": e.vendor_error_code, "station_timestamp": e.station_timestamp,
         "received_at": e.received_at} for e in events])
    latest: dict[tuple, StatusEvent] = {}
    for event in events:  # in arrival order: the last one of a connector wins
        latest[(event.station_id, event.connector_id)] = event
    _write_connectors(list(latest.values()))


def _write_connectors(events: list[StatusEvent]) -> None:
    """Upsert each connector's live status, and its EVSE if new: two statements for the batch."""
    Evse.objects.bulk_create(
        [Evse(station_id=station_id, evse_id=evse_id)
         for station_id, evse_id in {(e.station_id, e.evse_id) for e in events}],
        ignore_conflicts=True)
    Connector.objects.bulk_create(
        [Connector(station_id=e.station_id, connector_id=e.connector_id, evse_id=e.evse_id,
                   evse_connector_id=evse_connector_of(e.connector_id, e.evse_id), status=e.status,
                   error_code=e.error_code, info=e.info, vendor_id=e.vendor_id,
                   vendor_error_code=e.vendor_error_code, updated_at=e.received_at)
         for e in events],
        update_conflicts=True, unique_fields=["station", "connector_id"],
        update_fields=["evse_id", "evse_connector_id", "status", "error_code", "info",
                       "vendor_id", "vendor_error_code", "updated_at"],
    )
    freed = [e for e in events if e.status in FREE_STATUSES and e.connector_id > 0]
    open_on = _open_sessions_on({(e.station_id, e.connector_id) for e in freed})
    for event in freed:  # in arrival order: the first free status after a start frees it
        if (event.station_id, event.connector_id) in open_on:
            sessions_free(station_id=event.station_id, connector_id=event.connector_id,
                          at=event.received_at, station_stamp=event.station_timestamp)


def _open_sessions_on(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of these (station, connector) pairs, those with a session not yet freed: one query, so
    that a batch of boots' Available statuses (nearly every free status) frees nothing one
    statement at a time."""
    if not pairs:
        return set()
    rows = ChargingSession.objects.filter(
        station_id__in={s for s, _ in pairs}, stopped_at__isnull=True,
        freed_at__isnull=True).values_list("station_id", "connector_id")
    return set(rows) & pairs


def _write_seen(seen: dict[int, datetime]) -> None:
    if not seen:
        return
    latest = max(seen.values())
    Station.objects.filter(pk__in=list(seen)).update(last_seen=latest)
