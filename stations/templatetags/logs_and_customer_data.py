"""The station page's logs and customer-data card: `{% station_logs_and_customer_data station %}`
(a tag, so the station page's view needs nothing of stations/customerinfo/)."""

from django import template

from stations.customerinfo.views import card_context
from stations.models import Station

register = template.Library()


@register.inclusion_tag("stations/_logs_and_customer_data.html", takes_context=True)
def station_logs_and_customer_data(context, station: Station) -> dict:
    request = context["request"]
    return {**card_context(station, role=request.role), "request": request,
            "csrf_token": context.get("csrf_token")}
