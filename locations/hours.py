"""Opening hours in OCPI 2.2.1's Hours shape (stations/models/location.py), checked and turned
into the dashboard's plain text per weekday ("08:00-12:00, 13:00-20:00") and back, so no one
types JSON (docs/locations.md, "Opening hours")."""

import re

from django.core.exceptions import ValidationError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # OCPI 1..7
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


def _time(text: str) -> str:
    text = text.strip()
    if len(text) == 4:
        text = "0" + text  # 8:00 → 08:00
    if not TIME.match(text):
        raise ValidationError(f"{text!r} is not a time of day (HH:MM, 00:00 to 23:59).")
    return text


def periods_of(text: str) -> list[dict]:
    """"08:00-12:00, 13:00-20:00" as OCPI periods; blank: closed that day. An end before its
    begin runs past midnight (OCPI allows it)."""
    periods = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = PERIOD.match(part)
        if not match:
            raise ValidationError(f"{part!r}: write a period as 08:00-20:00.")
        begin, end = _time(match.group(1)), _time(match.group(2))
        if begin == end:
            raise ValidationError(f"{part!r}: a period must not begin when it ends.")
        periods.append({"period_begin": begin, "period_end": end})
    return periods


def hours_from(twentyfourseven: bool, days: dict[int, str]) -> dict:
    """The OCPI Hours of the editor's answer: 24/7, or per weekday (1 = Monday) its periods."""
    if twentyfourseven:
        return {"twentyfourseven": True}
    regular = [{"weekday": weekday, **period} for weekday in sorted(days)
               for period in periods_of(days[weekday])]
    return {"twentyfourseven": False, "regular_hours": regular}


def text_by_weekday(hours: dict) -> dict[int, str]:
    """Per weekday (1..7) the periods as the editor shows them."""
    days: dict[int, list[str]] = {n: [] for n in range(1, 8)}
    for period in (hours or {}).get("regular_hours") or []:
        days.setdefault(period["weekday"], []).append(f"{period['period_begin']}-{period['period_end']}")
    return {weekday: ", ".join(periods) for weekday, periods in days.items()}


def validate_hours(hours) -> dict:
    """`hours` as OCPI Hours ({} = not given), else ValidationError naming what is wrong."""
    if hours in (None, {}):
        return {}
    if not isinstance(hours, dict) or not isinstance(hours.get("twentyfourseven"), bool):
        raise ValidationError('Opening hours: {"twentyfourseven": true} or {"twentyfourseven": '
                              'false, "regular_hours": [{"weekday": 1, "period_begin": "08:00", '
                              '"period_end": "20:00"}]}.')
    if hours["twentyfourseven"]:
        return {"twentyfourseven": True}
    regular = hours.get("regular_hours", [])
    if not isinstance(regular, list):
        raise ValidationError("regular_hours must be a list.")
    days: dict[int, list[str]] = {}
    for period in regular:
        if not isinstance(period, dict) or period.get("weekday") not in range(1, 8):
            raise ValidationError("Each regular_hours entry needs a weekday 1 (Monday) to 7 (Sunday).")
        begin, end = str(period.get("period_begin", "")), str(period.get("period_end", ""))
        days.setdefault(period["weekday"], []).append(f"{begin}-{end}")
    return hours_from(False, {weekday: ", ".join(texts) for weekday, texts in days.items()})


def summary(hours: dict) -> list[tuple[str, str]]:
    """[(weekday name, "08:00-20:00" or "closed")] for a page; [] when 24/7 or not given."""
    if not hours or hours.get("twentyfourseven"):
        return []
    days = text_by_weekday(hours)
    return [(WEEKDAYS[n - 1], days.get(n) or "closed") for n in range(1, 8)]
