"""The station page's reservations card: `{% station_reservations station %}` (a tag, so the
station page's view needs nothing of this app)."""

from django import template

from stations.models import Station
from stations.reservations.views import card_context

register = template.Library()


@register.inclusion_tag("stations/_reservations.html", takes_context=True)
def station_reservations(context, station: Station) -> dict:
    request = context["request"]
    return {**card_context(station, role=request.role), "request": request,
            "csrf_token": context.get("csrf_token")}
