"""The station page's firmware and file section: `{% station_file_jobs station %}` (a tag, so the
station page's view needs nothing of this app)."""

from django import template

from stations.firmware import selectors
from stations.firmware.forms import FirmwareUpdateForm, PublishForm, UnpublishForm
from stations.models import Station
from tenants.access import STATION_ROLES

register = template.Library()
SHOWN = 5


@register.inclusion_tag("firmware/_station_jobs.html", takes_context=True)
def station_file_jobs(context, station: Station) -> dict:
    """Also the firmware publications of a 2.0.1 station (a local controller) and, for those
    who may act on stations, the update, publish and unpublish forms."""
    request = context.get("request")
    can_act = getattr(request, "role", None) in STATION_ROLES
    publishing = station.ocpp_version == "2.0.1"
    return {"station": station, "request": request, "csrf_token": context.get("csrf_token"),
            **selectors.latest_file_jobs(station, limit=SHOWN),
            "publications": list(selectors.publications_of(station)[:SHOWN]) if publishing else [],
            "publishing": publishing, "can_publish": publishing and can_act, "can_update": can_act,
            **(_forms(station) if can_act else {})}


def _forms(station: Station) -> dict:
    # ids of their own: the page holds several forms with a checksum or a retries field
    return {"update_form": FirmwareUpdateForm(tenant=station.tenant, auto_id="update-%s"),
            "publish_form": PublishForm(auto_id="publish-%s"),
            "unpublish_form": UnpublishForm(auto_id="unpublish-%s")}
