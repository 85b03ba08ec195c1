"""A session as the pricing engine sees it: its meter readings and connector statuses, and from
them what happened at any instant (energy so far, power, current, charging or parked).

Positions are exact seconds since the session started (`Fraction`), so a kWh threshold crossed
between two readings gets its exact instant and energy is conserved across any cuts.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

CHARGING, PARKING, NEUTRAL = "CHARGING", "PARKING", "NEUTRAL"
IDLE_POWER_W = 100  # below this the car is taking nothing
MIN_OFFER_A = 6  # IEC 61851-1: less than this is no offer at all
_PARKED = {"SuspendedEV", "Finishing"}
_NOT_CHARGING = {"SuspendedEVSE", "Faulted", "Unavailable", "Available", "Preparing", "Reserved"}
_UNPLUGGED = {"Available", "Preparing", "Reserved", "Unavailable", "Faulted"}
_LEADING = {"Charging", "SuspendedEV", "SuspendedEVSE"}  # a status sent just before the start counts


@dataclass(frozen=True)
class MeterPoint:
    """One meter reading of the session."""

    at: datetime  # aware
    energy_wh: Decimal | None = None  # Energy.Active.Import.Register, Wh
    power_w: Decimal | None = None  # Power.Active.Import, W
    current_a: Decimal | None = None  # Current.Import (max over phases), A
    offered_a: Decimal | None = None  # Current.Offered, A


@dataclass(frozen=True)
class StatusPoint:
    at: datetime
    status: str  # OCPP 1.6 connector status


@dataclass(frozen=True)
class Timeline:
    started_at: datetime
    stopped_at: datetime | None  # None: running
    meter_start_wh: Decimal
    meter_stop_wh: Decimal | None
    samples: Sequence[MeterPoint] = ()
    statuses: Sequence[StatusPoint] = ()  # from the start until the connector is Available again
    unplugged_at: datetime | None = None  # end of parking after the stop; None: from statuses / stopped_at
    load_paused: Sequence[tuple[datetime, datetime]] = ()  # held at 0 A by our load manager: not idle


class Track:
    """The timeline turned into step and piecewise-linear functions of the position.

    The transaction runs from 0 to `stop`; after a stop the car may stay plugged in (`Finishing`)
    until `end`, which is parking. With `until`, both are cut there (cost so far).
    """

    def __init__(self, timeline: Timeline, until: datetime | None) -> None:
        if timeline.stopped_at is None and until is None:
            raise ValueError("a running session is priced up to `until`")
        timeline, until = _in_utc(timeline), (None if until is None else _utc(until))
        self.start = timeline.started_at
        stopped = timeline.stopped_at
        horizon = self.pos(until) if until is not None else None
        tx_end = self.pos(stopped) if stopped is not None else horizon
        plug_end = self._plug_end(timeline, until) if stopped is not None else tx_end
        self.stop = _clip(tx_end, horizon)
        self.end = max(self.stop, _clip(plug_end, horizon))
        self.stopped = stopped is not None and (horizon is None or self.pos(stopped) <= horizon)
        self._energy(timeline)
        samples = sorted((s for s in timeline.samples if 0 <= self.pos(s.at) <= self.stop),
                         key=lambda s: s.at)
        self._power = _steps((self.pos(s.at), _exact_or_none(s.power_w)) for s in samples)
        self._current = _steps((self.pos(s.at), _exact_or_none(s.current_a)) for s in samples)
        self._statuses = self._status_steps(timeline.statuses)
        self._paused = [(self.pos(a), self.pos(b)) for a, b in timeline.load_paused if b > a]
        self._low = self._low_power(samples)

    def pos(self, at: datetime) -> Fraction:
        delta = at - self.start
        return Fraction(delta.days * 86400 + delta.seconds) + Fraction(delta.microseconds, 10**6)

    # energy -----------------------------------------------------------------------------------
    def _energy(self, timeline: Timeline) -> None:
        start = Fraction(timeline.meter_start_wh)
        total = None
        if timeline.meter_stop_wh is not None and timeline.stopped_at is not None:
            total = max(Fraction(0), Fraction(timeline.meter_stop_wh) - start)
        points = [(self.pos(s.at), Fraction(s.energy_wh) - start) for s in timeline.samples
                  if s.energy_wh is not None]
        if total is not None:
            stop = self.pos(timeline.stopped_at)
            points = [p for p in points if p[0] < stop] + [(stop, total)]
        knots: list[tuple[Fraction, Fraction]] = [(Fraction(0), Fraction(0))]
        for at, wh in sorted(points):
            if at <= 0:
                continue
            wh = max(wh, knots[-1][1])  # a register never runs backwards
            if total is not None:
                wh = min(wh, total)
            if at == knots[-1][0]:
                knots[-1] = (at, wh)
            else:
                knots.append((at, wh))
        self._knot_pos = [k[0] for k in knots]
        self._knot_wh = [k[1] for k in knots]

    def energy_at(self, pos: Fraction) -> Fraction:
        """Energy charged from the start up to `pos`, spread linearly between readings."""
        i = bisect.bisect_right(self._knot_pos, pos) - 1
        if i >= len(self._knot_pos) - 1:
            return self._knot_wh[-1]
        p0, p1 = self._knot_pos[i], self._knot_pos[i + 1]
        e0, e1 = self._knot_wh[i], self._knot_wh[i + 1]
        return e0 + (e1 - e0) * (pos - p0) / (p1 - p0)

    def crossing(self, wh: Fraction) -> Fraction | None:
        """The first position at which the energy so far reaches `wh`."""
        for i in range(1, len(self._knot_pos)):
            e0, e1 = self._knot_wh[i - 1], self._knot_wh[i]
            if e0 < wh <= e1:
                p0, p1 = self._knot_pos[i - 1], self._knot_pos[i]
                return p0 + (wh - e0) * (p1 - p0) / (e1 - e0)
        return None

    def power_at(self, pos: Fraction) -> Fraction | None:
        """The last power reading, or without one the mean power between energy readings (W)."""
        measured = _step_at(self._power, pos)
        if measured is not None:
            return measured
        i = bisect.bisect_right(self._knot_pos, pos) - 1
        if i >= len(self._knot_pos) - 1:
            if self.stopped or len(self._knot_pos) < 2:
                return Fraction(0) if self.stopped else None
            i -= 1  # running, past the last reading: as it was drawing then
        slope = (self._knot_wh[i + 1] - self._knot_wh[i]) / (self._knot_pos[i + 1] - self._knot_pos[i])
        return slope * 3600

    def current_at(self, pos: Fraction) -> Fraction | None:
        return _step_at(self._current, pos)

    # charging or parked -------------------------------------------------------------------------
    def _plug_end(self, timeline: Timeline, until: datetime | None) -> Fraction:
        stopped = timeline.stopped_at
        if timeline.unplugged_at is not None:
            return self.pos(max(timeline.unplugged_at, stopped))
        after = sorted((s for s in timeline.statuses if s.at >= stopped), key=lambda s: s.at)
        for s in after:
            if s.status in _UNPLUGGED:
                return self.pos(s.at)
        before = [s for s in timeline.statuses if s.at < stopped]
        finishing = any(s.status == "Finishing" for s in after) or (
            before and max(before, key=lambda s: s.at).status == "Finishing")
        if until is not None and finishing:
            return self.pos(max(until, stopped))  # still plugged in: parked so far
        return self.pos(stopped)

    def _status_steps(self, statuses: Sequence[StatusPoint]) -> list[tuple[Fraction, str]]:
        ordered = sorted(statuses, key=lambda s: s.at)
        steps = [(Fraction(0), "Charging")]
        leading = [s for s in ordered if self.pos(s.at) <= 0]
        if leading and leading[-1].status in _LEADING:
            steps = [(Fraction(0), leading[-1].status)]
        steps += [(self.pos(s.at), s.status) for s in ordered if 0 < self.pos(s.at) < self.stop]
        return steps

    def _low_power(self, samples: Sequence[MeterPoint]) -> list[tuple[Fraction, Fraction, str]]:
        """Runs of two or more readings below IDLE_POWER_W: parked where the station offered at
        least MIN_OFFER_A, otherwise held back by the station (neither charging nor idle)."""
        readings: list[tuple[Fraction, bool, Decimal | None]] = []
        offered = None
        for s in samples:
            offered = s.offered_a if s.offered_a is not None else offered
            if s.power_w is not None:
                readings.append((self.pos(s.at), s.power_w < IDLE_POWER_W, offered))
        intervals: list[tuple[Fraction, Fraction, str]] = []
        run: list[tuple[Fraction, bool, Decimal | None]] = []
        for reading in [*readings, None]:
            if reading is not None and reading[1]:
                run.append(reading)
                continue
            if len(run) >= 2:  # low to the next reading; the last run of all holds to the end
                ends = [r[0] for r in run[1:]] + [self.stop if reading is None else run[-1][0]]
                for (at, _, offer), until in zip(run, ends, strict=True):
                    if until > at:
                        intervals.append((at, until, PARKING if (offer or 0) >= MIN_OFFER_A else NEUTRAL))
            run = []
        return intervals

    def state_at(self, pos: Fraction) -> str:
        """CHARGING (TIME), PARKING (PARKING_TIME) or NEUTRAL (neither) from `pos` on."""
        if pos >= self.stop:
            return PARKING if self.stopped else NEUTRAL
        if any(a <= pos < b for a, b in self._paused):
            return NEUTRAL
        status = _step_at(self._statuses, pos)
        if status in _PARKED:
            return PARKING
        if status in _NOT_CHARGING:
            return NEUTRAL
        for a, b, kind in self._low:
            if a <= pos < b:
                return kind
        return CHARGING

    def cuts(self) -> set[Fraction]:
        """Every position where energy slope, power, current or the state can change."""
        points = set(self._knot_pos) | {p for p, _ in self._power} | {p for p, _ in self._current}
        points |= {p for p, _ in self._statuses} | {p for ab in self._paused for p in ab}
        points |= {p for a, b, _ in self._low for p in (a, b)} | {self.stop}
        return {p for p in points if 0 < p < self.end}


def _utc(at: datetime) -> datetime:
    """In UTC: two datetimes of one zone subtract and compare by wall clock, across DST wrongly."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, got {at!r}")
    return at.astimezone(UTC)


def _in_utc(t: Timeline) -> Timeline:
    return replace(
        t, started_at=_utc(t.started_at), stopped_at=None if t.stopped_at is None else _utc(t.stopped_at),
        unplugged_at=None if t.unplugged_at is None else _utc(t.unplugged_at),
        samples=[replace(s, at=_utc(s.at)) for s in t.samples],
        statuses=[replace(s, at=_utc(s.at)) for s in t.statuses],
        load_paused=[(_utc(a), _utc(b)) for a, b in t.load_paused])


def _exact_or_none(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _clip(pos: Fraction, horizon: Fraction | None) -> Fraction:
    return max(Fraction(0), pos if horizon is None else min(pos, horizon))


def _steps(points) -> list[tuple[Fraction, object]]:
    return [(p, v) for p, v in points if v is not None]


def _step_at(steps: list[tuple[Fraction, object]], pos: Fraction):
    """The value of the last step at or before `pos`, or None before the first."""
    i = bisect.bisect_right(steps, pos, key=lambda step: step[0]) - 1
    return steps[i][1] if i >= 0 else None
