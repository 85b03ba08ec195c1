"""Writing the daily rollups (reports.StationDay) from the connection history, the status history,
the sessions and their prices, and the monthly ones (StationMonth, SiteMonth) from the days
(docs/reports.md, "Rollups").

Stations are taken in chunks; for each chunk every input row of the window is read in a handful
of queries and the days are computed in memory (reports/metrics.py), then upserted. Computing a
day again writes the same row: the task is idempotent and may run as often as wanted."""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports import metrics
from reports.models import SiteDay, SiteMonth, StationDay, StationMonth, TenantDay
from reports.periods import as_date, month_end
from stations.models import ChargingSession, ConnectionPeriod, Connector, ServerProcess, Station, StatusEvent

log = logging.getLogger(__name__)
CHUNK = 500  # stations per round of queries


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day, right across daylight-saving changes (23 or 25 hours)."""
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end  # in UTC: a difference of local times would ignore the change


@dataclass
class _Inputs:
    """One chunk's rows, per station."""

    online: dict[int, list[metrics.Interval]] = field(default_factory=lambda: defaultdict(list))
    initial: dict[int, dict[int, str | None]] = field(default_factory=lambda: defaultdict(dict))
    changes: dict[int, dict[int, list[metrics.Change]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    sessions: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))


def rollup_stations(*, stations: QuerySet[Station], since: date, until: date,
                    now: datetime | None = None) -> int:
    """Compute and store every station's days from `since` to `until` (local dates, both
    included); days not begun yet, or before the station was added, are skipped. Returns the
    rows written."""
    now = now or timezone.now()
    ids = list(stations.order_by("pk").values_list("pk", flat=True))
    written = 0
    for first in range(0, len(ids), CHUNK):
        chunk = list(Station.objects.filter(pk__in=ids[first:first + CHUNK]).select_related("tenant"))
        written += _rollup_chunk(chunk, since, until, now)
    return written


def station_days_compute(chunk: list[Station], since: date, until: date,
                         now: datetime) -> list[StationDay]:
    """The stations' days, computed and not stored (the rollup; a station's today, live)."""
    # Whatever the stations' time zones, their local days lie within a day either side of UTC's.
    start = datetime.combine(since - timedelta(days=1), time.min, tzinfo=UTC)
    end = min(datetime.combine(until + timedelta(days=2), time.min, tzinfo=UTC), now)
    inputs = _inputs([s.pk for s in chunk], start, end, now)
    return [row for station in chunk for row in _station_days(station, inputs, since, until, now)]


SUMMED = ("seconds", "online_s", "uptime_s", "faulted_s", "connectors", "connector_s",
          "occupied_cs", "charging_cs", "sessions", "energy_wh", "revenue_net", "revenue_gross")


def totals_rollup(*, since: date, until: date, tenant_ids: list[int] | None = None,
                  now: datetime | None = None) -> None:
    """The tenants' and sites' days from their stations' (after the stations' rollup), then the
    sites' months from their days."""
    now = now or timezone.now()
    days = StationDay.objects.filter(day__gte=since, day__lte=until)
    if tenant_ids is not None:
        days = days.filter(tenant_id__in=tenant_ids)
    sums = {name: Sum(name) for name in SUMMED} | {"top_currency": Max("currency")}
    for model, keys, unique in ((TenantDay, ("tenant_id", "day"), ["tenant", "day"]),
                                (SiteDay, ("tenant_id", "station__location_id", "day"), ["location", "day"])):
        rows = [model(**{k.replace("station__location_id", "location_id"): row[k] for k in keys},
                      **{name: row[name] or 0 for name in SUMMED}, currency=row["top_currency"] or "",
                      computed_at=now)
                for row in days.exclude(**({"station__location_id": None} if model is SiteDay else {}))
                .values(*keys).annotate(**sums).order_by()]
        model.objects.bulk_create(rows, update_conflicts=True, unique_fields=unique,
                                  update_fields=[*SUMMED, "currency", "computed_at"], batch_size=2000)
    sites = SiteDay.objects.all() if tenant_ids is None else SiteDay.objects.filter(tenant_id__in=tenant_ids)
    months_rollup(sites, since=since, until=until, now=now)


MONTHS = {StationDay: (StationMonth, "station"), SiteDay: (SiteMonth, "location")}


def months_rollup(days: QuerySet, *, since: date, until: date, now: datetime | None = None) -> int:
    """Sum the day rows `days` (StationDay or SiteDay, narrowed to the stations or sites wanted)
    of every month from `since`'s to `until`'s into their month table (StationMonth, SiteMonth):
    one grouped query. Computing a month again writes the same row. Returns the rows written."""
    now = now or timezone.now()
    model, owner = MONTHS[days.model]
    added = [name for name in SUMMED if name != "connectors"]
    sums = {name: Sum(name) for name in added} | {"most_connectors": Max("connectors"),
                                                 "top_currency": Max("currency")}
    rows = [model(tenant_id=row["tenant_id"], **{f"{owner}_id": row[f"{owner}_id"]},
                  month=as_date(row["first"]), **{name: row[name] for name in added},
                  connectors=row["most_connectors"], currency=row["top_currency"], computed_at=now)
            for row in days.filter(day__gte=since.replace(day=1), day__lte=month_end(until))
            .annotate(first=TruncMonth("day")).values("tenant_id", f"{owner}_id", "first")
            .annotate(**sums).order_by()]
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=[owner, "month"],
                              update_fields=[*SUMMED, "currency", "computed_at"], batch_size=2000)
    return len(rows)


def _rollup_chunk(chunk: list[Station], since: date, until: date, now: datetime) -> int:
    """The chunk's days, then their months from them (in one transaction)."""
    rows = station_days_compute(chunk, since, until, now)
    with transaction.atomic():
        StationDay.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["station", "day"],
            update_fields=[f.name for f in StationDay._meta.concrete_fields
                           if f.name not in ("id", "station", "day", "tenant")])
        if rows:
            months_rollup(StationDay.objects.filter(station_id__in=[s.pk for s in chunk]),
                          since=since, until=until, now=now)
    return len(rows)


def _inputs(ids: list[int], start: datetime, end: datetime, now: datetime) -> _Inputs:
    inputs = _Inputs()
    _periods_into(inputs, ids, start, end, now)
    _statuses_into(inputs, ids, start, end)
    _sessions_into(inputs, ids, start, end)
    return inputs


def _periods_into(inputs: _Inputs, ids: list[int], start: datetime, end: datetime,
                  now: datetime) -> None:
    """An open period lasts until now while its process beats, else until its last beat."""
    alive = ServerProcess.alive_cutoff()
    beat = ServerProcess.objects.filter(pk=OuterRef("server_process_id")).values("last_beat")[:1]
    rows = (ConnectionPeriod.objects.filter(station_id__in=ids, started_at__lt=end)
            .exclude(ended_at__lt=start).annotate(beat=Subquery(beat))
            .values_list("station_id", "started_at", "ended_at", "beat"))
    for station_id, started_at, ended_at, last_beat in rows:
        if ended_at is None:
            ended_at = now if last_beat is not None and last_beat >= alive else (last_beat or started_at)
        inputs.online[station_id].append((started_at, ended_at))


def _statuses_into(inputs: _Inputs, ids: list[int], start: datetime, end: datetime) -> None:
    """Each connector's status in force at `start` (its last report before), then its reports."""
    before = (StatusEvent.objects.filter(station_id=OuterRef("station_id"),
                                         connector_id=OuterRef("connector_id"), received_at__lt=start)
              .order_by("-received_at").values("status")[:1])
    for station_id, connector_id, status in (
            Connector.objects.filter(station_id__in=ids).annotate(before=Subquery(before))
            .values_list("station_id", "connector_id", "before")):
        inputs.initial[station_id][connector_id] = status
    for station_id, connector_id, at, status in (
            StatusEvent.objects.filter(station_id__in=ids, received_at__gte=start, received_at__lt=end)
            .order_by("received_at", "id").values_list("station_id", "connector_id", "received_at",
                                                       "status")):
        inputs.changes[station_id][connector_id].append((at, status))


def _sessions_into(inputs: _Inputs, ids: list[int], start: datetime, end: datetime) -> None:
    for row in (ChargingSession.objects.filter(station_id__in=ids, started_at__gte=start,
                                               started_at__lt=end)
                .values("station_id", "started_at", "meter_start", "meter_stop", "meter_last",
                        "price__currency", "price__net", "price__gross", "price__priced_at")):
        inputs.sessions[row["station_id"]].append(row)


def _station_days(station: Station, inputs: _Inputs, since: date, until: date,
                  now: datetime) -> Iterable[StationDay]:
    tz = ZoneInfo(station.effective_timezone or "UTC")
    day = since
    while day <= until:
        row = _station_day(station, inputs, day, tz, now)
        if row is not None:
            yield row
        day += timedelta(days=1)


def _station_day(station: Station, inputs: _Inputs, day: date, tz: ZoneInfo,
                 now: datetime) -> StationDay | None:
    day_start, day_end = day_bounds(day, tz)
    start = max(day_start, station.created_at)
    end = min(day_end, now, station.removed_at or day_end)
    if end <= start:
        return None
    pk = station.pk
    connectors = set(inputs.initial[pk]) | set(inputs.changes[pk])
    statuses = {c: (inputs.initial[pk].get(c), inputs.changes[pk].get(c, [])) for c in connectors}
    figures = metrics.figures(start=start, end=end, online=inputs.online[pk], statuses=statuses)
    sessions = [s for s in inputs.sessions[pk] if day_start <= s["started_at"] < day_end]
    currency, net, gross = _revenue(station, day, sessions)
    return StationDay(
        tenant_id=station.tenant_id, station=station, day=day, seconds=figures.seconds,
        online_s=figures.online_s, uptime_s=figures.uptime_s, faulted_s=figures.faulted_s,
        connectors=figures.connectors, connector_s=figures.connectors * figures.seconds,
        occupied_cs=figures.occupied_cs, charging_cs=figures.charging_cs, sessions=len(sessions),
        energy_wh=sum(_energy_wh(s) for s in sessions), currency=currency, revenue_net=net,
        revenue_gross=gross, computed_at=now)


def _energy_wh(session: dict) -> int:
    """As ChargingSession.energy_wh: the register's last reading less its first."""
    end = session["meter_stop"] if session["meter_stop"] is not None else session["meter_last"]
    if end is None or session["meter_start"] is None:
        return 0
    return max(end - session["meter_start"], 0)


def _revenue(station: Station, day: date, sessions: list[dict]) -> tuple[str, Decimal, Decimal]:
    """The priced sessions' net and gross. A tenant bills in one currency; a day priced in
    several keeps the most used one's sums (and says so in the log)."""
    priced = [s for s in sessions if s["price__priced_at"] is not None and s["price__currency"]]
    if not priced:
        return "", Decimal(0), Decimal(0)
    used = Counter(s["price__currency"] for s in priced)
    currency = used.most_common(1)[0][0]
    if len(used) > 1:
        log.warning("Station %s on %s was priced in %s; the report shows %s only",
                    station.identity, day, ", ".join(sorted(used)), currency)
    mine = [s for s in priced if s["price__currency"] == currency]
    return currency, sum((s["price__net"] for s in mine), Decimal(0)), sum(
        (s["price__gross"] for s in mine), Decimal(0))


def rollup_recent(now: datetime | None = None) -> int:
    """Yesterday and today of every station in use, in its time zone (the periodic task; days
    around UTC's cover every zone). A removed station keeps its rows and is computed no more
    once its last day has passed."""
    now = now or timezone.now()
    today = now.date()
    stations = Station.objects.filter(Q(removed_at__isnull=True) | Q(removed_at__gte=now - timedelta(days=3)))
    since, until = today - timedelta(days=2), today + timedelta(days=1)
    written = rollup_stations(stations=stations, since=since, until=until, now=now)
    totals_rollup(since=since, until=until, now=now)
    return written
