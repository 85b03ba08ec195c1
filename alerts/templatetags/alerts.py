"""Alerts on pages the alerts app does not render: the header badge (every page of a member),
the overview's card of open alerts and the station page's card (docs/alerts.md, "Dashboard and
API"). Those pages' views belong to the stations app, which imports nothing of alerts, so the
pages include alerts' templates and these tags read what they show."""

from django import template
from django.utils import timezone

from alerts import selectors
from alerts.forms import MuteForm
from alerts.models import AlertState, StationMute
from stations.models import Station
from tenants.access import STATION_ROLES

register = template.Library()

OVERVIEW_SHOWN = 10
STATION_HISTORY = 10


def _tenant_id(context) -> int | None:
    tenant = getattr(context.get("request"), "tenant", None)
    return getattr(tenant, "pk", None)


def _can_act(context) -> bool:
    return getattr(context.get("request"), "role", None) in STATION_ROLES


@register.simple_tag(takes_context=True)
def open_alert_count(context) -> int:
    """Open alerts no one acknowledged yet, of the tenant worked in (the header badge)."""
    tenant_id = _tenant_id(context)
    return selectors.open_alert_count(tenant_id) if tenant_id else 0


@register.inclusion_tag("alerts/_overview_card.html", takes_context=True)
def overview_alerts(context) -> dict:
    tenant_id = _tenant_id(context)
    alerts = (list(selectors.alerts_of(tenant_id, state=AlertState.OPEN)
                   .select_related("station")[:OVERVIEW_SHOWN + 1]) if tenant_id else [])
    return {"alerts": alerts[:OVERVIEW_SHOWN], "more": len(alerts) > OVERVIEW_SHOWN,
            "request": context.get("request"),
            "open_count": open_alert_count(context), "can_act": _can_act(context)}


def mute_of(station: Station) -> StationMute | None:
    """The station's mute in force now (an expired one is no mute), for its until and reason."""
    if not selectors.station_muted(station.pk, timezone.now()):
        return None
    return StationMute.objects.filter(tenant_id=station.tenant_id, station=station).first()


@register.inclusion_tag("alerts/_station_card.html", takes_context=True)
def station_alerts_card(context, station: Station) -> dict:
    """Open alerts of the station, its recent history and its mute; `mute_form` in the context
    is a form sent back with its errors."""
    recent = selectors.station_alerts(station.pk, limit=STATION_HISTORY)
    return {"station": station, "request": context.get("request"), "can_act": _can_act(context),
            "open": list(selectors.alerts_of(station.tenant_id, state=AlertState.OPEN,
                                             station_id=station.pk)),
            "history": [a for a in recent if a.state != AlertState.OPEN],
            "mute": mute_of(station), "mute_form": context.get("mute_form") or MuteForm(),
            "csrf_token": context.get("csrf_token")}
