"""The station page's external charging limits: `{% station_charging_limits station %}` (a tag,
so the station page's view needs nothing of this app). Shown for 2.0.1 stations, and for any
station that ever told one: the limits in place now, with what each sets, and the latest ended."""

from django import template
from django.utils import timezone

from stations.models import Station
from stations.smartcharging import selectors
from stations.smartcharging.limits import limits_in_force
from stations.smartcharging.models import LimitEnded

register = template.Library()
ENDED_SHOWN = 5


@register.inclusion_tag("stations/_charging_limits.html")
def station_charging_limits(station: Station) -> dict:
    rows = selectors.external_limits_of(station)
    now = timezone.now()
    active = [(row, limits_in_force(row, now)) for row in rows.filter(ended=LimitEnded.ACTIVE)]
    ended = list(rows.exclude(ended=LimitEnded.ACTIVE)[:ENDED_SHOWN])
    shown = station.ocpp_version == "2.0.1" or bool(active or ended)
    return {"station": station, "shown": shown, "active": active, "ended": ended}
