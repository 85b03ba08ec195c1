"""Monitoring and events on the dashboard (docs/ocpp201.md, monitoring and events): a 2.0.1
station's monitors page (each monitor by variable, add one, clear one, the monitoring base and
level, a report of every monitor), for installers and managers as the device model page is;
its events page and the latest events on the station page, for every role (read only).

Async, like the other station actions (stations/dashboard/actions.py): waiting for a station
must not hold Django's one sync thread."""

from asgiref.sync import sync_to_async
from django import forms
from django.http import Http404
from django.shortcuts import render

from cpms.listing import listing
from stations.commands import requests as req
from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _failure, _post_only, station_view
from stations.devicemodel.api import report_state
from stations.models import Station
from stations.monitoring import selectors, services
from tenants.access import EVERYONE, dashboard_view

LATEST_EVENTS = 5
EVENT_SORTS = {"when": "timestamp", "component": ("component", "variable"), "variable": "variable",
               "trigger": "trigger", "severity": "severity"}
EVENT_SEARCH = ("component", "variable", "actual_value", "tech_code", "tech_info")


class MonitorForm(forms.Form):
    component = forms.CharField(max_length=50)
    evse_id = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    connector_id = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    variable = forms.CharField(max_length=50)
    type = forms.ChoiceField(choices=[(t, t) for t in services.MONITOR_TYPES])
    value = forms.DecimalField(max_digits=20, decimal_places=6, max_value=10**14,
                               min_value=-(10**14))
    severity = forms.IntegerField(min_value=0, max_value=9)
    transaction = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("connector_id") is not None and data.get("evse_id") is None:
            raise forms.ValidationError("A connector is named within its EVSE.")
        if data.get("type", "").startswith("Periodic") and (data.get("value") or 0) <= 0:
            raise forms.ValidationError("A period is a positive number of seconds.")
        return data

    def setting(self) -> req.MonitorSetting:
        data = self.cleaned_data
        return req.MonitorSetting(
            variable=req.VariableRef(component=data["component"], variable=data["variable"],
                                     evse_id=data.get("evse_id"),
                                     connector_id=data.get("connector_id")),
            type=data["type"], value=data["value"], severity=data["severity"],
            transaction=data["transaction"])


class LevelForm(forms.Form):
    severity = forms.IntegerField(min_value=0, max_value=9)


class BaseForm(forms.Form):
    base = forms.ChoiceField(choices=[(b, b) for b in services.BASES])


def _page_context(station: Station) -> dict:
    reports = list(selectors.monitoring_reports_of(station)[:3])
    for report in reports:
        report.state = report_state(report)
    return {"station": station, "monitors": list(selectors.monitors_of(station)),
            "settings": selectors.monitoring_of(station), "reports": reports,
            "types": services.MONITOR_TYPES, "bases": services.BASES,
            "severities": list(services.SEVERITIES)}


@station_view
async def monitors_page(request, station: Station):
    context = await sync_to_async(_page_context)(station)
    template = "stations/_monitors.html" if request.htmx else "stations/monitoring.html"
    return await sync_to_async(render)(request, template, context)


async def _answer(request, station: Station, action: str, run, form=None):
    context = {"station": station, "action": action, "form": form}
    if form is not None and not form.is_valid():
        return await sync_to_async(render)(request, "stations/_monitoring_answer.html", context,
                                           status=400)
    try:
        result = await run()
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["result"] = result
    return await sync_to_async(render)(request, "stations/_monitoring_answer.html", context)


@_post_only
@station_view
async def monitor_add(request, station: Station):
    form = MonitorForm(request.POST)
    return await _answer(request, station, "SetVariableMonitoring", lambda: services.monitors_set(
        station=station, items=(form.setting(),)), form)


@_post_only
@station_view
async def monitor_clear(request, station: Station, monitor_id: int):
    return await _answer(request, station, "ClearVariableMonitoring",
                         lambda: services.monitors_clear(station=station,
                                                         monitor_ids=(monitor_id,)))


@_post_only
@station_view
async def monitoring_level(request, station: Station):
    form = LevelForm(request.POST)
    return await _answer(request, station, "SetMonitoringLevel",
                         lambda: services.monitoring_level_set(
                             station=station, severity=form.cleaned_data["severity"]), form)


@_post_only
@station_view
async def monitoring_base(request, station: Station):
    form = BaseForm(request.POST)
    return await _answer(request, station, "SetMonitoringBase",
                         lambda: services.monitoring_base_set(
                             station=station, base=form.cleaned_data["base"]), form)


@_post_only
@station_view
async def monitoring_report(request, station: Station):
    return await _answer(request, station, "GetMonitoringReport",
                         lambda: services.monitoring_report_request(station=station))


# Events (every role) -----------------------------------------------------------------------------
def _station(request, identity: str) -> Station:
    station = Station.objects.filter(tenant=request.tenant, identity=identity).first()
    if station is None:
        raise Http404("No such station in this tenant.")
    return station


@dashboard_view(*EVERYONE)
def events_page(request, identity: str):
    """Every event of the station, latest first (sortable, searchable: cpms/listing.py); by
    component, cleared or not."""
    station = _station(request, identity)
    events = selectors.events_of(station)
    component = request.GET.get("component", "").strip()[:50]
    cleared = request.GET.get("cleared", "")
    if component:
        events = events.filter(component=component)
    if cleared in ("true", "false"):
        events = events.filter(cleared=cleared == "true")
    rows = listing(request, events, sorts=EVENT_SORTS, default="-when", search=EVENT_SEARCH)
    components = (selectors.events_of(station).order_by("component")
                  .values_list("component", flat=True).distinct())
    return render(request, "stations/events.html", {
        "station": station, "rows": rows, "components": components,
        "filters": {"component": component, "cleared": cleared}})


@dashboard_view(*EVERYONE)
def events_latest(request, identity: str):
    """The station page's latest events (loaded into it)."""
    station = _station(request, identity)
    return render(request, "stations/_station_events.html", {
        "station": station, "events": list(selectors.events_of(station)[:LATEST_EVENTS])})
