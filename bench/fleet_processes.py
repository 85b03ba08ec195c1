"""The fleet in several simulator processes (`fleet.py --processes N`): one process of asyncio
stations tops out near 1,250 CALL/s, below what the server may take.

The parent starts N children (`fleet.py <the same options> --child i/N --start T --results F`);
child i runs the stations i, i+N, i+2N, ... each at T + n/rate, T being the parent's
`time.monotonic()` (one clock for every process of a Linux machine), so the ramp stays at
`--rate` overall. Every second a child prints its counts as a JSON line, which the parent sums
into its progress lines (and into "all held", for the server's memory and `--restart-after`);
at the end it pickles its Stats (answers as flat arrays) and its GC pauses to F, and the parent
merges them (fleet_report.merge)."""

import asyncio
import json
import pickle
import resource
import sys
import tempfile
from pathlib import Path

from bench.fleet_station import Stats

FLEET = Path(__file__).resolve().parent / "fleet.py"
PROGRESS = ("attempted", "established", "held", "sent", "answered")
START_DELAY = 1.0  # seconds for the children to start before the shared start instant


def counts(stats: Stats) -> dict[str, int]:
    snapshot = {name: getattr(stats, name) for name in PROGRESS}
    snapshot["errors"] = sum(stats.errors.values())
    return snapshot


def raise_open_files() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def child_progress(stats: Stats) -> None:
    """In a child: its counts every second, for the parent."""
    while True:
        await asyncio.sleep(1)
        print(json.dumps(counts(stats)), flush=True)


def save(path: str, stats: Stats, gc_pauses: list[float]) -> None:
    stats.online = set()
    with open(path, "wb") as out:
        pickle.dump((stats, gc_pauses), out, protocol=pickle.HIGHEST_PROTOCOL)


class Children:
    """The parent's side: start the children, sum their counts while they run, collect their
    results."""

    def __init__(self, argv: list[str], processes: int):
        self.argv = argv
        self.processes = processes
        self.latest: list[dict[str, int]] = [{} for _ in range(processes)]
        self.directory = tempfile.TemporaryDirectory(prefix="fleet-")

    def counts(self) -> dict[str, int]:
        return {name: sum(c.get(name, 0) for c in self.latest) for name in PROGRESS + ("errors",)}

    async def run(self, url: str, password: str, label: str, start: float
                  ) -> tuple[list[Stats], list[float]]:
        """Run the children until they end; their Stats and their GC pauses after the ramp."""
        results = [f"{self.directory.name}/{label}-{i}.pickle" for i in range(self.processes)]
        self.latest = [{} for _ in range(self.processes)]
        children = [await asyncio.create_subprocess_exec(
            sys.executable, str(FLEET), *self.argv, "--ws", url, "--password", password,
            "--processes", "1", "--child", f"{i}/{self.processes}", "--start", repr(start),
            "--results", results[i], stdout=asyncio.subprocess.PIPE, limit=1 << 20)
            for i in range(self.processes)]
        await asyncio.gather(*(self._read(i, child) for i, child in enumerate(children)))
        failed = [i for i, child in enumerate(children) if child.returncode]
        if failed:
            raise SystemExit(f"fleet: simulator process(es) {failed} failed")
        parts, pauses = [], []
        for path in results:
            with open(path, "rb") as saved:
                stats, gc_pauses = pickle.load(saved)
            parts.append(stats)
            pauses += gc_pauses
        return parts, pauses

    async def _read(self, i: int, child) -> None:
        async for line in child.stdout:
            text = line.decode().rstrip()
            if text.startswith("{"):
                self.latest[i] = json.loads(text)
            elif text:
                print(f"[process {i}] {text}", flush=True)
        await child.wait()

    def close(self) -> None:
        self.directory.cleanup()
