"""Writes of sites (docs/locations.md). Saves go through the model (full_clean first), so the
audit log records each change as any model save in the audit context."""

from django.db import transaction

from stations.models import Location, Station
from tenants.models import Tenant

LOCATION_FIELDS = ("name", "address", "postal_code", "city", "country", "latitude", "longitude",
                   "timezone", "opening_hours")


class NameTaken(Exception):
    """Another site of the tenant has this name."""


def _check_name(location: Location) -> None:
    others = Location.objects.filter(tenant_id=location.tenant_id, name=location.name)
    if others.exclude(pk=location.pk).exists():
        raise NameTaken(location.name)


@transaction.atomic
def location_create(*, tenant: Tenant, stations: list[Station] | None = None, **fields) -> Location:
    location = Location(tenant=tenant, **fields)
    _check_name(location)
    location.full_clean()
    location.save()
    if stations:
        stations_assign(location=location, stations=stations)
    return location


@transaction.atomic
def location_update(*, location: Location, stations: list[Station] | None = None, **fields) -> Location:
    """Change its fields; `stations` given: exactly these stand at it (others are unassigned)."""
    for name, value in fields.items():
        setattr(location, name, value)
    _check_name(location)
    location.full_clean()
    location.save()
    if stations is not None:
        keep = {station.pk for station in stations}
        for station in Station.objects.filter(location=location).exclude(pk__in=keep):
            station_unassign(station=station)
        stations_assign(location=location, stations=stations)
    return location


@transaction.atomic
def location_delete(*, location: Location) -> int:
    """Delete the site; its stations stay, without a site. Returns how many were unassigned."""
    stations = list(Station.objects.filter(location=location))
    for station in stations:
        station_unassign(station=station)
    location.delete()
    return len(stations)


@transaction.atomic
def stations_assign(*, location: Location, stations: list[Station]) -> int:
    """Place the stations (of the site's tenant) at the site; returns how many moved."""
    moved = 0
    for station in stations:
        if station.tenant_id != location.tenant_id:
            raise ValueError("A station can only stand at a site of its own tenant.")
        if station.location_id != location.pk:
            station.location = location
            station.save(update_fields=["location"])  # a save: the audit log sees it
            moved += 1
    return moved


def station_unassign(*, station: Station) -> None:
    station.location = None
    station.save(update_fields=["location"])
