"""Fleet simulator and benchmark: N real OCPP 1.6-J stations (or a mixed fleet of 1.6 and
2.0.1 stations, `--ocpp-mix`) against a running backend.

    python bench/fleet.py --ws ws://127.0.0.1:8000/ocpp/bench --tenant bench --stations 10000 \
        --rate 500 --duration 600 --charging-share 0.1 --meter-interval 60

It registers the stations (`manage.py fleetstations`, same DATABASE_URL as the server), ramps
them up, keeps them heartbeating and charging, prints a progress line, then the report:
connections, CALL rates, latency per action over the whole run, the ramp, the steady window and
the wind-down (fleet_report.py), errors, server memory, and a check that every session and meter
value is in the database exactly once. `--floor` first runs the same fleet against a plain
`websockets` echo server to show what the machine can do at all.

`--processes N` runs the stations in N simulator processes (fleet_processes.py; one tops out
near 1,250 CALL/s; the bench uses 2 on its 2-core machine), `--closed-loop` has every station
send its next CALL as soon as the last is answered (the charging share in one session for the
whole run, the others Heartbeats), `--source-addresses K` connects from 127.0.0.1..K (past the
~28,000 ephemeral ports of one address), and `--restart-after S --restart-command CMD` runs CMD
(`bench/servers.sh restart`) S seconds after all stations are held, for a reconnect storm.
"""

import argparse
import asyncio
import gc
import os
import random
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import fleet_processes  # noqa: E402
from bench.fleet_report import merge, report, versus_floor, write_trace  # noqa: E402
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
    p.add_argument("--processes", type=int, default=1,
                   help="simulator processes (2 on the bench's 2-core machine)")
    p.add_argument("--closed-loop", action="store_true",
                   help="every station sends its next CALL as soon as the last is answered")
    p.add_argument("--source-addresses", type=int, default=1,
                   help="station n connects from 127.0.0.(1 + n %% K)")
    p.add_argument("--restart-after", type=float,
                   help="run --restart-command this many seconds after all stations are held")
    p.add_argument("--restart-command", help="e.g. 'bench/servers.sh restart'")
    # a child process of --processes: its share i/N, the shared start, where its results go
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--start", type=float, help=argparse.SUPPRESS)
    p.add_argument("--results", help=argparse.SUPPRESS)
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


def gc_line(pauses: list[float], processes: int = 1) -> str:
    long = [p for p in pauses if p > 0.01]
    where = f" ({processes} processes)" if processes > 1 else ""
    return (f"simulator GC after the ramp-up{where}: {len(pauses)} collections, "
            f"{len(long)} over 10 ms, "
            f"{1000 * sum(long):.0f} ms in those, longest {1000 * max(pauses, default=0):.0f} ms")


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


def identity(args, n: int) -> str:
    return f"{args.prefix}-{n:05d}"


def speaks_201(n: int, mix: float) -> bool:
    """Whether the n-th station speaks 2.0.1: `mix` of the fleet, spread evenly over it."""
    return int((n + 1) * mix) > int(n * mix)


def timeline(args, started: float) -> tuple[float, float, float]:
    """When the run ends, and when the steady window opens and closes."""
    ramp = args.stations / args.rate
    until = started + ramp + args.duration
    # The wind-down: at the end every running session stops at once (a burst of StopTransaction
    # and StatusNotification no real fleet sends), after its last MeterValues.
    last_meter = args.meter_interval if args.charging_share and not args.closed_loop else 0
    return until, started + ramp + args.warmup, until - 2 - last_meter


async def run_stations(url: str, password: str, numbers: range, args, started: float,
                       stats: Stats, gc_pauses: GcPauses) -> None:
    """Run the fleet's stations `numbers` (all, or a child process's share), station n from
    `started + n / rate` on, until the ramp-up and `args.duration` are over."""
    closed = args.closed_loop
    options = Options(url=url, password=password, connectors=args.connectors,
                      heartbeat=args.heartbeat, charging_share=args.charging_share,
                      meter_interval=0 if closed else args.meter_interval,
                      session_length=float("inf") if closed else args.session_length,
                      reconnect=args.reconnect, reconnect_jitter=args.reconnect_jitter,
                      closed_loop=closed)
    until, stats.steady_from, stats.steady_until = timeline(args, started)
    tasks = []
    for n in numbers:
        delay = started + n / args.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        kind = FleetStation201 if speaks_201(n, args.ocpp_mix) else FleetStation
        source = f"127.0.0.{1 + n % args.source_addresses}" if args.source_addresses > 1 else None
        station = kind(identity(args, n), options, stats, source)
        tasks.append(asyncio.create_task(station.run(until)))
    while stats.held + stats.dropped < len(numbers) and time.monotonic() < stats.steady_from:
        await asyncio.sleep(0.5)
    gc_pauses.freeze()  # the fleet's sockets, before the steady window opens
    await asyncio.gather(*tasks)


async def run(args, url: str, password: str, label: str, pids: list[int], gc_pauses: GcPauses,
              children: fleet_processes.Children | None):
    """Run the whole fleet against `url`, in this process or in the children; return its
    Stats, start and end (monotonic), the server's RSS once all were held, the GC pauses."""
    own = Stats()  # this process's stations, or (with children) the API commands' answers
    if children:
        started = time.monotonic() + fleet_processes.START_DELAY
        counts = children.counts
        work = children.run(url, password, label, started)
        everyone = [identity(args, n) for n in range(args.stations)]
        online = lambda: everyone if counts()["held"] else ()  # noqa: E731
    else:
        started = time.monotonic()
        counts = lambda: fleet_processes.counts(own)  # noqa: E731
        work = run_stations(url, password, range(args.stations), args, started, own, gc_pauses)
        online = lambda: own.online  # noqa: E731
    until, own.steady_from, own.steady_until = timeline(args, started)
    sampler = asyncio.create_task(_rss_when_all_held(args, counts, pids))
    background = [sampler, asyncio.create_task(_progress(counts, args.progress, label, pids,
                                                         started))]
    if args.command_http and args.token and label == "backend":
        background.append(asyncio.create_task(_commands(args, online, own, until)))
    if args.restart_after is not None and args.restart_command and label == "backend":
        background.append(asyncio.create_task(_restart(args, counts)))
    try:
        done = await work
    finally:
        ended = time.monotonic()
        for task in background:
            task.cancel()
    rss_held = sampler.result() if sampler.done() and not sampler.cancelled() else 0
    if not children:
        return own, started, ended, rss_held, gc_pauses.pauses
    parts, pauses = done
    stats = merge([*parts, own])
    stats.steady_from, stats.steady_until = own.steady_from, own.steady_until
    return stats, started, ended, rss_held, pauses


async def _all_held(args, counts) -> None:
    while counts()["held"] < args.stations:
        await asyncio.sleep(0.5)


async def _rss_when_all_held(args, counts, pids: list[int]) -> int:
    await _all_held(args, counts)
    return rss_kib(pids)


async def _restart(args, counts) -> None:
    """`--restart-command`, `--restart-after` s after all stations are held (once)."""
    await _all_held(args, counts)
    await asyncio.sleep(args.restart_after)
    print(f"restart: {args.restart_command}", flush=True)
    done = await asyncio.create_subprocess_shell(args.restart_command, cwd=ROOT)
    await done.wait()


async def _progress(counts, every: float, label: str, pids: list[int], started) -> None:
    last, last_at = counts(), time.monotonic()
    while True:
        await asyncio.sleep(every)
        now, c = time.monotonic(), counts()
        rate_s = (c["sent"] - last["sent"]) / (now - last_at)
        rate_a = (c["answered"] - last["answered"]) / (now - last_at)
        last, last_at = c, now
        print(f"[{label} {now - started:6.0f}s] connections {c['attempted']} attempted, "
              f"{c['established']} established, {c['held']} held | CALLs {rate_s:.0f}/s sent, "
              f"{rate_a:.0f}/s answered | errors {c['errors']} | "
              f"server RSS {rss_kib(pids) / 1024:.0f} MiB", flush=True)


async def _commands(args, online, stats: Stats, until: float) -> None:
    async with httpx.AsyncClient(base_url=args.command_http, timeout=30,
                                 headers={"Authorization": f"Token {args.token}"}) as api:
        await asyncio.sleep(min(30.0, args.stations / args.rate + 5))
        while time.monotonic() < until - 5:
            if not online():
                await asyncio.sleep(1)
                continue
            station = random.choice(tuple(online()))
            began = time.perf_counter()
            response = await api.post(f"/api/v1/stations/{station}/commands/",
                                      json={"action": "ClearCache", "payload": {}})
            if response.status_code == 200:
                stats.latency("API command", time.perf_counter() - began)
            else:
                stats.error(f"command:{response.status_code}")
            await asyncio.sleep(1 / args.commands_per_sec)


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
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if not 1 <= args.source_addresses <= 254 or args.processes < 1:
        raise SystemExit("--source-addresses: 1 to 254; --processes: at least 1")
    gc_pauses = GcPauses()
    try:
        if args.child:
            return await _child(args, gc_pauses)
        return await _main(args, argv, gc_pauses)
    finally:
        gc_pauses.close()


async def _child(args, gc_pauses: GcPauses) -> int:
    """A simulator process of `--processes`: its share of the stations, its results to a file."""
    fleet_processes.raise_open_files()
    index, count = map(int, args.child.split("/"))
    stats = Stats()
    progress = asyncio.create_task(fleet_processes.child_progress(stats))
    await run_stations(args.ws, args.password, range(index, args.stations, count), args,
                       args.start, stats, gc_pauses)
    progress.cancel()
    fleet_processes.save(args.results, stats, gc_pauses.pauses)
    return 0


async def _main(args, argv: list[str], gc_pauses: GcPauses) -> int:
    if args.ocpp_mix:
        count_201 = sum(speaks_201(n, args.ocpp_mix) for n in range(args.stations))
        print(f"fleet: {args.stations - count_201} OCPP 1.6 and {count_201} OCPP 2.0.1 stations")
    children = fleet_processes.Children(argv, args.processes) if args.processes > 1 else None
    try:
        floor = None
        if args.floor:
            port = free_port()
            echo = subprocess.Popen([sys.executable, str(ROOT / "bench" / "echo_server.py"),
                                     str(port)])
            time.sleep(1)
            try:
                stats, started, ended, _, _ = await run(
                    args, f"ws://127.0.0.1:{port}/ocpp/x", "x", "floor", [echo.pid], gc_pauses,
                    children)
            finally:
                echo.terminate()
            floor = report(stats, started, ended, "floor (plain websockets echo server)",
                           args.stations)
        password = args.password or register(args)
        pids = server_pids(args.server_pids)
        since = datetime.now(UTC)
        rss_before = rss_kib(pids)
        stats, started, ended, rss_held, pauses = await run(args, args.ws, password, "backend",
                                                            pids, gc_pauses, children)
    finally:
        if children:
            children.close()
    if args.trace:
        write_trace(stats, started, args.trace)
    throughput = report(stats, started, ended, "backend", args.stations,
                        (rss_before, rss_held, rss_kib(pids)))
    print(gc_line(pauses, args.processes))
    if floor:
        versus_floor(throughput, floor)
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
    if "--child" not in sys.argv:
        fleet_processes.raise_open_files()
    sys.exit(asyncio.run(main()))
