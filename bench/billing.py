"""Billing benchmark: price N stopped sessions, then invoice them in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/billing.py --sessions 100000

It makes a scratch database (PostgreSQL: `cpms_bench_<hex>` next to DATABASE_URL's; nothing set:
a temporary SQLite file), migrates it, and bulk-inserts one tenant with stations, customers
(one id tag each) and N stopped sessions of last month with two energy register samples each.
Then it times, and prints:
1. pricing: `session_price_final` (the service the stop's task runs) for every session, one by one,
   and, for comparison, the pure pricing function alone over the same timelines built in memory;
2. one invoice run over the month (`invoice_run`, PDFs not rendered: each is a task of its own);
3. rendering the PDF of the largest invoice.
The scratch database is dropped at the end unless `--keep`.
"""

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Price N sessions and invoice them")
    p.add_argument("--sessions", type=int, default=10_000)
    p.add_argument("--customers", type=int, default=100)
    p.add_argument("--stations", type=int, default=500, help="two connectors each")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", action="store_true", help="keep the scratch database")
    return p.parse_args(argv)


def scratch_database() -> tuple[str | None, str | None]:
    """Point DATABASE_URL at a new database; return (its name, the admin URL) to drop it later."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="cpms-bench-")) / "bench.sqlite3")
        return None, None
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"cpms_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return name, url


def drop_database(name: str, admin_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def previous_month() -> tuple[date, date]:
    end = datetime.now(UTC).date().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def populate(args) -> tuple[object, list[int]]:
    """The tenant, its stations, customers, tags and sessions; returns (tenant, session ids)."""
    from billing.models import Customer, Tariff
    from billing.services import tariff_create
    from stations.models import ChargingSession, IdTag, MeterSample, Station
    from stations.services.meter_values import ENERGY_REGISTER
    from tenants.services import tenant_create

    rng = random.Random(args.seed)
    tenant = tenant_create(slug=f"bench-{secrets.token_hex(3)}", name="Bench Charging GmbH")
    components = [{"type": "ENERGY", "price": "0.30", "step_size": 1},
                  {"type": "FLAT", "price": "0.50", "step_size": 1}]
    tariff = tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19", is_default=True,
                           elements=[{"price_components": components}])
    Tariff.objects.filter(pk=tariff.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    stations = Station.objects.bulk_create([
        Station(tenant=tenant, identity=f"BENCH-{i:05d}", password_hash="!") for i in range(args.stations)])
    customers = Customer.objects.bulk_create([Customer(tenant=tenant, name=f"Customer {i}",
                                                       address=f"Street {i}\n10115 Berlin")
                                              for i in range(args.customers)])
    tags = IdTag.objects.bulk_create([IdTag(tenant=tenant, id_tag=f"CARD{i:06d}", customer=customer)
                                      for i, customer in enumerate(customers)])
    first, last = previous_month()
    month_start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    month_seconds = ((last - first).days + 1) * 86_400
    connectors = [(station, connector) for station in stations for connector in (1, 2)]
    per_connector = -(-args.sessions // len(connectors))
    slot = month_seconds // per_connector
    length = min(3600, int(slot * 0.8))
    ids: list[int] = []
    batch: list[ChargingSession] = []
    samples: list[MeterSample] = []

    def flush():
        made = ChargingSession.objects.bulk_create(batch)
        for session in made:
            readings = ((session.started_at, session.meter_start), (session.stopped_at, session.meter_stop))
            samples.extend(MeterSample(station_id=session.station_id, session_id=session.pk,
                                       connector_id=session.connector_id, timestamp=at, received_at=at,
                                       measurand=ENERGY_REGISTER, location="Outlet", unit="Wh", value=value)
                           for at, value in readings)
        MeterSample.objects.bulk_create(samples)
        ids.extend(session.pk for session in made)
        batch.clear()
        samples.clear()

    for n in range(args.sessions):
        station, connector = connectors[n % len(connectors)]
        started = month_start + timedelta(seconds=(n // len(connectors)) * slot)
        stopped = started + timedelta(seconds=length)
        meter_start = rng.randrange(0, 10_000_000)
        batch.append(ChargingSession(
            tenant=tenant, station=station, connector_id=connector, transaction_id=n + 1,
            id_tag=tags[n % len(tags)].id_tag, meter_start=meter_start,
            meter_stop=meter_start + rng.randrange(1_000, 40_000), started_at=started, stopped_at=stopped,
            start_received_at=started, stop_received_at=stopped, stop_reason="EVDisconnected"))
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    return tenant, ids


def pure_pricing(tenant) -> float:
    """Seconds `price_session` takes over every session's timeline (built beforehand, not timed)."""
    from billing.pricing import MeterPoint, Timeline, price_session
    from billing.selectors import tariff_default, tariff_document
    from stations.models import ChargingSession

    document = tariff_document(tariff_default(tenant.pk))
    timelines = [Timeline(started_at=start, stopped_at=stop, meter_start_wh=Decimal(begin),
                          meter_stop_wh=Decimal(end),
                          samples=(MeterPoint(at=start, energy_wh=Decimal(begin)),
                                   MeterPoint(at=stop, energy_wh=Decimal(end))))
                 for start, stop, begin, end in ChargingSession.objects.filter(tenant=tenant).values_list(
                     "started_at", "stopped_at", "meter_start", "meter_stop").iterator(chunk_size=10_000)]
    began = time.perf_counter()
    for timeline in timelines:
        price_session(document, timeline, "UTC")
    return time.perf_counter() - began


def main(argv=None) -> None:
    args = parse_args(argv)
    name, admin_url = scratch_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        from billing.invoices.pdf import invoice_pdf_bytes
        from billing.invoices.services import invoice_run
        from billing.models import Invoice, SessionPrice
        from billing.services import session_price_final

        print(f"database: {connection.vendor}; {args.sessions:,} sessions, {args.customers} customers, "
              f"{args.stations} stations")
        began = time.perf_counter()
        tenant, ids = populate(args)
        print(f"inserted in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        for session_id in ids:
            session_price_final(session_id=session_id)
        pricing = time.perf_counter() - began
        finals = SessionPrice.objects.filter(tenant=tenant, final=True, gross__gt=0).count()
        print(f"pricing: {len(ids):,} sessions in {pricing:.1f} s = {len(ids) / pricing:,.0f} sessions/s "
              f"({finals:,} final, {pricing / len(ids) * 1000:.2f} ms each)")

        pure = pure_pricing(tenant)
        print(f"pure pricing function alone: {len(ids) / pure:,.0f} sessions/s "
              f"({pure / len(ids) * 1000:.2f} ms each)")

        first, last = previous_month()
        began = time.perf_counter()
        run = invoice_run(tenant=tenant, period_start=first, period_end=last, render_pdf=False)
        invoicing = time.perf_counter() - began
        lines = sum(invoice.lines.count() for invoice in run.issued)
        print(f"invoice run: {len(run.issued)} invoices, {lines:,} lines in {invoicing:.1f} s = "
              f"{lines / invoicing:,.0f} sessions/s")

        largest = max(run.issued, key=lambda invoice: invoice.lines.count())
        began = time.perf_counter()
        document = invoice_pdf_bytes(Invoice.objects.select_related("tenant").get(pk=largest.pk))
        rendering = time.perf_counter() - began
        print(f"PDF of the largest invoice ({largest.lines.count():,} lines, {len(document) // 1024} KiB): "
              f"{rendering:.1f} s")
    finally:
        if name and not args.keep:
            drop_database(name, admin_url)
        elif name:
            print(f"kept database {name}")


if __name__ == "__main__":
    main()
