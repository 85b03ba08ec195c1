"""The station page's local list card: `{% station_local_list station %}` (a tag, so the
station page's view needs nothing of this app)."""

from django import template

from stations.authlist.views import card_context
from stations.models import Station

register = template.Library()


@register.inclusion_tag("stations/_local_list.html", takes_context=True)
def station_local_list(context, station: Station) -> dict:
    request = context["request"]
    return {**card_context(station, role=request.role), "request": request,
            "csrf_token": context.get("csrf_token")}
