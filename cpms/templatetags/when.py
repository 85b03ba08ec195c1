"""One way to show a moment on every dashboard page (a template builtin, cpms/settings.py):
`{{ value|when }}`, `|when:"seconds"`, `|when:"date"`, `|when:"time"`.

It renders `<time datetime="…Z" data-when="kind">` with a plain fallback in the time zone in
force (the tenant's, cpms/dashboard.py); static/js/dates.js then writes every such element, and
every time a live update brings, in the tenant's locale and time zone, so a page reads the same
after a reload as after a live update."""

from datetime import UTC, date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

FALLBACK = {"datetime": "%Y-%m-%d %H:%M", "seconds": "%Y-%m-%d %H:%M:%S", "date": "%Y-%m-%d",
            "time": "%H:%M:%S"}


@register.filter
def when(value, kind: str = "datetime"):
    if value in (None, ""):
        return ""  # as Django's `date`: `|when|default:"never"` reads well
    kind = kind if kind in FALLBACK else "datetime"
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        shown = timezone.localtime(value).strftime(FALLBACK[kind])
        stamp = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    elif isinstance(value, date):
        shown = stamp = value.isoformat()
        kind = "date"
    else:
        return value
    return format_html('<time datetime="{}" data-when="{}">{}</time>', stamp, kind, shown)
