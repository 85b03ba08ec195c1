"""Fleet simulator and benchmark: N real OCPP 1.6-J stations (or a mixed fleet of 1.6 and
2.0.1 stations, `--ocpp-mix`) against a running backend.

    python bench/fleet.py --ws ws://127.0.0.1:8000/ocpp/bench --tenant bench --stations 10000 \
        --rate 500 --duration 600 --charging-share 0.1 --meter-interval 60

It registers the stations (`manage.py fleetstations`, same DATABASE_URL as the server), ramps
them up, keeps them heartbeating and charging, prints a progress line, then the report:
connections, CALL rates, latency per action, errors, server memory, and a check that every
session and meter value is in the database exactly once. `--floor` first runs the same fleet
against a plain `websockets` echo server to show what the machine can do at all.
"""

import argparse
import asyncio
import gc
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.fleet_station import FleetStation, Options, Stats  # noqa: E402
from bench.fleet_station_201 import FleetStation201  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="OCPP 1.6-J / 2.0.1 fleet simulator and benchmark")
    p.add_argument("--ws", required=True, help="ws://host:port/ocpp/<tenant>")
    p.add_argument("--tenant", required=True)
    p.add_argument("--stations", type=int, default=100)
    p.add_argument("--prefix", default="FLEET")
    p.add_argument("--password", help="skip registration: the stations exist with this password")
    p.add_argument("--rate", type=float, default=200, help="connections opened per second")
    p.add_argument("--duration", type=float, default=60, help="seconds to run after the ramp-up")
    p.add_argument("--heartbeat", type=float, help="seconds; default: the server's interval")
    p.add_argument("--connectors", type=int, default=2, help="per station (EVSEs in 2.0.1)")
    p.add_argument("--ocpp-mix", type=float, default=0.0,
                   help="share of the fleet speaking OCPP 2.0.1 (0: all 1.6, 1: all 2.0.1)")
    p.add_argument("--charging-share", type=float, default=0.1)
    p.add_argument("--meter-interval", type=float, default=60)
    p.add_argument("--session-length", type=float, default=600)
    p.add_argument("--warmup", type=float, default=30,
                   help="seconds after the ramp-up before the steady-state window opens")
    p.add_argument("--progress", type=float, default=10, help="seconds between progress lines")
    p.add_argument("--server-pids", default="", help="comma-separated; default: find daphne")
    p.add_argument("--command-http", help="an API base URL on another server process")
    p.add_argument("--token", help="API token for --command-http")
    p.add_argument("--commands-per-sec", type=float, default=2)
    p.add_argument("--reconnect", action="store_true",
                   help="stations reconnect after a drop (for a restart / reconnect storm)")
    p.add_argument("--reconnect-jitter", type=float, default=10,
                   help="a station waits a random 0..N s before reconnecting")
    p.add_argument("--floor", action="store_true", help="also run against an echo server")
    p.add_argument("--no-verify", action="store_true")
    p.add_argument("--trace", help="write every answer's time, action and latency to this CSV")
    return p.parse_args(argv)


def register(args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "fleetstations", args.tenant, "--count",
         str(args.stations), "--prefix", args.prefix, "--reset"],
        cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"registering the fleet failed:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def server_pids(spec: str) -> list[int]:
    if spec:
        return [int(p) for p in spec.split(",") if p]
    found = subprocess.run(["pgrep", "-f", "daphne|cpms.asgi|cpms serve"], capture_output=True,
                           text=True).stdout.split()
    return [int(p) for p in found if int(p) != os.getpid()]


class GcPauses:
    """The simulator's own garbage-collection pauses: while one lasts no station of the fleet
    reads or sends, so every latency measured across it grows by the pause. With CPython's
    default thresholds full collections over thousands of stations' sockets came every few
    seconds (the figures: bench/README.md, garbage-collection pauses); the fleet runs with a
    larger youngest generation and freezes what the ramp-up made, and the report says what
    pauses were left. `close` gives the process its collector back as it was (the test suite
    runs the fleet inside the test process)."""

    def __init__(self):
        self.pauses: list[float] = []
        self._began = 0.0
        self._thresholds = gc.get_threshold()
        gc.set_threshold(50_000, 50, 100)
        gc.callbacks.append(self._callback)

    def close(self) -> None:
        gc.callbacks.remove(self._callback)
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)

    def freeze(self) -> None:
        """Keep the long-lived objects made so far out of every later collection, and count
        the pauses from here."""
        gc.collect()
        gc.freeze()
        self.pauses.clear()

    def line(self) -> str:
        long = [p for p in self.pauses if p > 0.01]
        return (f"simulator GC after the ramp-up: {len(self.pauses)} collections, "
                f"{len(long)} over 10 ms, "
                f"{1000 * sum(long):.0f} ms in those, longest {1000 * max(self.pauses, default=0):.0f} ms")


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


async def run_fleet(url: str, password: str, identities: list[str], args,
                    pids: list[int], label: str, stats: Stats, gc_pauses: GcPauses) -> float:
    """Run the fleet until the ramp-up and `args.duration` are over; return the seconds."""
    options = Options(url=url, password=password, connectors=args.connectors,
                      heartbeat=args.heartbeat, charging_share=args.charging_share,
                      meter_interval=args.meter_interval, session_length=args.session_length,
                      reconnect=args.reconnect, reconnect_jitter=args.reconnect_jitter)
    ramp = len(identities) / args.rate
    until = time.monotonic() + ramp + args.duration
    started = time.monotonic()
    stats.steady_from = started + ramp + args.warmup
    # The wind-down: at the end every running session stops at once (a burst of StopTransaction
    # and StatusNotification no real fleet sends), after its last MeterValues.
    stats.steady_until = until - 2 - (args.meter_interval if args.charging_share else 0)
    reporter = asyncio.create_task(_progress(stats, args.progress, label, pids, started))
    commander = None
    if args.command_http and args.token and label == "backend":
        commander = asyncio.create_task(_commands(args, identities, stats, until))
    tasks = []
    for n, identity in enumerate(identities):
        kind = FleetStation201 if speaks_201(n, args.ocpp_mix) else FleetStation
        tasks.append(asyncio.create_task(kind(identity, options, stats).run(until)))
        delay = started + (n + 1) / args.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    while stats.held + stats.dropped < len(identities) and time.monotonic() < stats.steady_from:
        await asyncio.sleep(0.5)
    gc_pauses.freeze()  # the fleet's sockets, before the steady window opens
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    reporter.cancel()
    if commander:
        commander.cancel()
    return elapsed


def speaks_201(n: int, mix: float) -> bool:
    """Whether the n-th station speaks 2.0.1: `mix` of the fleet, spread evenly over it."""
    return int((n + 1) * mix) > int(n * mix)


async def _progress(stats: Stats, every: float, label: str, pids: list[int], started) -> None:
    last_sent, last_answered, last = 0, 0, time.monotonic()
    while True:
        await asyncio.sleep(every)
        now = time.monotonic()
        rate_s = (stats.sent - last_sent) / (now - last)
        rate_a = (stats.answered - last_answered) / (now - last)
        last_sent, last_answered, last = stats.sent, stats.answered, now
        print(f"[{label} {now - started:6.0f}s] connections {stats.attempted} attempted, "
              f"{stats.established} established, {stats.held} held | CALLs {rate_s:.0f}/s sent, "
              f"{rate_a:.0f}/s answered | errors {sum(stats.errors.values())} | "
              f"server RSS {rss_kib(pids) / 1024:.0f} MiB", flush=True)


async def _commands(args, identities: list[str], stats: Stats, until: float) -> None:
    async with httpx.AsyncClient(base_url=args.command_http, timeout=30,
                                 headers={"Authorization": f"Token {args.token}"}) as api:
        await asyncio.sleep(min(30.0, len(identities) / args.rate + 5))
        while time.monotonic() < until - 5:
            if not stats.online:
                await asyncio.sleep(1)
                continue
            identity = random.choice(tuple(stats.online))
            began = time.perf_counter()
            response = await api.post(f"/api/v1/stations/{identity}/commands/",
                                      json={"action": "ClearCache", "payload": {}})
            if response.status_code == 200:
                stats.latency("API command", time.perf_counter() - began)
            else:
                stats.error(f"command:{response.status_code}")
            await asyncio.sleep(1 / args.commands_per_sec)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _latency_lines(latencies: dict[str, list[float]]) -> None:
    everything = [v for k, values in latencies.items() if k != "API command" for v in values]
    for action, values in sorted(latencies.items()) + [("(all CALLs)", everything)]:
        if values:
            print(f"  {action:<20} n={len(values):<8} p50 {1000 * statistics.median(values):7.1f} ms"
                  f"  p95 {1000 * percentile(values, .95):7.1f}"
                  f"  p99 {1000 * percentile(values, .99):7.1f}  max {1000 * max(values):7.1f}")


def report(stats: Stats, elapsed: float, label: str, rss_before: int, rss_held: int,
           rss_end: int, stations: int) -> None:
    print(f"\n== {label}: {elapsed:.0f} s")
    print(f"connections: {stats.attempted} attempted, {stats.established} established, "
          f"{stats.dropped} dropped")
    print(f"CALLs: {stats.sent} sent, {stats.answered} answered = {stats.answered / elapsed:.0f}/s "
          f"on average")
    _latency_lines(stats.latencies)
    steady = min(time.monotonic(), stats.steady_until) - stats.steady_from
    if steady > 0 and stats.steady_latencies:
        calls = sum(len(v) for k, v in stats.steady_latencies.items() if k != "API command")
        print(f"steady state ({steady:.0f} s, after ramp-up and warm-up, before the wind-down "
              f"where every session stops): {calls / steady:.0f} CALL/s answered")
        _latency_lines(stats.steady_latencies)
    print(f"errors: {stats.errors or 'none'}")
    if stats.drops:
        first = min(stats.drops)
        last_boot = max(stats.reboots, default=first)
        print(f"reconnect: {len(stats.drops)} links dropped, {len(stats.reboots)} stations "
              f"booted again; the last {last_boot - first:.1f} s after the first drop")
    if rss_end:
        per_station = (rss_held - rss_before) / max(stations, 1)
        print(f"server RSS: {rss_before / 1024:.0f} MiB before, {rss_held / 1024:.0f} MiB with "
              f"all connected, {rss_end / 1024:.0f} MiB at the end; "
              f"{per_station:.1f} KiB per connected station")


def verify(args, since: datetime, stats: Stats) -> bool:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
    import django

    django.setup()
    from stations.models import ChargingSession, MeterSample
    from stations.services.meter_values import ENERGY_REGISTER

    fleet = {"station__tenant__slug": args.tenant,
             "station__identity__startswith": f"{args.prefix}-"}
    sessions = ChargingSession.objects.filter(start_received_at__gte=since,
                                              stopped_at__isnull=False, **fleet)
    count = sessions.count()
    energy = sum(s.energy_wh or 0 for s in sessions.only("meter_start", "meter_stop"))
    samples = MeterSample.objects.filter(received_at__gte=since, measurand=ENERGY_REGISTER,
                                         context="Sample.Periodic", **fleet).count()
    ok = (count, energy, samples) == (stats.sessions, stats.session_energy_wh, stats.meter_values)
    print(f"database: {count} sessions (sent {stats.sessions}), {energy} Wh "
          f"(sent {stats.session_energy_wh}), {samples} MeterValues (sent {stats.meter_values})"
          f" -> {'every one stored exactly once' if ok else 'MISMATCH'}")
    return ok


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(argv=None) -> int:
    args = parse_args(argv)
    gc_pauses = GcPauses()
    try:
        return await _main(args, gc_pauses)
    finally:
        gc_pauses.close()


async def _main(args, gc_pauses: GcPauses) -> int:
    identities = [f"{args.prefix}-{n:05d}" for n in range(args.stations)]
    if args.ocpp_mix:
        count_201 = sum(speaks_201(n, args.ocpp_mix) for n in range(args.stations))
        print(f"fleet: {args.stations - count_201} OCPP 1.6 and {count_201} OCPP 2.0.1 stations")
    floor = None
    if args.floor:
        port = free_port()
        echo = subprocess.Popen([sys.executable, str(ROOT / "bench" / "echo_server.py"),
                                 str(port)])
        time.sleep(1)
        stats = Stats()
        try:
            elapsed = await run_fleet(f"ws://127.0.0.1:{port}/ocpp/x", "x", identities,
                                      args, [echo.pid], "floor", stats, gc_pauses)
        finally:
            echo.terminate()
        report(stats, elapsed, "floor (plain websockets echo server)", 0, 0, 0, args.stations)
        floor = stats.answered / elapsed
    password = args.password or register(args)
    pids = server_pids(args.server_pids)
    since = datetime.now(UTC)
    rss_before = rss_kib(pids)
    stats = Stats(trace=[] if args.trace else None)

    async def rss_when_all_held() -> int:
        while stats.held < args.stations:
            await asyncio.sleep(1)
        return rss_kib(pids)

    sampler = asyncio.create_task(rss_when_all_held())
    elapsed = await run_fleet(args.ws, password, identities, args, pids, "backend", stats,
                              gc_pauses)
    rss_held = sampler.result() if sampler.done() else 0
    sampler.cancel()
    if args.trace:
        with open(args.trace, "w") as out:
            trace = stats.trace
            started = trace[0] if trace else 0.0
            out.write("seconds,action,latency_ms\n")
            out.writelines(f"{at - started:.3f},{action},{seconds * 1000:.1f}\n"
                           for at, action, seconds in zip(trace[::3], trace[1::3], trace[2::3], strict=True))
    report(stats, elapsed, "backend", rss_before, rss_held, rss_kib(pids),
           args.stations)
    print(gc_pauses.line())
    if floor:
        print(f"throughput vs. floor: {stats.answered / elapsed:.0f} / {floor:.0f} CALL/s = "
              f"{stats.answered / elapsed / floor:.2f}")
    if args.reconnect:  # a restart refuses connections while it lasts: that is no failure
        answered_errors = {k: v for k, v in stats.errors.items() if not k.startswith("connect:")}
        ok = not answered_errors and len(stats.reboots) == len(stats.drops)
    else:
        ok = not stats.errors and stats.dropped == 0
    if not args.no_verify:
        await asyncio.sleep(1)
        ok = await asyncio.to_thread(verify, args, since, stats) and ok
    print("RESULT:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
