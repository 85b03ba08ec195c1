"""The device model on the dashboard's station page for a 2.0.1 station (in place of 1.6's
configuration table): the stored model, searchable and narrowed to what can be written; a
button that asks for a full report (GetBaseReport); a form per writable attribute that sends
SetVariables and shows the station's verdict (docs/domain-model.md, the device model).

Async, like the other station actions (stations/dashboard/actions.py): waiting for a station
must not hold Django's one sync thread. Installers and managers only, in their own tenant."""

from asgiref.sync import sync_to_async
from django import forms
from django.shortcuts import render

from stations.commands import requests as req
from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _failure, _post_only, station_view
from stations.devicemodel import services
from stations.devicemodel.api import report_state
from stations.devicemodel.selectors import device_model_matching, device_reports_of
from stations.models import AttributeType, Station
from stations.services.device_model import SECRET_VARIABLES
from stations.services.message_log import secret_variable

REPORTS_SHOWN = 5


class VariableSetForm(forms.Form):
    component = forms.CharField(max_length=50)
    component_instance = forms.CharField(max_length=50, required=False)
    evse_id = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    connector_id = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    variable = forms.CharField(max_length=50)
    variable_instance = forms.CharField(max_length=50, required=False)
    attribute_type = forms.ChoiceField(choices=AttributeType.choices, required=False)
    value = forms.CharField(max_length=1000, required=False, strip=False)

    def clean(self):
        data = super().clean()
        if secret_variable(data.get("component", ""), data.get("variable", "")):
            raise forms.ValidationError("The station's password is changed on its security "
                                        "page, never directly.")
        if data.get("connector_id") is not None and data.get("evse_id") is None:
            raise forms.ValidationError("A connector is named within its EVSE.")
        return data

    def setting(self) -> req.VariableSetting:
        data = self.cleaned_data
        return req.VariableSetting(value=data["value"], variable=req.VariableRef(
            component=data["component"], variable=data["variable"],
            attribute_type=data.get("attribute_type") or AttributeType.ACTUAL,
            component_instance=data.get("component_instance") or "",
            variable_instance=data.get("variable_instance") or "",
            evse_id=data.get("evse_id"), connector_id=data.get("connector_id")))


def _model_context(request, station: Station) -> dict:
    search = request.GET.get("q", "").strip()[:50]
    component = request.GET.get("component", "").strip()[:50]
    writable = request.GET.get("writable") == "1"
    components = list(device_model_matching(station, search=search, component=component,
                                            writable=writable))
    reports = list(device_reports_of(station)[:REPORTS_SHOWN])
    for report in reports:
        report.state = report_state(report)
    names = sorted(set(station.components.values_list("name", flat=True)))
    return {"station": station, "components": components, "reports": reports,
            "filters": {"q": search, "component": component, "writable": writable},
            "component_names": names, "secrets": [f"{c}.{v}" for c, v in SECRET_VARIABLES]}


@station_view
async def device_model(request, station: Station):
    """The stored device model (htmx: the table only)."""
    context = await sync_to_async(_model_context)(request, station)
    template = "stations/_device_model.html" if request.htmx else "stations/device_model.html"
    return await sync_to_async(render)(request, template, context)


@_post_only
@station_view
async def device_model_refresh(request, station: Station):
    """Ask for a full report; its parts fill the model as they come."""
    context = {"station": station, "action": "GetBaseReport"}
    try:
        report = await services.report_request(station=station, report_base="FullInventory")
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["report"] = report
    return await sync_to_async(render)(request, "stations/_device_report_answer.html", context)


@_post_only
@station_view
async def device_model_set(request, station: Station):
    """SetVariables of one attribute; the answer shows the station's verdict on it."""
    form = VariableSetForm(request.POST)
    context = {"station": station, "action": "SetVariables", "form": form}
    if not form.is_valid():
        return await sync_to_async(render)(request, "stations/_variable_set_answer.html",
                                           context, status=400)
    try:
        report = await services.variables_set(station=station, items=(form.setting(),))
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["results"] = report.results
    return await sync_to_async(render)(request, "stations/_variable_set_answer.html", context)
