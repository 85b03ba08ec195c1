"""Connection history: one `ConnectionPeriod` per accepted station link, from the accept to the
close, the ground truth of the uptime reports (docs/reports.md, "Connection history").

Subscribed to `StationConnected` and `StationDisconnected` (stations/events.py). On the link's
event loop nothing may block, so each subscriber returns a follow-up that writes on a database
thread. One station's follow-ups run one after the other, in the order its link events came (an
asyncio.Lock is first come, first served), so a link that closes at once never has its close
written before its open.

A disconnect closes only the period its own link opened: this process remembers, per station,
the station object of the link that opened the latest period (the consumer hands the same object
to both events). A link that replaced another closes the older open periods at its start; the
reports merge what overlaps anyway. A server process that dies leaves its periods open:
`periods_of_dead_processes_close` (run by the reports' periodic task) ends them at the process's
last beat."""

import asyncio
from datetime import datetime

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from stations import events
from stations.events import FollowUp
from stations.models import ConnectionPeriod, ServerProcess, Station
from stations.ocpp.dbthreads import db
from stations.ocpp.process import process_id

_opened: dict[int, tuple[object, datetime]] = {}  # station pk -> (its link's station object, start)
_turns: dict[int, asyncio.Lock] = {}


def _in_turn(station_id: int) -> asyncio.Lock:
    return _turns.setdefault(station_id, asyncio.Lock())


def period_open(*, station_id: int, started_at: datetime, process) -> None:
    """The link is up from `started_at`: older periods of the station still open there end there
    (a link that replaced another). Written after a newer link's (another process, a late
    thread), it ends at that link's start: a station's periods never overlap, whatever order
    their writes come in. Idempotent: a period already written is left as it is.

    Two statements, written out: every station of a reconnect storm opens a period, and the
    ORM's four (update, exists, first, create) were the largest share of a server process's
    time in a storm (bench/README.md, issue 22)."""
    table = connection.ops.quote_name(ConnectionPeriod._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(started_at)
    process = ConnectionPeriod._meta.get_field("server_process").get_db_prep_value(process,
                                                                                 connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET ended_at = %s WHERE station_id = %s AND started_at < %s "
            f"AND (ended_at IS NULL OR ended_at > %s)", [at, station_id, at, at])
        cursor.execute(
            f"INSERT INTO {table} (station_id, started_at, ended_at, server_process_id) "
            f"SELECT %s, %s, (SELECT MIN(started_at) FROM {table} "
            f"WHERE station_id = %s AND started_at > %s), %s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE station_id = %s AND started_at = %s)",
            [station_id, at, station_id, at, process, station_id, at])


def period_close(*, station_id: int, started_at: datetime, ended_at: datetime) -> None:
    """The link that opened at `started_at` closed: its period ends at the earlier of its close
    and the start of a link that replaced it (which may have ended it already). A close stamped
    before its open (a clock stepped back) ends it at its start, never before."""
    ended_at = max(ended_at, started_at)
    ConnectionPeriod.objects.filter(station_id=station_id, started_at=started_at).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=ended_at)).update(ended_at=ended_at)


def on_station_connected(event: events.StationConnected) -> FollowUp:
    station, started_at = event.station, timezone.now()
    _opened[station.pk] = (station, started_at)

    async def follow_up() -> None:
        process = await process_id()
        async with _in_turn(station.pk):
            await db(period_open, station_id=station.pk, started_at=started_at, process=process)

    return follow_up


def on_station_disconnected(event: events.StationDisconnected) -> FollowUp | None:
    station, ended_at = event.station, timezone.now()
    opened = _opened.get(station.pk)
    if opened is None or opened[0] is not station:
        return None  # a newer link of this station opened here since (it ended our period)
    del _opened[station.pk]

    async def follow_up() -> None:
        async with _in_turn(station.pk):
            await db(period_close, station_id=station.pk, started_at=opened[1], ended_at=ended_at)

    return follow_up


def periods_of_dead_processes_close() -> int:
    """Open periods whose server process stopped beating (a crash, a kill) end at its last
    beat; those whose process row is gone end at the station's last message, or their start."""
    cutoff = ServerProcess.alive_cutoff()
    open_ = ConnectionPeriod.objects.filter(ended_at__isnull=True)
    beat = ServerProcess.objects.filter(pk=OuterRef("server_process_id")).values("last_beat")
    ended = open_.filter(server_process__last_beat__lt=cutoff).update(
        ended_at=Subquery(beat))
    seen = Station.objects.filter(pk=OuterRef("station_id")).values("last_seen")
    orphans = open_.exclude(server_process_id__in=ServerProcess.objects.values("pk"))
    ended += orphans.filter(station__last_seen__gte=F("started_at")).update(ended_at=Subquery(seen))
    ended += orphans.update(ended_at=F("started_at"))
    return ended


events.subscribe(events.StationConnected, on_station_connected)
events.subscribe(events.StationDisconnected, on_station_disconnected)
