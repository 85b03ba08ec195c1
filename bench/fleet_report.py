"""The fleet's report: merge the results of the simulator's processes, cut the answers into
windows (whole run, ramp, steady state, wind-down) and print the latency table of each, and
write the `--trace` CSV."""

import statistics
from array import array
from bisect import bisect_left

from bench.fleet_station import Stats

COUNTS = ("attempted", "established", "dropped", "sent", "answered", "sessions",
          "session_energy_wh", "meter_values", "booted")
API = "API command"  # answered by the API process, not a station's CALL


def merge(parts: list[Stats]) -> Stats:
    """One Stats of several processes' (the answers sorted by time: CLOCK_MONOTONIC is one
    clock for every process of the machine)."""
    merged = Stats()
    for part in parts:
        for name in COUNTS:
            setattr(merged, name, getattr(merged, name) + getattr(part, name))
        for kind, count in part.errors.items():
            merged.errors[kind] = merged.errors.get(kind, 0) + count
        merged.drops += part.drops
        merged.reboots += part.reboots
        merged.last_booted = max(merged.last_booted, part.last_booted)
        for name in part.actions:
            if name not in merged.actions:
                merged.actions.append(name)
        index = [merged.actions.index(name) for name in part.actions]
        merged.action.extend(index[i] for i in part.action)
        merged.at.extend(part.at)
        merged.seconds.extend(part.seconds)
    order = sorted(range(len(merged.at)), key=merged.at.__getitem__)
    merged.at = array("d", (merged.at[i] for i in order))
    merged.action = array("H", (merged.action[i] for i in order))
    merged.seconds = array("d", (merged.seconds[i] for i in order))
    return merged


def write_trace(stats: Stats, started: float, path: str) -> None:
    """One row per answer, in answer order: seconds since the first connect, action, ms."""
    with open(path, "w") as out:
        out.write("seconds,action,latency_ms\n")
        out.writelines(f"{at - started:.3f},{stats.actions[action]},{seconds * 1000:.1f}\n"
                       for at, action, seconds in zip(stats.at, stats.action, stats.seconds,
                                                      strict=True))


def _window(stats: Stats, since: float, until: float) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {}
    for i in range(bisect_left(stats.at, since), bisect_left(stats.at, until)):
        latencies.setdefault(stats.actions[stats.action[i]], []).append(stats.seconds[i])
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _table(latencies: dict[str, list[float]]) -> int:
    """Print the table; return the CALLs answered in it."""
    everything = [v for k, values in latencies.items() if k != API for v in values]
    for action, values in sorted(latencies.items()) + [("(all CALLs)", everything)]:
        if values:
            print(f"  {action:<20} n={len(values):<8} p50 {1000 * statistics.median(values):7.1f} ms"
                  f"  p95 {1000 * percentile(values, .95):7.1f}"
                  f"  p99 {1000 * percentile(values, .99):7.1f}  max {1000 * max(values):7.1f}")
    return len(everything)


def _windows(stats: Stats, started: float, ended: float, stations: int):
    if stats.booted >= stations:
        ramp_end = stats.last_booted
        ramp = "from the first connect until every station's first boot was answered"
    else:
        ramp_end = min(stats.steady_from, ended)
        ramp = (f"{stations - stats.booted} stations never booted: from the first connect until "
                f"the end of the ramp-up and warm-up")
    steady = min(ended, stats.steady_until)
    return [
        ("whole run", started, ended, "every answer"),
        ("ramp", started, ramp_end, ramp),
        ("steady state", stats.steady_from, steady,
         "after ramp-up and warm-up, before the wind-down where every session stops"),
        ("wind-down", stats.steady_until, ended, "from the steady window's end to the last answer"),
    ]


def report(stats: Stats, started: float, ended: float, label: str, stations: int,
           rss: tuple[int, int, int] = (0, 0, 0)) -> dict[str, float]:
    """Print the report; return the CALL/s answered over the whole run and the steady window."""
    elapsed = ended - started
    print(f"\n== {label}: {elapsed:.0f} s")
    print(f"connections: {stats.attempted} attempted, {stats.established} established, "
          f"{stats.dropped} dropped")
    print(f"CALLs: {stats.sent} sent, {stats.answered} answered = {stats.answered / elapsed:.0f}/s "
          f"on average")
    throughput = {"whole": stats.answered / elapsed, "steady": 0.0}
    for name, since, until, what in _windows(stats, started, ended, stations):
        latencies = _window(stats, since, until)
        if until - since <= 0 or not latencies:
            continue
        calls = sum(len(v) for k, v in latencies.items() if k != API)
        print(f"{name} ({since - started:.1f}-{until - started:.1f} s, {until - since:.1f} s, "
              f"{what}): {calls / (until - since):.0f} CALL/s answered")
        _table(latencies)
        if name == "steady state":
            throughput["steady"] = calls / (until - since)
    print(f"errors: {stats.errors or 'none'}")
    if stats.drops:
        first = min(stats.drops)
        last_boot = max(stats.reboots, default=first)
        print(f"reconnect: {len(stats.drops)} links dropped, {len(stats.reboots)} stations "
              f"booted again; the last {last_boot - first:.1f} s after the first drop")
    rss_before, rss_held, rss_end = rss
    if rss_end:
        per_station = (rss_held - rss_before) / max(stations, 1)
        print(f"server RSS: {rss_before / 1024:.0f} MiB before, {rss_held / 1024:.0f} MiB with "
              f"all connected, {rss_end / 1024:.0f} MiB at the end; "
              f"{per_station:.1f} KiB per connected station")
    return throughput


def versus_floor(backend: dict[str, float], floor: dict[str, float]) -> None:
    for window, what in (("whole", "whole run"), ("steady", "steady window")):
        if floor[window]:
            print(f"throughput vs. floor ({what}): {backend[window]:.0f} / {floor[window]:.0f} "
                  f"CALL/s = {backend[window] / floor[window]:.2f}")
