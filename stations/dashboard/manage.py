"""Managing a station in the dashboard (docs/dashboard.md, "Stations"): edit its settings,
enable or disable it, remove it with its data kept and restore it, give it a new password.

Managers and installers only (accountants read the station page). The edit is checked by the
API's StationSerializer and saved by the API's services, so both refuse and save alike."""

from asgiref.sync import async_to_sync
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpms.dashboard import page, serializer_into_form
from stations import selectors
from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _failure
from stations.forms import StationEditForm
from stations.models import Station
from stations.security import actions as security_actions
from stations.serializers import StationSerializer
from stations.services.stations import (
    StationConnected,
    station_enabled_set,
    station_password_reset,
    station_remove,
    station_restore,
    station_update,
)
from stations.tariff_and_group import station_tariff_and_group_set, tariff_and_group_pop
from tenants.access import STATION_ROLES


def _station(request, identity: str, *, removed: bool = False) -> Station:
    """The tenant's station (404 otherwise); `removed`: only a removed one, else only one in use."""
    stations = selectors.stations_with_removed_of(request.tenant).select_related("location")
    return get_object_or_404(stations, identity=identity, removed_at__isnull=not removed)


@page(*STATION_ROLES)
def station_edit(request, identity: str):
    station = _station(request, identity)
    form = StationEditForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        serializer = StationSerializer(station, data=form.api_data(), partial=True,
                                       context={"request": request})
        if serializer_into_form(form, serializer):
            data = dict(serializer.validated_data)
            tariff_and_group = tariff_and_group_pop(data)
            with transaction.atomic():
                station_update(station=station, **data)
                station_tariff_and_group_set(station=station, **tariff_and_group)
            messages.success(request, f"{station.identity} is saved.")
            return redirect("station-page", identity=station.identity)
    return render(request, "stations/edit.html", {"station": station, "form": form},
                  status=400 if form.errors else 200)


@page(*STATION_ROLES)
@require_POST
def station_enabled(request, identity: str):
    """Enable (`enabled=1`) or disable (`enabled=0`) the station."""
    station = _station(request, identity)
    wanted = request.POST.get("enabled")
    if wanted not in ("0", "1"):
        messages.error(request, "Choose Enable or Disable.")
    else:
        station_enabled_set(station=station, enabled=wanted == "1")
        state = "enabled" if station.enabled else "disabled: it is refused when it connects"
        messages.success(request, f"{station.identity} is {state}.")
    return redirect("station-page", identity=station.identity)


@page(*STATION_ROLES)
@require_POST
def station_remove_view(request, identity: str):
    station = station_remove(station=_station(request, identity))
    messages.success(request, f"{station.identity} is removed; its sessions and history are kept. "
                              f"Restore it from Removed stations.")
    return redirect("stations-page")


@page(*STATION_ROLES)
@require_POST
def station_restore_view(request, identity: str):
    station, password = station_restore(station=_station(request, identity, removed=True))
    return render(request, "stations/password.html", {
        "station": station, "password": password, "title": f"{station.identity} restored"})


@page(*STATION_ROLES)
@require_POST
def station_password(request, identity: str):
    """A new password: set at once for a station that is not connected (shown once); a connected
    one is asked to change it (AuthorizationKey / BasicAuthPassword), as the API's `password/`."""
    station = _station(request, identity)
    try:
        password = station_password_reset(station=station)
    except StationConnected:
        return _password_rotation(request, station)
    return render(request, "stations/password.html", {
        "station": station, "password": password, "title": f"New password for {station.identity}"})


def _password_rotation(request, station: Station):
    context = {"station": station, "title": f"New password for {station.identity}", "rotated": True}
    if station.security_profile >= 3:
        messages.error(request, "A profile 3 station authenticates with its certificate, not a password.")
        return redirect("station-page", identity=station.identity)
    try:
        answer, password = async_to_sync(security_actions.password_change)(station)
    except CommandFailed as failure:
        context["error"] = _failure(failure)
        return render(request, "stations/password.html", context, status=502)
    context["answer"] = answer
    context["password"] = password if answer in security_actions.PASSWORD_TAKEN else ""
    return render(request, "stations/password.html", context)
