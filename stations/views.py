"""The stations side of the dashboard: overview, station list (live), station detail, onboarding.

Thin: each view checks the role (tenants/access.py), reads through selectors and renders. The
actions that send a CALL to a station are in stations/dashboard/actions.py."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpms.listing import listing
from stations import selectors
from stations.dashboard import offered
from stations.dashboard import selectors as reads
from stations.dashboard.station_list import station_rows
from stations.forms import OnboardingForm
from stations.models import Location
from stations.services.admission import ACCEPTED, REJECTED
from stations.services.stations import station_admission_set, station_create
from stations.tariff_and_group import station_tariff_and_group_set
from tenants.access import EVERYONE, MONEY_ROLES, STATION_ROLES, dashboard_view

MESSAGES_PER_PAGE = 25
MESSAGE_SORTS = {"time": "created_at"}  # the log reads by its (station, time) index
MESSAGE_SEARCH = ("action",)


@dashboard_view(*EVERYONE)
def overview(request):
    figures = reads.overview(request.tenant, with_money=request.role in MONEY_ROLES)
    return render(request, "stations/overview.html", {"figures": figures})


@dashboard_view(*EVERYONE)
def stations_page(request):
    """The stations list at fleet size (docs/dashboard.md, "Stations"): 50 a page, sortable,
    searchable, filtered by site, status, link and removal; live rows (static/js/stations.js)."""
    rows, filters = station_rows(request)
    sites = Location.objects.filter(tenant=request.tenant).order_by("name").only("pk", "name")
    context = {"rows": rows, "stations": rows.page, "filters": filters, "sites": sites,
               "statuses": reads.CONNECTOR_STATUSES}
    if request.htmx and request.htmx.target == "stations-table":
        return render(request, "stations/_table.html", context)
    return render(request, "stations/list.html", context)


@dashboard_view(*EVERYONE)
def station_page(request, identity: str):
    """The station, live: its parts in LIVE_PARTS and the message log are also answered alone,
    for static/js/station-page.js to read again on live events (docs/dashboard.md, "Live updates")."""
    station = get_object_or_404(selectors.stations_with_removed_of(request.tenant)  # says "removed"
                                .select_related("location"), identity=identity)
    target = request.htmx.target if request.htmx else None
    if target in LIVE_PARTS:
        return render(request, LIVE_PARTS[target], _live_context(request, station))
    log_filters = {"action": request.GET.get("action", "").strip(),
                   "direction": request.GET.get("direction", "")}
    page = listing(request, reads.messages_filtered(station, **log_filters), sorts=MESSAGE_SORTS,
                   default="-time", search=MESSAGE_SEARCH, size=MESSAGES_PER_PAGE)
    if target == "message-log":
        return render(request, "stations/_messages.html",
                      {"station": station, "page": page, "log_filters": log_filters})
    context = {**_live_context(request, station), "page": page, "log_filters": log_filters,
               "connectors": reads.connectors_by_evse(station),
               "readings": reads.live_readings(station)}
    if context["can_act"]:
        context["configuration"] = selectors.configuration_of(station)  # as last learnt
    return render(request, "stations/detail.html", context)


# The parts of the station page read again on live events, by their element's id.
LIVE_PARTS = {"station-sessions": "stations/_sessions.html",
              "remote-stop-slot": "stations/_remote_stop.html",
              "station-limit": "stations/_limit.html"}


def _live_context(request, station) -> dict:
    """What the live parts show: the latest sessions, and the actions' forms with the running
    transactions for those who may act."""
    context = {"station": station, "can_act": request.role in STATION_ROLES,
               "sessions": selectors.sessions_of(request.tenant).filter(station=station)[:10]}
    if context["can_act"]:
        running = list(reads.running_sessions(station).values_list("station_transaction_id",
                                                                   flat=True))
        context["forms"] = offered.action_forms(station, running=running)  # tags: a search field
        context["running"] = running
    return context


@dashboard_view(*STATION_ROLES)
@require_POST
def station_admission(request, identity: str):
    """Accept or reject a station (docs/ocpp201.md, "Admission"): an accepted one is asked to
    boot again at once."""
    station = get_object_or_404(selectors.stations_of(request.tenant), identity=identity)
    admission = request.POST.get("admission", "")
    if admission not in (ACCEPTED, REJECTED):
        messages.error(request, "Choose Accept or Reject.")
    else:
        station_admission_set(station=station, admission=admission)
        messages.success(request, f"{station.identity} is {admission}.")
    return redirect("station-page", identity=station.identity)


@dashboard_view(*STATION_ROLES)
def onboarding(request):
    form = OnboardingForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            station, password = station_create(
                tenant=request.tenant, identity=data["identity"], name=data["name"],
                max_current=data["max_current"], location=data.get("location"))
            station_tariff_and_group_set(station=station, load_group=data["load_group"])
        # The password is in this answer only: it is stored hashed.
        return render(request, "stations/onboarded.html", {"station": station, "password": password})
    return render(request, "stations/onboarding.html", {"form": form}, status=400 if form.errors else 200)
