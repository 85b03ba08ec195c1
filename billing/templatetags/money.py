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
def iso_local(value: str | None) -> str:
    """An ISO 8601 time (as in an allocation's event) in the current time zone."""
    moment = parse_datetime(value) if value else None
    return localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
