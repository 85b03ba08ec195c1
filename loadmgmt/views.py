"""Load groups for managers and installers: list, create, edit (the API's serializer and
services; the group's tariff is billing's, composed by loadmgmt/group_tariff.py), and one
group's live state: each connector's limit and measured draw from the latest allocation
(updated live by `load.allocation` events), a plot of its load against the cap over its
allocation history, and a rebalance on demand. At fleet size a group has hundreds of stations:
they are added by search (cpms/pickers.py) and listed a page at a time, with remove buttons."""

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from billing.selectors import group_tariff_of, tariffs_of
from cpms.dashboard import page, sees_money, serializer_into_form
from cpms.listing import listing
from loadmgmt import selectors
from loadmgmt.allocation_feed import allocation_event, plot_point
from loadmgmt.forms import LoadGroupForm, MembersAddForm
from loadmgmt.group_tariff import load_group_with_tariff_create, load_group_with_tariff_update
from loadmgmt.models import Allocation, LoadGroup, LoadGroupMember
from loadmgmt.rebalance import rebalance
from loadmgmt.serializers import LoadGroupSerializer
from loadmgmt.services import load_group_stations_add, load_group_stations_remove
from tenants.access import STATION_ROLES

HISTORY = 500  # allocations in the plot
HEAVY = ("connectors", "available", "reserved", "base_load")  # not read for the plot's history


def _groups_listed(tenant):
    """The tenant's groups with their member count and latest allocation's id (two subqueries,
    not a query per group)."""
    latest = Allocation.objects.filter(group=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    members = (LoadGroupMember.objects.filter(group=OuterRef("pk")).order_by().values("group")
               .annotate(n=Count("pk")).values("n"))
    return LoadGroup.objects.filter(tenant=tenant).annotate(
        station_count=Subquery(members), latest_id=Subquery(latest))


@page(*STATION_ROLES)
def loadgroups_page(request):
    rows = listing(request, _groups_listed(request.tenant), default="name", search=("name",),
                   sorts={"name": "name", "cap": "max_current", "stations": "station_count"})
    groups = list(rows.page)
    allocations = Allocation.objects.select_related("group").in_bulk(
        [g.latest_id for g in groups if g.latest_id])
    for group in groups:
        latest = allocations.get(group.latest_id)
        group.allocation = latest and allocation_event(latest)
    return render(request, "loadmgmt/loadgroups.html", {"rows": rows, "groups": groups})


@page(*STATION_ROLES)
def loadgroup_page(request, pk: int):
    group = LoadGroup.objects.filter(tenant=request.tenant, pk=pk).select_related("base_load_meter").first()
    if group is None:
        raise Http404("No such load group.")
    return _group_page(request, group, MembersAddForm(tenant=request.tenant))


def _group_page(request, group: LoadGroup, add_form: MembersAddForm):
    history = list(group.allocations.select_related("group").defer(*HEAVY)[:HISTORY])
    latest = (group.allocations.select_related("group").first() if history
              else selectors.allocation_preview(group=group))
    money = sees_money(request)
    return render(request, "loadmgmt/loadgroup.html", {
        "group": group, "latest": allocation_event(latest), "cap": selectors.group_cap(group),
        "history": [plot_point(a) for a in reversed(history)], "money": money,
        "tariff": group_tariff_of(group_id=group.pk) if money else None,
        "members": _members(request, group), "add_form": add_form},
        status=400 if add_form.is_bound else 200)


def _members(request, group):
    """One page of the group's stations, searchable and sortable."""
    return listing(request, LoadGroupMember.objects.filter(group=group).select_related("station"),
                   default="identity", search=("station__identity", "station__name"),
                   sorts={"identity": "station__identity", "name": "station__name",
                          "seen": "station__last_seen"}, size=25)


@page(*STATION_ROLES)
def loadgroup_members_add(request, pk: int):
    """POST: the stations typed or picked join the group."""
    group = get_object_or_404(LoadGroup.objects.filter(tenant=request.tenant), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MembersAddForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        return _group_page(request, group, form)
    stations = form.cleaned_data["stations"]
    load_group_stations_add(group=group, stations=stations)
    messages.success(request, f"{len(stations)} station{'s' if len(stations) != 1 else ''} added.")
    return redirect(f"{reverse('loadgroup-page', args=[group.pk])}#members")


@page(*STATION_ROLES)
def loadgroup_members_remove(request, pk: int):
    """POST: one station (`remove`) or those ticked (`selected`) leave the group."""
    group = get_object_or_404(LoadGroup.objects.filter(tenant=request.tenant), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    chosen = request.POST.getlist("selected") if "remove" not in request.POST else [request.POST["remove"]]
    ids = [int(value) for value in chosen if value.isdigit()]
    removed = load_group_stations_remove(group=group, station_ids=ids)
    if removed:
        messages.success(request, f"{removed} station{'s' if removed != 1 else ''} removed.")
    else:
        messages.error(request, "No station of this group was chosen.")
    back = request.POST.get("back", "").lstrip("?")  # the member list's page, search and sort
    return redirect(f"{reverse('loadgroup-page', args=[group.pk])}?{back}#members" if back
                    else f"{reverse('loadgroup-page', args=[group.pk])}#members")


@page(*STATION_ROLES)
def loadgroup_edit(request, pk: int | None = None):
    group = get_object_or_404(selectors.load_groups_of(request.tenant), pk=pk) if pk else None
    tariffs = ([(t.pk, str(t)) for t in tariffs_of(request.tenant)] if sees_money(request) else None)
    initial, members = {}, None
    if group is not None:
        initial = dict(LoadGroupSerializer(group, context={"request": request}).data)
        initial["tariff"] = str(initial.get("tariff") or "")
        members = initial.pop("stations")
    form = LoadGroupForm(request.POST or None, initial=initial, members=members, tariffs=tariffs,
                         tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        serializer = LoadGroupSerializer(group, data=form.api_data(), partial=group is not None,
                                         context={"request": request})
        if serializer_into_form(form, serializer):
            data = serializer.validated_data
            saved = (load_group_with_tariff_create(tenant=request.tenant, **data) if group is None
                     else load_group_with_tariff_update(group=group, **data))
            messages.success(request, f"Load group {saved.name} saved.")
            return redirect("loadgroup-page", pk=saved.pk)
    return render(request, "loadmgmt/loadgroup_form.html", {"form": form, "group": group},
                  status=400 if form.is_bound and form.errors else 200)


@page(*STATION_ROLES)
def loadgroup_rebalance(request, pk: int):
    """POST: allocate now and bring the stations to it (as the API's rebalance)."""
    group = get_object_or_404(selectors.load_groups_of(request.tenant), pk=pk)
    if request.method != "POST":
        return redirect("loadgroup-page", pk=group.pk)
    allocation = rebalance(group.pk, "on demand")
    if request.headers.get("HX-Request"):
        return render(request, "loadmgmt/_connectors.html", {
            "latest": allocation_event(allocation), "group": group, "rebalanced": True})
    messages.success(request, "Rebalanced.")
    return redirect("loadgroup-page", pk=group.pk)
