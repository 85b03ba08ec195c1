"""Small formatting filters of the money and load pages."""

from datetime import timedelta

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime

register = template.Library()


@register.filter
def duration_text(value: timedelta | None) -> str:
    """"1 h 05 min", "12 min", "40 s"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


@register.filter
def cost_quantity(line) -> str:
    """A cost line's quantity for people: hours as a duration ("1 h 22 min", "1 min", never
    "0.022778 h"), the others as they are ("10.000 kWh", "1 session"). The CSV exports keep the
    decimal hours (a machine format, named so in their header)."""
    quantity = line.get("quantity") if isinstance(line, dict) else getattr(line, "quantity", None)
    unit = line.get("unit") if isinstance(line, dict) else getattr(line, "unit", "")
    return quantity_text(quantity, unit)


def quantity_text(quantity, unit: str) -> str:
    if unit == "h" and quantity not in (None, ""):
        try:
            return duration_text(timedelta(hours=float(quantity))) or "0 s"
        except (TypeError, ValueError):
            pass
    return f"{quantity} {unit}".strip()


@register.filter
def iso_local(value: str | None) -> str:
    """An ISO 8601 time (as in an allocation's event) in the current time zone."""
    moment = parse_datetime(value) if value else None
    return localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
