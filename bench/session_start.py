"""Times what a session's start costs a server process: a 1.6 Authorize and StartTransaction
as the station link runs them (stations/services), for N stations of a throw-away tenant, one
card, on PostgreSQL. After a reconnect storm a charging fleet starts its sessions all at once,
and this work is what they wait for (bench/README.md, issue 22).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpms_bench \\
        .venv/bin/python bench/session_start.py --stations 200 --runs 5

Prints, per run, the milliseconds and the statements of one Authorize + StartTransaction, and
their median. Follow-ups (alerts, load groups, webhooks after the answer) are not included.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from stations.models import ChargingSession, IdTag, Station  # noqa: E402
from stations.services.authorization import station_id_tag_info  # noqa: E402
from stations.services.stations import station_create  # noqa: E402
from stations.services.transactions import transaction_start  # noqa: E402
from tenants.models import Tenant  # noqa: E402
from tenants.services import tenant_create  # noqa: E402

SLUG, CARD = "bench-session-start", "BENCH-CARD"


def fleet(count: int) -> list[Station]:
    tenant = Tenant.objects.filter(slug=SLUG).first() or tenant_create(slug=SLUG, name="Bench")
    IdTag.objects.get_or_create(tenant=tenant, id_tag=CARD, defaults={"max_sessions": 0})
    have = Station.objects.filter(tenant=tenant).count()
    for n in range(have, count):
        station_create(tenant=tenant, identity=f"SS-{n}")
    return list(Station.objects.filter(tenant=tenant).order_by("pk")[:count])


def one_run(stations: list[Station]) -> tuple[float, float]:
    """(ms, statements) per Authorize + StartTransaction, on connectors with no open session."""
    ChargingSession.objects.filter(station__in=stations, stopped_at__isnull=True).update(
        stopped_at=timezone.now(), closed_reason="bench")
    connection.queries_log.clear()  # it keeps the last 9,000
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        for station in stations:
            station_id_tag_info(station=station, id_tag=CARD)
            transaction_start(station=station, received_at=timezone.now(), payload={
                "connectorId": 1, "idTag": CARD, "meterStart": 0,
                "timestamp": timezone.now().isoformat()})
    elapsed = time.perf_counter() - started
    return elapsed / len(stations) * 1000, len(captured.captured_queries) / len(stations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    stations = fleet(args.stations)
    one_run(stations[:20])  # warm: connections, caches
    times = []
    for n in range(args.runs):
        ms, statements = one_run(stations)
        times.append(ms)
        print(f"run {n + 1}: {ms:.2f} ms and {statements:.1f} statements per Authorize + "
              f"StartTransaction ({len(stations)} stations)")
    print(f"median of {args.runs}: {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
