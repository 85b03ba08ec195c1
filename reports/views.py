"""The reports' pages (docs/reports.md): the tenant's report (every station or every site over a
period, with the tenant's totals per day or month as plots), one station's and one site's report.
Everyone reads; money columns for the money roles only. Every table is also a streamed CSV
(`?format=csv`, the same columns as shown)."""

from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from billing.exports.csv_stream import csv_chunks, safe_text, streamed_response
from cpms.dashboard import page, sees_money
from cpms.listing import listing
from reports import rows, selectors
from reports.periods import DAY, MONTH, Period, PeriodError, period_of
from reports.ranking import Ranked
from stations.models import Location, Station
from tenants.access import EVERYONE

STATION_SORTS = {"identity": "identity", "site": ("location__name", "identity"), **selectors.SORTS}
SITE_SORTS = {"name": "name", "stations": "station_count", **selectors.SORTS}
STATION_LISTING = {"sorts": STATION_SORTS, "default": "identity",
                   "search": ("identity", "name", "location__name")}
SITE_LISTING = {"sorts": SITE_SORTS, "default": "name", "search": ("name", "city")}


def _today(tenant) -> date:
    return timezone.now().astimezone(ZoneInfo(tenant.timezone or "UTC")).date()


def _period(request) -> tuple[Period, str]:
    """The period asked for, or the default one with the reason the asked one was refused."""
    today = _today(request.tenant)
    try:
        return period_of(request.GET, today), ""
    except PeriodError as bad:
        return period_of({"interval": request.GET.get("interval") if request.GET.get("interval") in (
            DAY, MONTH) else DAY}, today), str(bad)


def _csv(request, name: str, columns: list, items) -> object:
    chunks = csv_chunks([c.label for c in columns], (
        {c.label: safe_text(v) if isinstance(v := item.get(c.key), str) else v for c in columns}
        for item in items))
    return streamed_response(request, chunks, content_type="text/csv; charset=utf-8",
                             filename=f"{name}.csv")


def _context(request, period: Period, error: str, buckets: list[dict]) -> dict:
    money = sees_money(request)
    return {"period": period, "period_error": error, "money": money,
            "buckets": buckets, "totals": selectors.totals(buckets),
            "plot": [rows.bucket_row(b, "bucket", with_money=money) for b in buckets],
            "figures": rows.columns((), with_money=money), "interval": period.interval,
            "presets": _presets(_today(request.tenant))}


def _presets(today: date) -> list[tuple[str, str]]:
    return [(label, urlencode(query)) for label, query in [
            ("Last 30 days", {"interval": DAY}),
            ("This month", {"interval": DAY, "from": today.replace(day=1).isoformat(),
                            "to": today.isoformat()}),
            ("Last 12 months", {"interval": MONTH}),
            ("This year", {"interval": MONTH, "from": f"{today.year}-01",
                           "to": today.strftime("%Y-%m")})]]


@page(*EVERYONE)
@require_safe
def reports_page(request):
    period, error = _period(request)
    money = sees_money(request)
    table = "sites" if request.GET.get("table") == "sites" else "stations"
    listed = _table(request, table, period)
    if request.GET.get("format") == "csv":
        return _table_csv(request, table, listed, period, money)
    context = _context(request, period, error, selectors.series(request.tenant, period))
    return render(request, "reports/index.html", context | {"rows": listed, "table": table})


def _table(request, table: str, period: Period):
    """The table's page. Sorted by name (the default), the page is taken first and only its rows
    get their figures; sorted by a figure, the period's days are summed per row and sorted in
    SQL (reports.ranking), then the page's rows read: either way the first page of a large
    fleet stays well under 300 ms (bench/README.md)."""
    sites = table == "sites"
    items = (selectors.site_list if sites else selectors.station_list)(request.tenant)
    listed = listing(request, items, **(SITE_LISTING if sites else STATION_LISTING))
    key = listed.sort.lstrip("-")
    if key in selectors.SORTS:
        ranked = Ranked(listed.queryset, period, key,
                        descending=listed.sort.startswith("-"), of="site" if sites else "station",
                        tenant=request.tenant)
        listed.page = Paginator(ranked, listed.page.paginator.per_page).get_page(request.GET.get("page"))
    else:
        listed.page.object_list = selectors.figures_into(
            list(listed.page.object_list), period, of="site" if sites else "station")
    return listed


def _table_csv(request, table: str, listed, period: Period, money: bool):
    """The whole table, sorted and searched as shown (every page, not only this one)."""
    items = _every_row(listed.page.paginator.object_list, period, "site" if table == "sites" else "station")
    if table == "sites":
        columns = rows.columns((rows.SITE, rows.STATIONS), with_money=money)
        made = (rows.site_row(site, with_money=money) for site in items)
    else:
        columns = rows.columns((rows.IDENTITY, rows.NAME, rows.SITE), with_money=money)
        made = (rows.station_row(s, with_money=money) for s in items)
    return _csv(request, f"report-{table}-{period.start}-{period.end}", columns, made)


def _every_row(items, period: Period, of: str):
    """Every row of the table in its order with its figures, 500 at a time."""
    if isinstance(items, Ranked):
        yield from items.iterator(chunk_size=500)
        return
    chunk = []
    for item in items.iterator(chunk_size=500):
        chunk.append(item)
        if len(chunk) == 500:
            yield from selectors.figures_into(chunk, period, of=of)
            chunk = []
    yield from selectors.figures_into(chunk, period, of=of)


def _series_page(request, template: str, name: str, extra: dict, **which):
    period, error = _period(request)
    buckets = selectors.series(request.tenant, period, **which)
    money = sees_money(request)
    if request.GET.get("format") == "csv":
        columns = rows.columns((rows.BUCKET[period.interval],), with_money=money)
        made = (rows.bucket_row(b, period.interval, with_money=money) for b in buckets)
        return _csv(request, f"report-{name}-{period.start}-{period.end}", columns, made)
    return render(request, template, _context(request, period, error, buckets) | extra)


@page(*EVERYONE)
@require_safe
def station_report_page(request, identity: str):
    station = get_object_or_404(Station.objects.filter(tenant=request.tenant, removed_at__isnull=True)
                                .select_related("location", "tenant"), identity=identity)
    return _series_page(request, "reports/station.html", station.identity, {"station": station},
                        station=station)


@page(*EVERYONE)
@require_safe
def site_report_page(request, pk: int):
    site = get_object_or_404(Location.objects.filter(tenant=request.tenant), pk=pk)
    return _series_page(request, "reports/site.html", f"site-{site.pk}", {"site": site}, location=site)
