"""The period a report covers, read from `?from=&to=&interval=` (the pages and the API alike;
docs/reports.md, "Periods"). Days are local days (each station's time zone); a month interval
takes whole months."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

DAY, MONTH = "day", "month"
MAX_DAYS = 366  # per day: a year of daily rows
MAX_MONTHS = 24


class PeriodError(ValueError):
    """A period that cannot be read; its message says why (a form error, a 400)."""


@dataclass(frozen=True)
class Period:
    start: date  # first day, included
    end: date  # last day, included
    interval: str  # "day" or "month"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def querystring(self) -> str:
        return urlencode(self.query())

    def split(self) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
        """The period as its whole calendar months (the first days of the first and of the last,
        or None) and the days outside them (ranges, both ends included): what the month and the
        day rollups are read for (docs/reports.md, "Rollups")."""
        first = self.start if self.start.day == 1 else month_end(self.start) + timedelta(days=1)
        last = self.end if self.end == month_end(self.end) else self.end.replace(day=1) - timedelta(days=1)
        if last < first:
            return None, [(self.start, self.end)]
        edges = ((self.start, first - timedelta(days=1)), (last + timedelta(days=1), self.end))
        return (first, last.replace(day=1)), [(a, b) for a, b in edges if a <= b]

    def query(self) -> dict[str, str]:
        if self.interval == MONTH:
            return {"from": self.start.strftime("%Y-%m"), "to": self.end.strftime("%Y-%m"),
                    "interval": MONTH}
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "interval": DAY}


def as_date(value: date | datetime) -> date:
    """A truncated day or month as a date (SQLite's TruncMonth gives a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def months_back(day: date, count: int) -> date:
    """The first day of the month `count` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _parse(text: str, name: str, interval: str) -> date:
    try:
        if interval == MONTH and len(text) == 7:
            return date.fromisoformat(f"{text}-01")
        return date.fromisoformat(text)
    except ValueError:
        shape = "YYYY-MM" if interval == MONTH else "YYYY-MM-DD"
        raise PeriodError(f"{name}: not a date ({shape}): {text[:20]}") from None


def period_of(params, today: date) -> Period:
    """The period asked for; the last 30 days by day, or the last 12 months by month, when
    `from` and `to` are left out."""
    interval = params.get("interval") or DAY
    if interval not in (DAY, MONTH):
        raise PeriodError(f"interval: {DAY} or {MONTH}, not {interval[:20]}")
    to_text, from_text = params.get("to"), params.get("from")
    end = _parse(to_text, "to", interval) if to_text else today
    if interval == MONTH:
        start = _parse(from_text, "from", interval) if from_text else months_back(end, 11)
        start, end = start.replace(day=1), month_end(end)
    else:
        start = _parse(from_text, "from", interval) if from_text else end - timedelta(days=29)
    return _checked(Period(start, end, interval))


def _checked(period: Period) -> Period:
    if period.end < period.start:
        raise PeriodError("to: before from")
    if period.interval == DAY and period.days > MAX_DAYS:
        raise PeriodError(f"A daily report covers at most {MAX_DAYS} days; ask per month")
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if period.interval == MONTH and months > MAX_MONTHS:
        raise PeriodError(f"A monthly report covers at most {MAX_MONTHS} months")
    return period
