"""Display filters of the live station page (docs/dashboard.md, "Live updates"): a frame's
payload as pretty JSON (never Python's repr of a dict) and a power in W or kW, written the way
static/js/station-page.js writes the live values, so a reload and a live update read the same."""

import json
import math

from django import template

register = template.Library()


@register.filter
def pretty_json(value) -> str:
    """A stored payload (dict, list, ...) as indented JSON; text that is not JSON data as is."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def watts(value) -> str:
    """850 → "850 W", 6900 → "6.9 kW" (as static/js/station-page.js's `watts`); None → "–"."""
    if value is None or value == "":
        return "–"
    number = float(value)
    if abs(number) < 1000:
        return f"{math.floor(number + 0.5)} W"  # as JS Math.round
    return f"{number / 1000:.1f} kW"


@register.filter
def wh(value) -> str:
    """An energy in Wh: 0 is "0 Wh" (a reading), only None is "–"."""
    return "–" if value is None else f"{value} Wh"


@register.filter
def reading_of(readings: dict | None, connector_id) -> dict | None:
    """The live reading of a connector (stations/dashboard/selectors.py `live_readings`)."""
    return (readings or {}).get(connector_id)
