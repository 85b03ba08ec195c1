"""Reads of sites (docs/locations.md): every function takes the tenant, so no tenant sees
another's sites or stations."""

from django.db.models import Count, Q, QuerySet

from stations.dashboard.selectors import online_q
from stations.models import Location, Station
from tenants.models import Tenant


def locations_of(tenant: Tenant) -> QuerySet[Location]:
    """The tenant's sites, each with its number of stations in use (one query)."""
    return (Location.objects.filter(tenant=tenant)
            .annotate(station_count=Count("stations", filter=Q(stations__removed_at__isnull=True))))


def stations_at(location: Location) -> QuerySet[Station]:
    return (Station.objects.filter(tenant_id=location.tenant_id, location=location, removed_at__isnull=True)
            .select_related("server_process").prefetch_related("connectors").order_by("identity"))


def status_summary(location: Location) -> dict:
    """Its stations online, offline, with a connector charging and with one faulted (one query)."""
    stations = Station.objects.filter(tenant_id=location.tenant_id, location=location,
                                      removed_at__isnull=True)
    return stations.aggregate(
        total=Count("pk", distinct=True), online=Count("pk", filter=online_q(), distinct=True),
        charging=Count("pk", filter=Q(connectors__status="Charging"), distinct=True),
        faulted=Count("pk", filter=Q(connectors__status="Faulted"), distinct=True))


def map_markers(locations) -> list[dict]:
    """The sites with coordinates as the map's markers (static/js/locations-map.js)."""
    from django.urls import reverse

    return [{"name": site.name, "lat": float(site.latitude), "lng": float(site.longitude),
             "url": reverse("location-page", args=[site.pk]),
             "stations": getattr(site, "station_count", None)}
            for site in locations if site.latitude is not None and site.longitude is not None]
