"""OCPI 2.2.1 tariff restrictions: when an element is in force, and where that can change.

All bounds follow OCPI: `start_*`/`min_*` are inclusive, `end_*`/`max_*` exclusive; an
`end_time` before `start_time` wraps past midnight and `end_time` "00:00" means the end of the
day. Times, dates and weekdays are those of the station's wall clock (its IANA time zone).
A power or current restriction does not hold while that quantity is unknown, and an element
restricted to reservations (OCPI `reservation`) never holds: reservations are not priced here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from billing.pricing.money import exact, to_decimal

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_DAY_SECONDS = 86400
_FIELDS = {"start_time", "end_time", "start_date", "end_date", "day_of_week", "min_kwh", "max_kwh",
           "min_duration", "max_duration", "min_power", "max_power", "min_current", "max_current",
           "reservation"}


@dataclass(frozen=True)
class Moment:
    """What the restrictions look at, at one instant of the session."""

    local: datetime  # the station's wall clock
    energy_wh: Fraction  # charged so far
    duration_s: Fraction  # since the session started
    power_w: Fraction | None
    current_a: Fraction | None


@dataclass(frozen=True)
class Restrictions:
    start_time: int | None = None  # seconds of the day
    end_time: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    days: frozenset[int] | None = None  # date.weekday() numbers
    min_wh: Fraction | None = None
    max_wh: Fraction | None = None
    min_duration: Fraction | None = None
    max_duration: Fraction | None = None
    min_power_w: Fraction | None = None
    max_power_w: Fraction | None = None
    min_current: Fraction | None = None
    max_current: Fraction | None = None
    reservation: bool = False

    def holds(self, m: Moment) -> bool:
        return (not self.reservation and self._time_holds(m.local)
                and _within(m.local.date(), self.start_date, self.end_date)
                and (self.days is None or m.local.weekday() in self.days)
                and _within(m.energy_wh, self.min_wh, self.max_wh)
                and _within(m.duration_s, self.min_duration, self.max_duration)
                and _known_within(m.power_w, self.min_power_w, self.max_power_w)
                and _known_within(m.current_a, self.min_current, self.max_current))

    def _time_holds(self, local: datetime) -> bool:
        if self.start_time is None and self.end_time is None:
            return True
        start = self.start_time or 0
        end = self.end_time or _DAY_SECONDS  # "00:00" as an end is midnight at the end of the day
        now = local.hour * 3600 + local.minute * 60 + local.second
        if start < end:
            return start <= now < end
        if start > end:
            return now >= start or now < end
        return True  # start == end: the wrap covers the whole day

    def clock_times(self) -> set[int]:
        """The times of day (seconds) at which this element can start or stop being in force."""
        return {t for t in (self.start_time, self.end_time) if t is not None}

    def energy_thresholds(self) -> set[Fraction]:
        return {x for x in (self.min_wh, self.max_wh) if x is not None and x > 0}

    def duration_thresholds(self) -> set[Fraction]:
        return {x for x in (self.min_duration, self.max_duration) if x is not None and x > 0}


def _within(value, low, high) -> bool:
    return (low is None or value >= low) and (high is None or value < high)


def _known_within(value, low, high) -> bool:
    if low is None and high is None:
        return True
    return value is not None and _within(value, low, high)


def parse_restrictions(raw: Mapping | None) -> Restrictions:
    if not raw:
        return Restrictions()
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"unknown restrictions: {sorted(unknown)}")

    def number(name: str, scale: int = 1) -> Fraction | None:
        value = raw.get(name)
        return None if value is None else exact(to_decimal(value, field=name)) * scale

    days = raw.get("day_of_week")
    if days is not None:
        try:
            days = frozenset(DAYS.index(str(d).upper()) for d in days)
        except ValueError:
            raise ValueError(f"day_of_week: expected names out of {DAYS}, got {days!r}") from None
    return Restrictions(
        start_time=_clock(raw.get("start_time"), "start_time"),
        end_time=_clock(raw.get("end_time"), "end_time"),
        start_date=_date(raw.get("start_date"), "start_date"),
        end_date=_date(raw.get("end_date"), "end_date"),
        days=days,
        min_wh=number("min_kwh", 1000), max_wh=number("max_kwh", 1000),
        min_duration=number("min_duration"), max_duration=number("max_duration"),
        min_power_w=number("min_power", 1000), max_power_w=number("max_power", 1000),
        min_current=number("min_current"), max_current=number("max_current"),
        reservation=bool(raw.get("reservation")),
    )


def _clock(value: object, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        t = value if isinstance(value, time) else time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}: expected HH:MM, got {value!r}") from None
    return t.hour * 3600 + t.minute * 60 + t.second


def _date(value: object, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None


def clock_edges(zone: ZoneInfo, start: datetime, end: datetime, clock_times: Iterable[int]) -> set[datetime]:
    """The instants in (start, end) where the station's wall clock passes midnight or one of
    `clock_times`, and where its UTC offset changes (DST): every place a time, date or weekday
    restriction can switch. Extra instants are harmless; a missed one is not."""
    seconds = sorted(set(clock_times) | {0})
    edges: set[datetime] = set()
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        for s in seconds:
            naive = datetime.combine(day, time()) + timedelta(seconds=s)
            for fold in (0, 1):  # an hour that happens twice in autumn: both
                edges.add(naive.replace(tzinfo=zone, fold=fold).astimezone(UTC))
        day += timedelta(days=1)
    edges |= offset_changes(zone, start, end)
    return {e for e in edges if start < e < end}


def offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> set[datetime]:
    """The instants in [start, end] at which the zone's UTC offset changes, to the second."""
    changes: set[datetime] = set()
    step = timedelta(hours=1)
    lo = start.astimezone(UTC).replace(microsecond=0)
    while lo < end:
        hi = min(lo + step, end)
        if _offset(zone, lo) != _offset(zone, hi):
            changes.add(_bisect_change(zone, lo, hi))
        lo = hi
    return changes


def _bisect_change(zone: ZoneInfo, lo: datetime, hi: datetime) -> datetime:
    before = _offset(zone, lo)
    while (span := int((hi - lo).total_seconds())) > 1:
        mid = lo + timedelta(seconds=span // 2)
        if _offset(zone, mid) == before:
            lo = mid
        else:
            hi = mid
    return hi


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(zone).utcoffset()
