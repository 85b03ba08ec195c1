"""The station page's display-messages card: `{% station_display_messages station %}` (a tag,
so the station page's view needs nothing of this app)."""

from django import template

from stations.displaymessages.views import card_context
from stations.models import Station

register = template.Library()


@register.inclusion_tag("stations/_display_messages.html", takes_context=True)
def station_display_messages(context, station: Station) -> dict:
    request = context["request"]
    return {**card_context(station, role=request.role), "request": request,
            "csrf_token": context.get("csrf_token")}
