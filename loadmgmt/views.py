"""Load groups for managers and installers: list, create, edit (the API's serializer and
services; the group's tariff is billing's, composed by loadmgmt/group_tariff.py), and one
group's live state: each connector's limit and measured draw from the latest allocation
(updated live by `load.allocation` events), a plot of its load against the cap over its
allocation history, and a rebalance on demand."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from billing.selectors import group_tariff_of, tariffs_of
from cpms.dashboard import page, sees_money, serializer_into_form
from loadmgmt import selectors
from loadmgmt.allocation_feed import allocation_event
from loadmgmt.forms import LoadGroupForm
from loadmgmt.group_tariff import load_group_with_tariff_create, load_group_with_tariff_update
from loadmgmt.rebalance import rebalance
from loadmgmt.serializers import LoadGroupSerializer
from stations.selectors import stations_of
from tenants.access import STATION_ROLES

HISTORY = 500  # allocations in the plot


@page(*STATION_ROLES)
def loadgroups_page(request):
    groups = selectors.load_groups_of(request.tenant)
    latest = {group.pk: group.allocations.first() for group in groups}
    rows = [{"group": g, "allocation": latest[g.pk] and allocation_event(latest[g.pk])} for g in groups]
    return render(request, "loadmgmt/loadgroups.html", {"rows": rows})


@page(*STATION_ROLES)
def loadgroup_page(request, pk: int):
    group = selectors.load_groups_of(request.tenant).filter(pk=pk).first()
    if group is None:
        raise Http404("No such load group.")
    history = list(group.allocations.select_related("group")[:HISTORY])
    latest = history[0] if history else selectors.allocation_preview(group=group)
    money = sees_money(request)
    return render(request, "loadmgmt/loadgroup.html", {
        "group": group, "latest": allocation_event(latest), "cap": selectors.group_cap(group),
        "history": [allocation_event(a) for a in reversed(history)], "money": money,
        "tariff": group_tariff_of(group_id=group.pk) if money else None})


@page(*STATION_ROLES)
def loadgroup_edit(request, pk: int | None = None):
    group = get_object_or_404(selectors.load_groups_of(request.tenant), pk=pk) if pk else None
    stations = list(stations_of(request.tenant).values_list("identity", flat=True))
    tariffs = ([(t.pk, str(t)) for t in tariffs_of(request.tenant)] if sees_money(request) else None)
    initial = {}
    if group is not None:
        initial = LoadGroupSerializer(group, context={"request": request}).data
        initial["tariff"] = str(initial.get("tariff") or "")
    form = LoadGroupForm(request.POST or None, initial=initial, stations=stations, tariffs=tariffs)
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
