"""The audit log in templates: the station page's history card (`{% audit_station_history
station %}`, a tag so the station page's view needs nothing of this app) and the changes of
an entry as lines (field: before → after)."""

import json

from django import template

from audit import selectors
from audit.models import AuditAction, AuditEntry
from tenants.models import Role

register = template.Library()


@register.inclusion_tag("audit/_station_history_card.html", takes_context=True)
def audit_station_history(context, station) -> dict:
    """The station's latest entries, for managers only (the log tells of everyone's work)."""
    request = context.get("request")
    shown = getattr(request, "role", None) == Role.MANAGER
    entries = selectors.station_history(tenant=station.tenant, station_id=station.pk) if shown else []
    return {"shown": shown, "station": station, "entries": entries}


@register.filter
def audit_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) per changed field; a command's request as one line."""
    changes = entry.changes or {}
    if entry.action == AuditAction.COMMAND or not isinstance(changes, dict):
        return [(name, "", _text(value)) for name, value in (
            changes.items() if isinstance(changes, dict) else [("", changes)])]
    lines = []
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            lines.append((field, _text(value[0]), _text(value[1])))
        else:
            lines.append((field, "", _text(value)))
    return lines


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
