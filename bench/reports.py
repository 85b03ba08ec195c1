"""The reports at fleet size (docs/reports.md, "Rollups"): the queries of the report pages and API
against one tenant of 10,000 stations with a year of daily rollups (3.66 million StationDay rows)
and their monthly ones (StationMonth, SiteMonth), and the periodic rollup of yesterday and today
for the whole fleet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/reports.py --build     # make cpms_reports (a few minutes), then time
    DATABASE_URL=... .venv/bin/python bench/reports.py --reuse

Prints the median and the maximum of `--repeat` runs of each query (server time: the query and
turning its rows into the page's values), flagged over `--budget` ms. Figures: bench/README.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "cpms_reports"
SORTED = ("uptime_pct", "occupied_pct", "charging_pct", "total_sessions", "energy_kwh", "total_net")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Time the reports at fleet size")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build", action="store_true")
    mode.add_argument("--reuse", action="store_true")
    p.add_argument("--stations", type=int, default=10_000)
    p.add_argument("--days", type=int, default=366)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-rollup", action="store_true", help="time the pages only")
    p.add_argument("--budget", type=float, default=300, help="ms")
    return p.parse_args(argv)


def database_url(make: bool) -> None:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/reports.py needs PostgreSQL: set DATABASE_URL")
    base, _, _ = url.rpartition("/")
    if make:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = f"{base}/{DATABASE}"


def build(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench.pages import copy_into
    from reports.models import StationDay
    from stations.models import Connector, Location, Station
    from tenants.services import tenant_create

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    tenant = tenant_create(slug="reports-bench", name="Reports Bench GmbH")
    sites = Location.objects.bulk_create([Location(tenant=tenant, name=f"Site {i:03d}", city="Berlin")
                                          for i in range(200)])
    stations = Station.objects.bulk_create([
        Station(tenant=tenant, identity=f"BENCH-{i:05d}", password_hash="!", name=f"Bay {i}",
                location=sites[i % len(sites)]) for i in range(args.stations)], batch_size=2000)
    Station.objects.filter(tenant=tenant).update(created_at=datetime.now(UTC) - timedelta(days=args.days + 5))
    Connector.objects.bulk_create([Connector(station=s, connector_id=c, status="Available")
                                   for s in stations for c in (0, 1, 2)], batch_size=5000)
    first = date.today() - timedelta(days=args.days - 1)
    now = datetime.now(UTC)

    def rows():
        for n in range(args.days):
            day = first + timedelta(days=n)
            for s in stations:
                online = rng.randrange(80_000, 86_401)
                yield (tenant.pk, s.pk, day, 86_400, online, online - rng.randrange(0, 2000), 0, 2,
                       172_800, rng.randrange(0, 60_000), rng.randrange(0, 40_000), rng.randrange(0, 12),
                       rng.randrange(0, 200_000), "EUR", rng.randrange(0, 9000) / 100,
                       rng.randrange(0, 9000) / 100, now)

    written = copy_into(StationDay, ["tenant", "station", "day", "seconds", "online_s", "uptime_s",
                                     "faulted_s", "connectors", "connector_s", "occupied_cs",
                                     "charging_cs", "sessions", "energy_wh", "currency",
                                     "revenue_net", "revenue_gross", "computed_at"], rows())
    from reports.services import months_rollup, totals_rollup

    totals_rollup(since=first, until=date.today())  # the tenant's and sites' days, the sites' months
    months_rollup(StationDay.objects.filter(tenant=tenant), since=first, until=date.today())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  {len(stations):,} stations, {written:,} station days in {time.perf_counter() - began:.0f} s",
          flush=True)


def cases(tenant) -> list[tuple[str, object]]:
    from cpms.listing import PAGE_SIZE
    from reports import selectors
    from reports.periods import Period
    from reports.ranking import Ranked
    from stations.models import Station

    today = date.today()
    month = Period(today - timedelta(days=29), today, "day")
    year = Period(today - timedelta(days=365), today, "day")
    months = Period((today - timedelta(days=330)).replace(day=1), today, "month")
    station = Station.objects.filter(tenant=tenant).order_by("identity").first()

    def first_page(period, of="station"):
        listed = selectors.station_list(tenant) if of == "station" else selectors.site_list(tenant)
        order = "identity" if of == "station" else "name"
        return lambda: selectors.figures_into(list(listed.order_by(order, "pk")[:PAGE_SIZE]), period, of=of)

    def ranked(period, key: str, of="station", search: str = ""):
        """A table sorted by a figure, as the page reads it (reports.ranking): count and page."""
        items = selectors.station_list(tenant) if of == "station" else selectors.site_list(tenant)
        if search:
            items = items.filter(identity__icontains=search)

        def run():
            rows = Ranked(items, period, key, descending=True, of=of, tenant=tenant)
            rows.count()
            return rows[0:PAGE_SIZE]
        return run

    return [
        ("stations, 30 days, by identity", first_page(month)),
        ("stations, 366 days, by identity", first_page(year)),
        ("sites, 30 days, by name", first_page(month, "site")),
        *((f"stations, {days}, by {key}", ranked(period, key))
          for days, period in (("30 days", month), ("366 days", year)) for key in SORTED),
        *((f"sites, {days}, by {key}", ranked(period, key, "site"))
          for days, period in (("30 days", month), ("366 days", year)) for key in SORTED),
        ("stations, 30 days, searched, by uptime", ranked(month, "uptime_pct", search="BENCH-099")),
        ("tenant series, 30 days", lambda: selectors.series(tenant, month)),
        ("tenant series, 12 months", lambda: selectors.series(tenant, months)),
        ("one station, 366 days (today live)", lambda: selectors.series(tenant, year, station=station)),
        ("station card, 30 days", lambda: selectors.station_card(station)),
    ]


def time_cases(args, *, rollup: bool = True) -> None:
    from django.db import connection, reset_queries

    from reports.services import rollup_recent
    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug="reports-bench")
    print(f"{'case':<40} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, run in cases(tenant):
        times = []
        for _ in range(args.repeat):
            reset_queries()
            began = time.perf_counter()
            run()
            times.append((time.perf_counter() - began) * 1000)
        flag = "  OVER" if statistics.median(times) > args.budget else ""
        print(f"{label:<40} {statistics.median(times):>10.1f} {max(times):>8.1f} "
              f"{len(connection.queries):>8}{flag}", flush=True)
    if not rollup:
        return
    began = time.perf_counter()
    written = rollup_recent()
    print(f"periodic rollup ({written:,} station days, with the tenants' and sites'): "
          f"{time.perf_counter() - began:.1f} s")


def main(argv=None) -> None:
    args = parse_args(argv)
    database_url(make=args.build)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = True  # counts the queries
    if args.build:
        build(args)
    time_cases(args, rollup=not args.no_rollup)


if __name__ == "__main__":
    main()
