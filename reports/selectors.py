"""Reading the reports from the daily and monthly rollups (reports.models): a table per station
and per site, and a series per day or month (docs/reports.md). Each is one query or two, whatever
the fleet; only a station's own report adds its today, computed live."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import Count, F, FilteredRelation, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast, NullIf, TruncMonth
from django.utils import timezone

from reports.metrics import percent
from reports.models import SiteDay, SiteMonth, StationDay, StationMonth, TenantDay
from reports.periods import DAY, MONTH, Period, as_date
from reports.services import station_days_compute
from stations.models import Location, Station
from tenants.models import Tenant

SUMMED = ("seconds", "online_s", "uptime_s", "faulted_s", "connector_s", "occupied_cs",
          "charging_cs", "sessions", "energy_wh", "revenue_net", "revenue_gross")


@dataclass(frozen=True)
class Column:
    key: str  # the annotation (or attribute) read
    label: str
    money: bool = False


# What every table and CSV shows, in order (the name columns come first, per table).
FIGURES = (
    Column("uptime_pct", "Uptime %"),
    Column("occupied_pct", "Occupied %"),
    Column("charging_pct", "Charging %"),
    Column("total_sessions", "Sessions"),
    Column("energy_kwh", "Energy kWh"),
    Column("total_net", "Revenue net", money=True),
    Column("total_gross", "Revenue gross", money=True),
    Column("currency", "Currency", money=True),
)


def _total_key(name: str) -> str:
    """A rollup field's sum: total_uptime for uptime_s, total_net for revenue_net, ..."""
    return "total_" + name.removeprefix("revenue_").removesuffix("_cs").removesuffix("_s")


def _sums(prefix: str) -> dict:
    return {_total_key(name): Sum(f"{prefix}{name}") for name in SUMMED} | {
        "currency": Max(f"{prefix}currency")}


def _share(part: str, whole: str):
    return Cast(F(part), FloatField()) * 100.0 / NullIf(F(whole), 0)


SHARES = {
    "uptime_pct": _share("total_uptime", "total_seconds"),
    "online_pct": _share("total_online", "total_seconds"),
    "occupied_pct": _share("total_occupied", "total_connector"),
    "charging_pct": _share("total_charging", "total_connector"),
    "energy_kwh": Cast(F("total_energy_wh"), FloatField()) / 1000.0,
}
# The table's sort keys: the name columns and every figure.
SORTS = {c.key: c.key for c in FIGURES if c.key != "currency"}


def _in(period: Period, relation: str, tenant: Tenant) -> Q:
    """The period's days of the tenant: naming the tenant lets the (tenant, day) index pick the
    period's rows instead of scanning every day ever rolled up (EXPLAIN ANALYZE: bench/README.md)."""
    return Q(**{f"{relation}__tenant": tenant, f"{relation}__day__gte": period.start,
                f"{relation}__day__lte": period.end})


def station_table(tenant: Tenant, period: Period) -> QuerySet[Station]:
    """Every station in use with its figures over the period (blank where never computed)."""
    return (Station.objects.filter(tenant=tenant, removed_at__isnull=True).select_related("location")
            .annotate(d=FilteredRelation("report_days", condition=_in(period, "report_days", tenant)))
            .annotate(**_sums("d__")).annotate(**SHARES))


def site_table(tenant: Tenant, period: Period) -> QuerySet[Location]:
    """Every site with the figures of its stations over the period."""
    days = "stations__report_days"
    return (Location.objects.filter(tenant=tenant)
            .annotate(d=FilteredRelation(days, condition=_in(period, days, tenant)))
            .annotate(**_sums("d__"), station_count=Count("stations", distinct=True,
                                                     filter=Q(stations__removed_at__isnull=True)))
            .annotate(**SHARES))


def station_list(tenant: Tenant) -> QuerySet[Station]:
    """The stations of the table without figures: sorted by name and paged first, the page then
    gets its figures (`figures_into`), so the first page of a large fleet reads 50 stations'
    days, not every station's."""
    return Station.objects.filter(tenant=tenant, removed_at__isnull=True).select_related("location")


def site_list(tenant: Tenant) -> QuerySet[Location]:
    return Location.objects.filter(tenant=tenant).annotate(
        station_count=Count("stations", filter=Q(stations__removed_at__isnull=True)))


ROLLUPS = {"station": ("station_id", StationDay, StationMonth),
           "site": ("location_id", SiteDay, SiteMonth)}


def period_rows(period: Period, *, of: str = "station") -> list[QuerySet]:
    """The rollup rows whose sums are the period's figures per station (or site): its whole
    months from the month table, its other days (the partial first and last months) from the day
    table; one queryset or two, unordered, to narrow further (docs/reports.md, "Rollups")."""
    _, days, months = ROLLUPS[of]
    whole, rest = period.split()
    parts = [months.objects.filter(month__gte=whole[0], month__lte=whole[1])] if whole else []
    if rest:
        parts.append(days.objects.filter(reduce(or_, (Q(day__gte=a, day__lte=b) for a, b in rest))))
    return [part.order_by() for part in parts]


def figures_into(items: list, period: Period, *, of: str = "station") -> list:
    """Set the period's figures on a page of stations (or of sites, `of="site"`), in a query per
    table read (period_rows)."""
    field = ROLLUPS[of][0]
    found: dict[int, dict] = {}
    for rows in period_rows(period, of=of):
        for row in (rows.filter(**{f"{field}__in": [i.pk for i in items]})
                    .values(field).annotate(**_sums(""))):
            _merge(found.setdefault(row[field], {field: row[field]}), row)
    for item in items:
        row = {key: None for key in _sums("")} | found.get(item.pk, {})
        if found.get(item.pk):
            _shares_of(row)
        else:
            row |= {"uptime_pct": None, "online_pct": None, "occupied_pct": None, "charging_pct": None,
                    "energy_kwh": None}
        for key, value in row.items():
            if key != field:
                setattr(item, key, value)
    return items


def _merge(whole: dict, part: dict) -> None:
    """Add a part's sums to the whole's; the currency is the greatest, as SQL's MAX."""
    for key in _sums(""):
        if key == "currency":
            whole[key] = max(whole.get(key) or "", part[key] or "")
        else:
            whole[key] = whole.get(key, 0) + part[key]


def series(tenant: Tenant, period: Period, *, station: Station | None = None,
           location: Location | None = None) -> list[dict]:
    """The figures per day or month (oldest first) of the tenant, a site or a station, from
    their own daily rows (reports.models); a station's today is computed live, the rollup of it
    may be 15 minutes old."""
    if station is not None:
        rows = StationDay.objects.filter(tenant=tenant, station=station)
    elif location is not None:
        rows = SiteDay.objects.filter(tenant=tenant, location=location)
    else:
        rows = TenantDay.objects.filter(tenant=tenant)
    rows = rows.filter(day__gte=period.start, day__lte=period.end)
    bucket = TruncMonth("day") if period.interval == MONTH else F("day")
    buckets = list(rows.annotate(bucket=bucket).values("bucket").annotate(**_sums(""))
                   .annotate(**SHARES).order_by("bucket"))
    for row in buckets:
        row["bucket"] = as_date(row["bucket"])
    if station is not None:
        _with_live_today(buckets, station, period)
    return buckets


def _with_live_today(buckets: list[dict], station: Station, period: Period) -> None:
    """Replace the stored today of one station by its figures as of now."""
    today = timezone.now().astimezone(ZoneInfo(station.effective_timezone or "UTC")).date()
    if not period.start <= today <= period.end:
        return
    fresh = station_days_compute([station], today, today, timezone.now())
    if not fresh:
        return
    stored = StationDay.objects.filter(station=station, day=today).first()
    key = today.replace(day=1) if period.interval == MONTH else today
    bucket = next((b for b in buckets if b["bucket"] == key), None)
    if bucket is None:
        bucket = {"bucket": key} | {name: None for name in _sums("")}
        buckets.append(bucket)
    _add(bucket, fresh[0], sign=1)
    if stored is not None:
        _add(bucket, stored, sign=-1)
    _shares_of(bucket)


def _add(bucket: dict, day: StationDay, *, sign: int) -> None:
    for name in SUMMED:
        key = _total_key(name)
        bucket[key] = (bucket.get(key) or 0) + sign * getattr(day, name)
    bucket["currency"] = bucket.get("currency") or day.currency


def _shares_of(bucket: dict) -> None:
    bucket["uptime_pct"] = percent(bucket["total_uptime"], bucket["total_seconds"])
    bucket["online_pct"] = percent(bucket["total_online"], bucket["total_seconds"])
    bucket["occupied_pct"] = percent(bucket["total_occupied"], bucket["total_connector"])
    bucket["charging_pct"] = percent(bucket["total_charging"], bucket["total_connector"])
    bucket["energy_kwh"] = (bucket["total_energy_wh"] or 0) / 1000


def totals(buckets: list[dict]) -> dict:
    """The whole period's figures from its buckets."""
    whole: dict = {"currency": next((b["currency"] for b in buckets if b.get("currency")), "")}
    for key in _sums(""):
        if key != "currency":
            whole[key] = sum((b.get(key) or 0) for b in buckets)
    _shares_of(whole)
    return whole


def station_card(station: Station, today: date | None = None) -> dict:
    """The station page's card: the last 30 days (today live)."""
    today = today or timezone.now().astimezone(ZoneInfo(station.effective_timezone or "UTC")).date()
    period = Period(today - timedelta(days=29), today, DAY)
    return totals(series(station.tenant, period, station=station))
