"""Dashboard pages at fleet size: every page's server time against one tenant of 10,000 stations,
100,000 sessions and 10,000,000 meter values (the table of the last run is in bench/README.md,
"pages.py").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/pages.py --build     # make cpms_pages (minutes), then time
    DATABASE_URL=... .venv/bin/python bench/pages.py --reuse     # time against it again

`--build` (re)creates the database `cpms_pages` next to DATABASE_URL's, migrates it and fills
it: the meter values by one server-side INSERT … SELECT generate_series, the other bulk tables
(sessions, their prices, audit entries, OCPP messages) through PostgreSQL's COPY, the rest with
bulk_create; then the reports' rollups (manage.py reports_rebuild). Then, and with `--reuse`
only this, every dashboard GET route of the URLconf (not the API, not the downloads) is fetched
with Django's test client in this process, as each role that may see it: the first page, and
for lists a deep page, a sorted and a searched variant (found in the page's own sort and pager
links). Server time = view time; it prints the median and the maximum of `--repeat` fetches and
the queries of one, and flags each page over `--budget` ms.
"""

import argparse
import logging
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "cpms_pages"
SLUG = "fleet-bench"
NOT_PAGES = re.compile(r"(^api/|^admin/|^accounts/|^ocpp-files/|\.(csv|json|pdf|pem|xml|zip)$|export|"
                       r"/file/$|^favicon|^static/|/card/|/latest/|^pick/|/badge/|live)")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Time every dashboard page at fleet size")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build", action="store_true", help="(re)make the database, then time")
    mode.add_argument("--reuse", action="store_true", help="time against the database made before")
    p.add_argument("--stations", type=int, default=10_000)
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=10_000_000, help="meter values in all")
    p.add_argument("--busy-samples", type=int, default=10_000, help="meter values of the busiest session")
    p.add_argument("--tags", type=int, default=1_200)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--budget", type=float, default=300, help="ms")
    p.add_argument("--only", default="", help="a regular expression the route must match")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def database_url(make: bool) -> None:
    """Point DATABASE_URL at cpms_pages (made anew with `make`)."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/pages.py needs PostgreSQL: set DATABASE_URL")
    base, _, _ = url.rpartition("/")
    if make:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = f"{base}/{DATABASE}"


# ---- Building ---------------------------------------------------------------------------------


def copy_into(model, columns: list[str], rows) -> int:
    """COPY `rows` (tuples in the order of `columns`, model field names) into the model's table;
    the other columns take their defaults, prepared once. Returns the rows written."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    fields = {f.name: f for f in model._meta.concrete_fields}
    rest = [f for f in model._meta.concrete_fields
            if f.name not in columns and not f.primary_key and (
                f.default is not NOT_PROVIDED or getattr(f, "auto_now", False)
                or getattr(f, "auto_now_add", False) or not f.null)]
    fixed = []
    for field in rest:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now()
        else:
            value = field.get_default()
        fixed.append(Jsonb(value) if isinstance(value, dict | list) else value)
    names = ", ".join(f'"{fields[c].column}"' for c in columns) + "".join(f', "{f.column}"' for f in rest)
    written = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
            f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in row] + fixed)
            written += 1
    return written


def build(args) -> None:
    from django.core.management import call_command

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    tenant, stations = _fleet(args, rng)
    print(f"  fleet: {len(stations):,} stations ({time.perf_counter() - began:.0f} s)", flush=True)
    sessions = _sessions(args, rng, tenant, stations)
    print(f"  sessions: {len(sessions):,} ({time.perf_counter() - began:.0f} s)", flush=True)
    samples = _samples(args, rng, sessions)
    print(f"  meter values: {samples:,} ({time.perf_counter() - began:.0f} s)", flush=True)
    _money(args, rng, tenant, sessions)
    _management(args, rng, tenant, stations)
    _records(args, rng, tenant, stations)
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  analysed ({time.perf_counter() - began:.0f} s); reports' rollups", flush=True)
    first = min(row[3] for row in sessions).date()
    call_command("reports_rebuild", since=first, tenant=SLUG, verbosity=0)
    print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)


def _fleet(args, rng):
    from billing.services import tariff_create
    from stations.models import Connector, Evse, Location, Station, StatusEvent
    from tenants.services import tenant_create

    tenant = tenant_create(slug=SLUG, name="Fleet Bench GmbH")
    tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19", is_default=True,
                  elements=[{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}])
    sites = Location.objects.bulk_create([
        Location(tenant=tenant, name=f"Site {i:03d}", address=f"Street {i}", postal_code=f"{10000 + i}",
                 city="Berlin", country="DE") for i in range(200)])
    now = datetime.now(UTC)
    stations = Station.objects.bulk_create([
        Station(tenant=tenant, identity=f"BENCH-{i:05d}", password_hash="!", name=f"Bay {i}",
                vendor=rng.choice(["ABB", "Alpitronic", "Wallbox"]), model="X",
                ocpp_version="2.0.1" if i % 2 else "1.6", location=sites[i % len(sites)],
                last_seen=now - timedelta(seconds=rng.randrange(0, 86_400)))
        for i in range(args.stations)], batch_size=2000)
    statuses = ["Available", "Charging", "Faulted", "Unavailable", "Preparing"]
    Evse.objects.bulk_create([Evse(station=s, evse_id=e) for s in stations for e in (1, 2)], batch_size=5000)
    Connector.objects.bulk_create([Connector(station=s, connector_id=c, status=rng.choice(statuses))
                                   for s in stations for c in (0, 1, 2)], batch_size=5000)
    StatusEvent.objects.bulk_create([
        StatusEvent(station=stations[i % 50], connector_id=1 + i % 2, status=rng.choice(statuses),
                    error_code="NoError", received_at=now - timedelta(minutes=i)) for i in range(5000)],
        batch_size=5000)
    return tenant, stations


def _sessions(args, rng, tenant, stations) -> list[tuple]:
    """(id, station id, connector, started, stopped, meter start, meter stop) of each session."""
    from stations.models import ChargingSession

    now = datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=180)
    step = (now - first) / args.sessions

    def rows():
        for n in range(args.sessions):
            station = stations[n % len(stations)]
            started = first + step * n
            running = n >= args.sessions - 50
            stopped = None if running else started + timedelta(minutes=rng.randrange(20, 240))
            begin = rng.randrange(0, 5_000_000)
            end = None if running else begin + rng.randrange(1_000, 60_000)
            yield (tenant.pk, station.pk, 1 + n % 2, n + 1, f"CARD{n % args.tags:06d}", begin, end,
                   started, stopped, started, stopped, "" if running else "EVDisconnected")

    copy_into(ChargingSession, ["tenant", "station", "connector_id", "transaction_id", "id_tag",
                                "meter_start", "meter_stop", "started_at", "stopped_at",
                                "start_received_at", "stop_received_at", "stop_reason"], rows())
    return list(ChargingSession.objects.filter(tenant=tenant).order_by("pk").values_list(
        "pk", "station_id", "connector_id", "started_at", "stopped_at", "meter_start", "meter_stop"))


def _samples(args, rng, sessions) -> int:
    """The busiest session (the first) gets `busy_samples`, the others share the rest evenly.

    One server-side INSERT … SELECT over generate_series (no row crosses the wire: 10M rows in
    minutes, where COPY from Python took half an hour on a loaded machine), with the table's
    indexes dropped during the insert and made again after (one sort each instead of 10M
    index insertions)."""
    from django.db import connection

    from stations.models import MeterSample
    from stations.services.meter_values import ENERGY_REGISTER

    rest = max(args.samples - args.busy_samples, 0)
    per = max(rest // max(len(sessions) - 1, 1), 2)
    table = MeterSample._meta.db_table
    with connection.cursor() as cursor:
        remade = _drop_indexes(cursor, table)
        cursor.execute(f"""
            INSERT INTO "{table}" (station_id, session_id, connector_id, evse_id, "timestamp",
                received_at, measurand, phase, location, context, format, unit, value, raw)
            SELECT s.station_id, s.id, s.connector_id, NULL, at, at, %s, '', 'Outlet', '', '', 'Wh',
                   floor(s.meter_start + (COALESCE(s.meter_stop, s.meter_start + 10000) - s.meter_start)
                         * k::numeric / s.n), ''
            FROM (SELECT c.*, CASE WHEN c.id = %s THEN %s ELSE %s END AS n
                  FROM stations_chargingsession c WHERE c.id = ANY(%s)) s
            CROSS JOIN LATERAL generate_series(0, s.n - 1) AS k
            CROSS JOIN LATERAL (SELECT s.started_at + (COALESCE(s.stopped_at, s.started_at
                  + interval '1 hour') - s.started_at) * (k::float8 / s.n) AS at) t""",
                       [ENERGY_REGISTER, sessions[0][0], args.busy_samples, per,
                        [row[0] for row in sessions]])
        written = cursor.rowcount
        for statement in remade:
            cursor.execute(statement)
    return written


def _drop_indexes(cursor, table: str) -> list[str]:
    """Drop `table`'s unique constraints and indexes (not its primary key); return the statements
    that make them again."""
    cursor.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid = %s::regclass AND contype = 'u'""", [table])
    constraints = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute("""SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
                      JOIN pg_class i ON i.oid = x.indexrelid
                      WHERE x.indrelid = %s::regclass AND NOT x.indisprimary""", [table])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return ([f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
             for name, definition in constraints] + [definition for _, definition in indexes])


def _money(args, rng, tenant, sessions) -> None:
    from billing.models import Customer, Invoice, SessionPrice, Tariff
    from stations.models import IdTag

    tariff = Tariff.objects.filter(tenant=tenant).first()
    customers = Customer.objects.bulk_create([
        Customer(tenant=tenant, name=f"Customer {i:04d}", address=f"Street {i}\n10115 Berlin")
        for i in range(400)])
    IdTag.objects.bulk_create([IdTag(tenant=tenant, id_tag=f"CARD{i:06d}", name=f"Driver {i}",
                                     customer=customers[i % len(customers)]) for i in range(args.tags)])

    def prices():
        for pk, _, _, _, stopped, begin, end in sessions:
            if stopped is None:
                continue
            net = (Decimal(end - begin) / 1000 * Decimal("0.30")).quantize(Decimal("0.01"))
            vat = (net * Decimal("0.19")).quantize(Decimal("0.01"))
            yield (pk, tenant.pk, tariff.pk, "EUR", net, vat, net + vat, True, stopped)

    copy_into(SessionPrice, ["session", "tenant", "tariff", "currency", "net", "vat", "gross", "final",
                             "priced_at"], prices())
    now = datetime.now(UTC)
    Invoice.objects.bulk_create([
        Invoice(tenant=tenant, number=f"INV-{i:06d}", customer=customers[i % len(customers)],
                buyer_name=f"Customer {i % len(customers):04d}", seller_name="Fleet Bench GmbH",
                issued_at=now - timedelta(days=i % 180), period_start=(now - timedelta(days=30)).date(),
                period_end=now.date(), currency="EUR") for i in range(2400)], batch_size=2400)


def _management(args, rng, tenant, stations) -> None:
    from loadmgmt.models import Allocation, LoadGroup, LoadGroupMember

    groups = LoadGroup.objects.bulk_create([
        LoadGroup(tenant=tenant, name=f"Car park {i:02d}", max_current=400) for i in range(20)])
    members = [LoadGroupMember(station=s, group=groups[i // 300]) for i, s in enumerate(stations[:6000])]
    LoadGroupMember.objects.bulk_create(members, batch_size=5000)
    big = groups[0]
    connectors = [{"station": s.identity, "connector_id": c, "transaction_id": None, "limit": "6.0",
                   "measured_current": "5.8", "status": "Charging", "phases": [1, 2, 3], "priority": 0,
                   "steered": True, "connected": True} for s in stations[:300] for c in (1, 2)]
    per_phase = {"1": "300", "2": "300", "3": "300"}
    Allocation.objects.bulk_create([
        Allocation(group=big, reason="meter values", max_current=400, available=per_phase,
                   allocated=per_phase, reserved={}, base_load={}, connectors=connectors,
                   measured=Decimal("3480.0"))
        for _ in range(600)], batch_size=100)


def _records(args, rng, tenant, stations) -> None:
    from alerts.models import Alert
    from audit.models import AuditEntry
    from stations.models import OcppMessage

    now = datetime.now(UTC)
    Alert.objects.bulk_create([
        Alert(tenant=tenant, kind="station_offline", key=f"offline:{s.identity}:{i}",
              title=f"{s.identity} offline", opened_at=now - timedelta(minutes=i),
              last_seen_at=now - timedelta(minutes=i), station=s)
        for i, s in enumerate(stations[:3000])], batch_size=3000)
    copy_into(AuditEntry, ["tenant", "at", "via", "actor_type", "actor", "action", "object_type",
                           "object_id", "object_repr", "station_identity"],
              ((tenant.pk, now - timedelta(seconds=i), "api", "token", f"token {i % 7}", "update",
                "stations.station", str(stations[i % len(stations)].pk), stations[i % len(stations)].identity,
                stations[i % len(stations)].identity) for i in range(100_000)))
    busy = stations[0]
    copy_into(OcppMessage, ["tenant", "station", "direction", "created_at"],
              ((tenant.pk, busy.pk if i % 2 else stations[i % len(stations)].pk, "in" if i % 3 else "out",
                now - timedelta(seconds=i)) for i in range(200_000)))


# ---- Timing -----------------------------------------------------------------------------------


def routes() -> list[tuple[str, object]]:
    """(route, view) of every non-API dashboard GET route, as the URLconf has them."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append((prefix + str(entry.pattern), entry.callback))

    walk(get_resolver().url_patterns)
    return [(route, view) for route, view in dict.fromkeys(found) if not NOT_PAGES.search(route)]


def _objects(tenant) -> dict:
    """What fills a route's parameters: the busiest of each kind."""
    from billing.models import Customer, Invoice, Tariff
    from loadmgmt.models import LoadGroup
    from stations.models import ChargingSession, IdTag, Location, Station

    first_session = ChargingSession.objects.filter(tenant=tenant).order_by("pk").first()
    return {"identity": Station.objects.get(tenant=tenant, identity="BENCH-00000").identity,
            "sessions": first_session.pk, "load-groups": LoadGroup.objects.filter(tenant=tenant).first().pk,
            "invoices": Invoice.objects.filter(tenant=tenant).first().pk,
            "customers": Customer.objects.filter(tenant=tenant).first().pk,
            "id-tags": IdTag.objects.filter(tenant=tenant).first().pk,
            "tariffs": Tariff.objects.filter(tenant=tenant).first().pk,
            "sites": Location.objects.filter(tenant=tenant).first().pk,
            "locations": Location.objects.filter(tenant=tenant).first().pk}


def fill(route: str, objects: dict) -> str | None:
    """The route with its parameters filled, None if one is of a kind not known here."""
    missing = []

    def one(match: re.Match) -> str:
        name = match[1].split(":")[-1]
        if name == "identity":
            return objects["identity"]
        kind = next((key for key in objects if f"{key}/<{match[1]}>" in route), None)
        if kind is None:
            missing.append(name)
            return ""
        return str(objects[kind])

    path = "/" + re.sub(r"<([\w:]+)>", one, route)
    return None if missing or "(?" in route or "^" in route else path


def variants(html: str) -> list[tuple[str, str]]:
    """From a list page's own links: the last page, the last sort offered, a search."""
    found = []
    pages = [int(n) for n in re.findall(r'href="\?[^"]*page=(\d+)', html)]
    if pages and max(pages) > 1:
        found.append(("deep page", f"page={max(pages)}"))
    sorts = re.findall(r'class="sort" href="\?([^"]*)"', html)
    if sorts:
        found.append(("sorted", sorts[-1].replace("&amp;", "&")))
    if 'name="q"' in html:
        found.append(("searched", "q=BENCH-0999"))
    return found


def fetch(client, path: str, repeat: int) -> tuple[int, list[float], int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, status, body, queries = [], 0, "", 0
    try:
        fetch_once = client.get(path)
    except Exception as failure:  # noqa: BLE001 - a page that fails is reported, the run goes on
        return 500, [0.0], 0, f"{type(failure).__name__}: {failure}"[:200]
    del fetch_once  # the first fetch warms the caches (templates, the session), not timed
    for n in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(path)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - began) * 1000)
        status, queries = response.status_code, len(captured)
        if n == 0:
            body = content.decode(errors="replace")
    return status, times, queries, body


def users(tenant) -> dict:
    from django.contrib.auth import get_user_model

    from tenants.models import Membership, Role

    made = {}
    for role in (Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{role}")
        Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": role})
        made[str(role)] = user
    return made


def time_pages(args) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tenants.models import Tenant

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s of roles refused
    tenant = Tenant.objects.get(slug=SLUG)
    objects, only = _objects(tenant), re.compile(args.only)
    clients = {}
    for role, user in users(tenant).items():
        clients[role] = Client()
        clients[role].force_login(user)
    print(f"{'page':58} {'role':10} {'status':>6} {'median':>8} {'max':>8} {'queries':>7}")
    slow = []
    for route, _ in routes():
        path = fill(route, objects)
        if path is None or not only.search(route):
            continue
        shown = set()
        for role, client in clients.items():
            status, times, queries, body = fetch(client, path, args.repeat)
            if status == 500:
                print(f"{path[:58]:58} {role:10} ERROR {body}")
                slow.append(f"{path} {role}: ERROR {body}")
                continue
            if status != 200 or (status, queries, len(body) // 2000) in shown:
                continue  # refused to this role, or the same page as a role before
            shown.add((status, queries, len(body) // 2000))
            slow += _report(path, role, status, times, queries, args.budget)
            for label, query in variants(body) if role == "manager" else ():
                status2, times2, queries2, _ = fetch(client, f"{path}?{query}", args.repeat)
                slow += _report(f"{path}?{query} ({label})", role, status2, times2, queries2, args.budget)
    print(f"\n{len(slow)} over {args.budget:.0f} ms:" if slow else f"\nevery page under {args.budget:.0f} ms")
    for line in slow:
        print("  " + line)


def _report(label: str, role: str, status: int, times: list[float], queries: int, budget: float) -> list:
    median = statistics.median(times)
    flag = " SLOW" if median > budget else ""
    line = f"{label[:58]:58} {role:10} {status:>6} {median:>8.1f} {max(times):>8.1f} {queries:>7}{flag}"
    print(line, flush=True)
    return [line] if flag else []


def main(argv=None) -> None:
    args = parse_args(argv)
    database_url(make=args.build)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if args.build:
        print(f"building {DATABASE}: {args.stations:,} stations, {args.sessions:,} sessions, "
              f"{args.samples:,} meter values", flush=True)
        build(args)
    time_pages(args)


if __name__ == "__main__":
    main()
