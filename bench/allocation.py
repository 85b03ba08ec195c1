"""Times the load allocator (loadmgmt/allocation.py) for one group of N connectors.

    .venv/bin/python bench/allocation.py --connectors 1000 --runs 7
    DATABASE_URL=postgres://... .venv/bin/python bench/allocation.py --connectors 1000 --db

With --db it also times what a rebalance does before it sends anything: reading the group's
live state from the database (stations, connectors, open sessions, the latest Current.Import
samples, the limits sent), allocating, and recording the allocation. It makes a throw-away
tenant with that fleet first (and deletes it after).

The group: a 3-phase cap that cannot give every car its maximum, stations of 1 or 2 connectors
sharing a 32 A (or 22 A) rating, a mix of priorities, one car in five on a single phase, one in
four drawing less than its limit for two intervals. Prints the median and the spread of the runs.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadmgmt.allocation import Demand, Group, allocate  # noqa: E402


def group_of(connectors: int, seed: int = 1) -> tuple[Group, list[Demand]]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 25, 7, tzinfo=UTC)
    demands, station_max, station = [], {}, 0
    while len(demands) < connectors:
        station += 1
        station_max[station] = Decimal(rng.choice([32, 22]))
        for _ in range(rng.choice([1, 2])):
            single = rng.random() < 0.2
            under = rng.random() < 0.25
            demands.append(Demand(
                key=(station, len(demands)), started_at=start + timedelta(seconds=rng.randrange(36000)),
                max_current=station_max[station], phases=(rng.choice([1, 2, 3]),) if single else (1, 2, 3),
                priority=rng.choice([0, 0, 0, 1]),
                measured_current=Decimal(rng.randrange(40, 160)) / 10 if under else None,
                under_draw_intervals=2 if under else 0, station=station))
    cap = Decimal(connectors * 9)  # about 9 A a car: most are admitted, not all get their maximum
    return Group(cap=cap, base_load={1: Decimal(40), 2: Decimal(25), 3: Decimal(30)},
                 safety_margin=Decimal(5), station_max=station_max), demands[:connectors]


def with_database(connectors: int, runs: int) -> None:
    import os
    import secrets

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    django.setup()
    from django.utils import timezone

    from loadmgmt.models import LoadGroup, LoadGroupMember
    from loadmgmt.records import allocation_record
    from loadmgmt.selectors import group_state
    from stations.models import ChargingSession, Connector, MeterSample, Station
    from tenants.models import Tenant

    tenant = Tenant.objects.create(slug=f"bench-lm-{secrets.token_hex(3)}", name="Bench LM")
    try:
        group = LoadGroup.objects.create(tenant=tenant, name="Big car park", max_current=connectors * 9)
        stations = Station.objects.bulk_create(
            Station(tenant=tenant, identity=f"LM-{n}", password_hash="x")
            for n in range(connectors // 2))
        LoadGroupMember.objects.bulk_create(LoadGroupMember(station=s, group=group) for s in stations)
        now = timezone.now()
        Connector.objects.bulk_create(Connector(station=s, connector_id=c, status="Charging", updated_at=now)
                                      for s in stations for c in (1, 2))
        sessions = ChargingSession.objects.bulk_create(
            ChargingSession(tenant=tenant, station=s, connector_id=c, transaction_id=n * 2 + c,
                            started_at=now - timedelta(minutes=30), meter_start=0)
            for n, s in enumerate(stations) for c in (1, 2))
        MeterSample.objects.bulk_create(
            MeterSample(station_id=x.station_id, session=x, connector_id=x.connector_id,
                        timestamp=now - timedelta(seconds=60 * k), received_at=now,
                        measurand="Current.Import", phase=phase, unit="A", value=Decimal(12))
            for x in sessions for k in range(3) for phase in ("L1", "L2", "L3"))
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            state = group_state(group_id=group.pk)
            limits = allocate(state.spec(), state.demands)
            allocation_record(state=state, limits=limits, reason="bench")
            times.append(time.perf_counter() - began)
        print(f"read state + allocate + record, {len(sessions)} charging connectors on {len(stations)} "
              f"stations: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms over {runs} runs")
    finally:
        tenant.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connectors", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", action="store_true", help="also time reading the state from the database")
    args = parser.parse_args()
    if args.db:
        with_database(args.connectors, args.runs)
    group, demands = group_of(args.connectors)
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        limits = allocate(group, demands)
        times.append(time.perf_counter() - began)
    charging = sum(1 for v in limits.values() if v > 0)
    print(f"allocation of {args.connectors} connectors ({len(group.station_max)} stations): "
          f"median {statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms over {args.runs} runs; "
          f"{charging} charging, {args.connectors - charging} paused")


if __name__ == "__main__":
    main()
