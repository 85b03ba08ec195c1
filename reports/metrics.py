"""The report's figures of one station over one window, as a pure function of plain inputs:
connection intervals and status changes in, seconds out (docs/reports.md, "Definitions").

- online: the union of the connection periods (a link that replaced another overlaps it; the
  union counts each second once);
- uptime (EU AFIR, Regulation (EU) 2023/1804 Art. 5): online, and no connector (connector 0,
  the station itself, included) in Faulted;
- occupied: a connector in one of OCCUPIED; charging: in Charging; both in connector-seconds,
  so that their share of `connectors × seconds` is the average over the station's connectors.

A status is in force from its report to the next one of the same connector; the one in force at
the window's start is the last reported before it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

Interval = tuple[datetime, datetime]
Change = tuple[datetime, str]  # (reported at, status)

FAULTED = "Faulted"
CHARGING = "Charging"
# A car is at the connector (1.6 statuses, 2.0.1's Occupied and the charging states its
# transaction events report). Reserved is not occupied: nobody uses it yet.
OCCUPIED = frozenset({"Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Occupied"})


@dataclass(frozen=True)
class Figures:
    seconds: int  # the window counted
    online_s: int
    uptime_s: int  # online and not faulted
    faulted_s: int  # any connector faulted (online or not)
    connectors: int
    occupied_cs: int  # connector-seconds
    charging_cs: int


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union, as sorted intervals that neither overlap nor touch."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def clipped(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return merged((max(a, start), min(b, end)) for a, b in intervals)


def seconds(intervals: Iterable[Interval]) -> float:
    return sum((b - a).total_seconds() for a, b in intervals)


def without(base: Sequence[Interval], cut: Sequence[Interval]) -> list[Interval]:
    """`base` minus `cut` (both merged)."""
    out: list[Interval] = []
    for start, end in base:
        for a, b in cut:
            if b <= start or a >= end:
                continue
            if a > start:
                out.append((start, a))
            start = max(start, b)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


def spans(initial: str | None, changes: Sequence[Change], start: datetime,
          end: datetime) -> list[tuple[datetime, datetime, str]]:
    """The statuses in force over [start, end): `initial` from the start, each change from its
    time (changes sorted; those outside the window ignored)."""
    out = []
    status, since = initial, start
    for at, new in changes:
        if at < start:
            status = new
            continue
        if at >= end:
            break
        if status is not None and at > since:
            out.append((since, at, status))
        status, since = new, max(at, start)
    if status is not None and end > since:
        out.append((since, end, status))
    return out


def _where(spans_: Iterable[tuple[datetime, datetime, str]], statuses) -> list[Interval]:
    return merged((a, b) for a, b, s in spans_ if s in statuses)


def figures(*, start: datetime, end: datetime, online: Iterable[Interval],
            statuses: dict[int, tuple[str | None, Sequence[Change]]]) -> Figures:
    """One station over [start, end). `statuses` maps each connector (0: the station) to the
    status in force at `start` and its changes."""
    if end <= start:
        return Figures(0, 0, 0, 0, len([c for c in statuses if c]), 0, 0)
    up = clipped(online, start, end)
    per = {c: spans(first, changes, start, end) for c, (first, changes) in statuses.items()}
    faulted = merged(i for s in per.values() for i in _where(s, {FAULTED}))
    connectors = [c for c in per if c]
    return Figures(
        seconds=round((end - start).total_seconds()),
        online_s=round(seconds(up)),
        uptime_s=round(seconds(without(up, faulted))),
        faulted_s=round(seconds(faulted)),
        connectors=len(connectors),
        occupied_cs=round(sum(seconds(_where(per[c], OCCUPIED)) for c in connectors)),
        charging_cs=round(sum(seconds(_where(per[c], {CHARGING})) for c in connectors)),
    )


def percent(part: float | None, whole: float | None) -> float | None:
    """A share in %, one decimal; None for an empty whole (no time counted)."""
    if not whole:
        return None
    return round(min(max(100 * (part or 0) / whole, 0), 100), 1)
