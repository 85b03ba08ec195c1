"""The station page's firmware and file section: `{% station_file_jobs station %}` (a tag, so the
station page's view needs nothing of this app)."""

from django import template

from stations.firmware import selectors
from stations.models import Station

register = template.Library()
SHOWN = 5


@register.inclusion_tag("firmware/_station_jobs.html")
def station_file_jobs(station: Station) -> dict:
    return {"station": station, **selectors.latest_file_jobs(station, limit=SHOWN)}
