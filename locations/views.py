"""The sites' pages (docs/locations.md): the list with its map, a site with its stations and
their live state, create, edit, delete, and placing stations at a site. Everyone reads;
managers and installers (who place stations) change. The forms are checked by the API's
serializer, so the page and the API refuse alike."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpms.dashboard import page, serializer_into_form
from cpms.listing import listing
from locations import hours, selectors, services
from locations.api import _saved
from locations.forms import AssignForm, LocationForm
from locations.serializers import LocationSerializer
from stations.models import Location
from tenants.access import EVERYONE, STATION_ROLES

SORTS = {"name": "name", "city": ("city", "name"), "country": ("country", "city", "name"),
         "stations": ("-station_count", "name")}


def _location(request, pk: int) -> Location:
    return get_object_or_404(selectors.locations_of(request.tenant), pk=pk)


def _map(markers: list[dict]) -> dict:
    """The map element's data: no tile URL, no map (the page is its list)."""
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "markers": markers}


@page(*EVERYONE)
def locations_page(request):
    sites = selectors.locations_of(request.tenant)
    rows = listing(request, sites, sorts=SORTS, default="name",
                   search=("name", "city", "address", "postal_code"))
    markers = selectors.map_markers(sites.exclude(latitude=None).exclude(longitude=None)[:1000])
    return render(request, "locations/list.html", {
        "rows": rows, "map": _map(markers), "can_edit": request.role in STATION_ROLES})


@page(*EVERYONE)
def location_page(request, pk: int):
    site = _location(request, pk)
    context = {"site": site, "stations": selectors.stations_at(site)[:200],
               "summary": selectors.status_summary(site), "hours": hours.summary(site.opening_hours),
               "map": _map(selectors.map_markers([site])), "can_edit": request.role in STATION_ROLES}
    if context["can_edit"]:
        context["assign"] = AssignForm(tenant=request.tenant)
    return render(request, "locations/detail.html", context)


def _save(request, form: LocationForm, site: Location | None):
    serializer = LocationSerializer(site, data=form.api_data(), partial=site is not None,
                                    context={"request": request})
    if not serializer_into_form(form, serializer, {"opening_hours": "day_1"}):
        return None
    if site is None:
        return _saved(services.location_create, tenant=request.tenant, **serializer.validated_data)
    return _saved(services.location_update, location=site, **serializer.validated_data)


def _form_page(request, site: Location | None):
    form = LocationForm(request.POST or None, tenant=request.tenant, location=site)
    if request.method == "POST" and form.is_valid():
        from rest_framework.exceptions import ValidationError as Refused

        try:
            saved = _save(request, form, site)
        except Refused as refused:
            for field, reasons in refused.detail.items():
                form.add_error(field if field in form.fields else None, " ".join(map(str, reasons)))
            saved = None
        if saved is not None:
            messages.success(request, f"Site {saved.name} is saved.")
            return redirect("location-page", pk=saved.pk)
    return render(request, "locations/form.html", {"form": form, "site": site},
                  status=400 if form.errors else 200)


@page(*STATION_ROLES)
def location_create(request):
    return _form_page(request, None)


@page(*STATION_ROLES)
def location_edit(request, pk: int):
    return _form_page(request, _location(request, pk))


@page(*STATION_ROLES)
def location_delete(request, pk: int):
    site = _location(request, pk)
    if request.method == "POST":
        unassigned = services.location_delete(location=site)
        messages.success(request, f"Site {site.name} is deleted; {unassigned} station(s) now have no site.")
        return redirect("locations-page")
    return render(request, "locations/delete.html", {"site": site})


@page(*STATION_ROLES)
@require_POST
def location_assign(request, pk: int):
    site = _location(request, pk)
    form = AssignForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        moved = services.stations_assign(location=site, stations=form.cleaned_data["stations"])
        messages.success(request, f"{moved} station(s) placed at {site.name}.")
    else:
        messages.error(request, " ".join(form.errors.get("stations", ["Name the stations."])))
    return redirect("location-page", pk=site.pk)


@page(*STATION_ROLES)
@require_POST
def location_unassign(request, pk: int, identity: str):
    site = _location(request, pk)
    station = get_object_or_404(selectors.stations_at(site), identity=identity)
    services.station_unassign(station=station)
    messages.success(request, f"{station.identity} no longer stands at {site.name}.")
    return redirect("location-page", pk=site.pk)
