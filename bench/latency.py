"""Round-trip latency of station CALLs against a running server.

Registers N stations through the API, connects them as real OCPP 1.6-J charge points, runs a
session on each (Authorize, StartTransaction, MeterValues with 3-phase samples, StopTransaction,
Heartbeats) and prints the median / p95 / p99 latency per action, over several rounds.

    python bench/latency.py --http http://127.0.0.1:8000 --tenant demo --token <key> --stations 50

The fleet benchmark (issue "Fleet scale") grows from this.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import defaultdict

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from stations.simulator import SimulatedChargePoint, connect  # noqa: E402


class TimedChargePoint(SimulatedChargePoint):
    latencies: dict[str, list[float]] = defaultdict(list)

    async def call(self, payload, *args, **kwargs):
        started = time.perf_counter()
        result = await super().call(payload, *args, **kwargs)
        self.latencies[type(payload).__name__].append(time.perf_counter() - started)
        return result


async def register(http: str, token: str, count: int, prefix: str) -> list[tuple[str, str]]:
    headers = {"Authorization": f"Token {token}"}
    stations = []
    async with httpx.AsyncClient(base_url=http, headers=headers, timeout=30) as api:
        for n in range(count):
            identity = f"{prefix}-{n:05d}"
            await api.delete(f"/api/v1/stations/{identity}/")
            body = (await api.post("/api/v1/stations/", json={"identity": identity})).json()
            stations.append((identity, body["password"]))
        await api.post("/api/v1/id-tags/", json={"id_tag": "BENCH"})
    return stations


async def one_station(ws: str, identity: str, password: str, samples: int) -> None:
    async with await connect(ws, identity, password) as connection:
        cp = TimedChargePoint(identity, connection)
        runner = asyncio.create_task(cp.start())
        try:
            await cp.boot()
            await cp.status(1, "Available")
            await cp.authorize("BENCH")
            await cp.start_transaction(1, "BENCH")
            for _ in range(samples):
                await cp.meter_values(1, 250)
                await cp.call(cp._call.Heartbeat())
            await cp.stop_transaction(1)
        finally:
            runner.cancel()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", default="http://127.0.0.1:8000")
    parser.add_argument("--ws", help="default: the --http URL with ws:// and /ocpp/<tenant>")
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--token", required=True)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ws = args.ws or args.http.replace("http", "ws", 1) + f"/ocpp/{args.tenant}"
    stations = await register(args.http, args.token, args.stations, "BENCH")
    medians = defaultdict(list)
    for round_no in range(1, args.rounds + 1):
        TimedChargePoint.latencies = defaultdict(list)
        started = time.perf_counter()
        await asyncio.gather(*(one_station(ws, i, p, args.samples) for i, p in stations))
        elapsed = time.perf_counter() - started
        calls = sum(len(v) for v in TimedChargePoint.latencies.values())
        print(f"round {round_no}: {args.stations} stations, {calls} CALLs in {elapsed:.2f} s "
              f"= {calls / elapsed:.0f} CALL/s")
        for action, values in sorted(TimedChargePoint.latencies.items()):
            medians[action].append(statistics.median(values))
            print(f"  {action:<20} n={len(values):<6} p50 {1000 * statistics.median(values):6.1f} ms"
                  f"  p95 {1000 * percentile(values, .95):6.1f} ms"
                  f"  p99 {1000 * percentile(values, .99):6.1f} ms  max {1000 * max(values):6.1f} ms")
    print("median of the rounds' p50:")
    for action, values in sorted(medians.items()):
        print(f"  {action:<20} {1000 * statistics.median(values):6.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
