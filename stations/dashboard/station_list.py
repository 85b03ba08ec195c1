"""The stations list at fleet size (docs/dashboard.md, "Stations"): filters by site, connector
status, link and removal, then cpms.listing's search, sort and page. The rows come in one query
(site and server process joined, "online" annotated), their connectors in one more."""

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When

from cpms.listing import Listing, listing
from stations import selectors
from stations.dashboard.selectors import online_q
from stations.models import Connector, Station
from tenants.models import Tenant

SORTS = {"identity": "identity", "name": ("name", "identity"), "site": ("location__name", "identity"),
         "status": ("-online", "identity"), "seen": "-last_seen", "vendor": ("vendor", "model")}
SEARCH = ("identity", "name", "vendor", "model", "serial_number")


def filters_of(request) -> dict:
    get = request.GET
    return {"site": get.get("site", ""), "status": get.get("status", ""),
            "connected": get.get("connected", ""), "removed": get.get("removed", "")}


def stations_filtered(tenant: Tenant, *, site: str = "", status: str = "", connected: str = "",
                      removed: str = "") -> QuerySet[Station]:
    """The tenant's stations narrowed by the list's filters; an unknown value narrows nothing."""
    if removed == "yes":
        stations = selectors.stations_with_removed_of(tenant).filter(removed_at__isnull=False)
    else:
        stations = selectors.stations_of(tenant)
    stations = stations.select_related("location").annotate(
        online=Case(When(online_q(), then=Value(True)), default=Value(False), output_field=BooleanField()))
    if site == "none":
        stations = stations.filter(location__isnull=True)
    elif site.isdigit():
        stations = stations.filter(location_id=int(site))
    if status:
        stations = stations.filter(Exists(Connector.objects.filter(station=OuterRef("pk"), status=status)))
    if connected == "yes":
        stations = stations.filter(online_q())
    elif connected == "no":
        stations = stations.exclude(online_q())
    return stations


def station_rows(request) -> tuple[Listing, dict]:
    filters = filters_of(request)
    stations = stations_filtered(request.tenant, **filters)
    return listing(request, stations, sorts=SORTS, default="identity", search=SEARCH), filters



