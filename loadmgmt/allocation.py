"""Sharing a load group's capacity among the cars charging in it: a pure function.

The steps are those of docs/smart-charging.md §3: what offline or uncontrollable stations may draw and the
building's base load come off the cap first; sessions are admitted by priority, then arrival,
while every phase they load can still give them the minimum (the rest are paused at 0 A); what
is left is shared by water-filling, a session capped by its own maximum giving its surplus to
the others; a car that keeps drawing clearly less than its limit is held near what it draws; the
limits are rounded down to 0.1 A and anything under the minimum becomes 0. Currents are amperes
per phase, as Decimal.

A car that told when it leaves and how much energy it still needs (ISO 15118, docs/smart-charging.md
§7) has a `needed_current`: what it must draw from now on to have that energy by then. Among the
admitted, the most urgent are given a floor of it first (as far as the others' minimum allows), and
the water then rises over the floors; a group without such cars is shared as before.
"""

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

PHASES = (1, 2, 3)
STEP = Decimal("0.1")
UNDER_DRAW_INTERVALS = 2  # meter intervals a car must draw clearly less before it is held down
UNDER_DRAW_HEADROOM = Decimal("1.1")


@dataclass(frozen=True)
class Demand:
    """One charging session as the allocator sees it."""

    key: Hashable  # e.g. (station identity, connector id)
    started_at: datetime
    max_current: Decimal  # the lowest of connector, station and car
    phases: tuple[int, ...] = PHASES  # the phases it loads (a single-phase car: one of them)
    priority: int = 0  # higher first
    measured_current: Decimal | None = None
    under_draw_intervals: int = 0  # consecutive meter intervals it drew clearly below its limit
    station: Hashable | None = None  # sessions of one station share its `Group.station_max`
    needed_current: Decimal | None = None  # to get its energy by its departure (ISO 15118 needs)


@dataclass(frozen=True)
class Group:
    cap: Decimal  # amperes per phase
    min_current: Decimal = Decimal(6)  # IEC 61851-1 cannot signal less
    safety_margin: Decimal = Decimal(0)
    base_load: dict[int, Decimal] = field(default_factory=dict)  # per phase
    reserved: dict[int, Decimal] = field(default_factory=dict)  # offline/uncontrollable, per phase
    station_max: dict[Hashable, Decimal] = field(default_factory=dict)  # what a station's sessions share


def available(group: Group) -> dict[int, Decimal]:
    """Step 1: what the group can give its controllable sessions, per phase."""
    return {p: max(group.cap - group.safety_margin - group.base_load.get(p, Decimal(0))
                   - group.reserved.get(p, Decimal(0)), Decimal(0)) for p in PHASES}


def allocate(group: Group, demands: Iterable[Demand]) -> dict[Hashable, Decimal]:
    """The limit of every session: the sum on each phase never exceeds what is available (nor
    a station's sessions' sum its maximum), each admitted session gets at least the minimum and
    at most its own maximum, the others 0."""
    demands = list(demands)
    room = _room(group, demands)
    admitted = _admit(group, demands, room)
    ceilings = {d.key: _ceiling(group, d) for d in admitted}
    floors = _urgency_floors(group, admitted, ceilings, room)
    levels = _fill_over_floors(admitted, ceilings, floors, room)
    limits = {d.key: Decimal(0) for d in demands}
    for key, level in levels.items():
        rounded = level.quantize(STEP, rounding=ROUND_DOWN)
        limits[key] = rounded if rounded >= group.min_current else Decimal(0)
    return limits


def _room(group: Group, demands: list[Demand]) -> dict[Hashable, Decimal]:
    """What each resource can give: the phases, and every station with a maximum of its own."""
    room: dict[Hashable, Decimal] = dict(available(group))
    for d in demands:
        if d.station is not None and d.station in group.station_max:
            room[("station", d.station)] = group.station_max[d.station]
    return room


def _loads(demand: Demand, room: dict[Hashable, Decimal]) -> tuple[Hashable, ...]:
    """The resources a session draws on: its phases, and its station where that has a maximum."""
    station = ("station", demand.station)
    return (*demand.phases, station) if station in room else demand.phases


def _admit(group: Group, demands: list[Demand], room: dict[Hashable, Decimal]) -> list[Demand]:
    """Step 2: by priority, then arrival, while each of its phases can still give the minimum."""
    needed = dict.fromkeys(room, Decimal(0))
    admitted = []
    for demand in sorted(demands, key=lambda d: (-d.priority, d.started_at)):
        if demand.max_current < group.min_current:
            continue  # it could never be given a current a car accepts
        loads = _loads(demand, room)
        if all(needed[r] + group.min_current <= room[r] for r in loads):
            admitted.append(demand)
            for r in loads:
                needed[r] += group.min_current
    return admitted


def _ceiling(group: Group, demand: Demand) -> Decimal:
    """Step 4: a car that keeps drawing clearly less than it may is held near what it draws."""
    if demand.measured_current is None or demand.under_draw_intervals < UNDER_DRAW_INTERVALS:
        return demand.max_current
    held = max(demand.measured_current * UNDER_DRAW_HEADROOM, group.min_current)
    return min(held, demand.max_current)


def _urgency_floors(group: Group, admitted: list[Demand], ceilings: dict[Hashable, Decimal],
                    room: dict[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Step 3a: the cars that need more than the minimum to finish by their departure, the most
    urgent first (then arrival), are given a floor of what they need (at most their ceiling)
    out of what every resource they load has beyond the minimum of each session on it."""
    spare = dict(room)
    for d in admitted:
        for r in _loads(d, room):
            spare[r] -= group.min_current
    floors: dict[Hashable, Decimal] = {}
    urgent = [d for d in admitted if d.needed_current is not None
              and d.needed_current > group.min_current]
    for d in sorted(urgent, key=lambda d: (-d.needed_current, d.started_at)):
        loads = _loads(d, room)
        extra = min([min(d.needed_current, ceilings[d.key]) - group.min_current,
                     *(spare[r] for r in loads)])
        if extra > 0:
            floors[d.key] = group.min_current + extra
            for r in loads:
                spare[r] -= extra
    return floors


def _fill_over_floors(admitted: list[Demand], ceilings: dict[Hashable, Decimal],
                      floors: dict[Hashable, Decimal],
                      room: dict[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Step 3b: water-filling in which a car with a floor gets the higher of its floor and the
    water. A car the water leaves below its floor is held at its floor and the rest filled
    again; holding more only lowers the water, so a few rounds settle it."""
    held: dict[Hashable, Decimal] = {}
    while True:
        rest = [d for d in admitted if d.key not in held]
        left = dict(room)
        for d in admitted:
            if d.key in held:
                for r in _loads(d, room):
                    left[r] -= held[d.key]
        levels = _water_fill(rest, ceilings, left)
        below = {d.key: floors[d.key] for d in rest
                 if d.key in floors and levels[d.key] < floors[d.key]}
        if not below:
            return levels | held
        held |= below


def _water_fill(admitted: list[Demand], ceilings: dict[Hashable, Decimal],
                room: dict[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Step 3: every unsettled session rises at one common level (the water); a session settles
    when the level meets its ceiling or one of the resources it loads is full. Events are taken
    in order of the level they happen at (two heaps), so a group of N sessions costs about
    N log N, not N squared."""
    loads = {d.key: _loads(d, room) for d in admitted}
    users: dict[Hashable, set] = {r: set() for r in room}
    for key, resources in loads.items():
        for r in resources:
            users[r].add(key)
    settled_sum = dict.fromkeys(room, Decimal(0))
    levels: dict[Hashable, Decimal] = {}
    order = {r: i for i, r in enumerate(room)}  # heaps compare numbers, never keys
    ceiling_events = [(ceilings[k], i, k) for i, k in enumerate(loads)]
    heapq.heapify(ceiling_events)
    full_events: list = []

    def push_fill(r) -> None:
        if users[r]:
            level = (room[r] - settled_sum[r]) / len(users[r])
            heapq.heappush(full_events, (level, order[r], r, len(users[r]), settled_sum[r]))

    def settle(key, level: Decimal) -> None:
        levels[key] = max(level, Decimal(0))
        for r in loads[key]:
            users[r].discard(key)
            settled_sum[r] += levels[key]
        for r in loads[key]:
            push_fill(r)

    for r in room:
        push_fill(r)
    while len(levels) < len(loads):
        while full_events and _stale(full_events[0], users, settled_sum):
            heapq.heappop(full_events)
        while ceiling_events and ceiling_events[0][2] in levels:
            heapq.heappop(ceiling_events)
        if full_events and (not ceiling_events or full_events[0][0] <= ceiling_events[0][0]):
            level, _, r, _, _ = heapq.heappop(full_events)
            for key in list(users[r]):
                settle(key, level)
        else:
            level, _, key = heapq.heappop(ceiling_events)
            settle(key, level)
    return levels


def _stale(event, users, settled_sum) -> bool:
    """A fill event computed before one of the resource's users settled."""
    _, _, r, count, settled = event
    return count != len(users[r]) or settled != settled_sum[r]


def group_phases(phases: int) -> list[str]:
    """A group's phases as the allocation's JSON names them."""
    return ["1", "2", "3"] if phases == 3 else ["1"]


def measured_total(connectors: list[dict], phases_of_group: int) -> Decimal | None:
    """The most loaded phase's measured current over the connectors (None: nothing measured); a
    car counts on the phases it loads (all of the group's if unknown)."""
    phases = group_phases(phases_of_group)
    measured = dict.fromkeys(phases, Decimal(0))
    drawn = [entry for entry in connectors if entry.get("measured_current") is not None]
    for entry in drawn:
        for phase in [str(p) for p in entry.get("phases") or []] or phases:
            if phase in measured:
                measured[phase] += Decimal(entry["measured_current"])
    return max(measured.values()) if drawn else None
