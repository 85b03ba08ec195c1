"""Times the load allocator (loadmgmt/allocation.py) for one group of N connectors.

    .venv/bin/python bench/allocation.py --connectors 1000 --runs 7

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connectors", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
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
