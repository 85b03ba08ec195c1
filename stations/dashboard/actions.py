"""Station actions of the dashboard: each POST sends one command and shows the station's answer
(or why there is none: not connected, timeout, CALLERROR). With htmx the answer replaces the
action's answer box; without it, it comes back as a message on the station page. The commands
are the version-neutral services (stations/services/station_commands.py); the titles shown are
the 1.6 messages operators know.

These views are async: waiting for a station must not hold the one thread that runs Django's
sync views. Only installers and managers may act (accountants get 403, as the pages say)."""

import json
from functools import wraps

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from stations.commands.sending import (
    CommandFailed,
    StationAnsweredError,
    StationNotConnected,
    StationTimedOut,
)
from stations.dashboard import selectors as reads
from stations.forms import (
    AvailabilityForm,
    ConfigurationForm,
    RemoteStartForm,
    RemoteStopForm,
    ResetForm,
    TriggerForm,
    UnlockForm,
)
from stations.models import Station
from stations.security.profiles import configuration_key, is_security_key
from stations.services import station_commands as commands
from stations.services.message_log import REDACTED, SECRET_KEYS
from stations.triggers.services import NotTriggerable, trigger_check, trigger_send
from tenants.access import STATION_ROLES, dashboard_view


def station_view(view):
    """`dashboard_view(*STATION_ROLES)` that also finds the station in the current tenant (404
    otherwise) and passes it on."""

    @dashboard_view(*STATION_ROLES)
    @wraps(view)
    async def wrapped(request, identity: str, *args, **kwargs):
        station = await (Station.objects.select_related("tenant", "server_process")
                         .filter(tenant=request.tenant, identity=identity).afirst())
        if station is None:
            raise Http404("No such station in this tenant.")
        return await view(request, station, *args, **kwargs)

    return wrapped


def _failure(failure: CommandFailed) -> dict:
    kind = {StationNotConnected: "Not connected", StationTimedOut: "Timeout",
            StationAnsweredError: "CALLERROR"}.get(type(failure), "Refused")
    detail = failure.body.get("detail") or "; ".join(
        f"{field}: {' '.join(reasons)}" for field, reasons in failure.body.items())
    return {"kind": kind, "detail": detail, "code": failure.body.get("code", ""),
            "description": failure.body.get("description", "")}


def _answer(request, station: Station, action: str, *, response: dict | None = None,
            error: dict | None = None, form=None):
    context = {"action": action, "response": response, "error": error, "form": form,
               "station": station, "more": json.dumps(response) if response and set(response) - {"status"}
               else ""}
    if request.htmx:
        return render(request, "stations/_answer.html", context, status=400 if form else 200)
    text = render_to_string("stations/_answer_text.txt", context).strip()
    messages.add_message(request, messages.SUCCESS if response is not None else messages.ERROR, text)
    return redirect(reverse("station-page", args=[station.identity]))


_aanswer = sync_to_async(_answer)  # templates may read request.user: the ORM, so a sync thread


async def _call(request, station: Station, action: str, send):
    """Await `send()`: a neutral result (its raw answer is shown) or, for the trigger, a dict."""
    try:
        answer = await send()
    except CommandFailed as failure:
        return await _aanswer(request, station, action, error=_failure(failure))
    response = answer if isinstance(answer, dict) else answer.response
    return await _aanswer(request, station, action, response=response)


def _post_only(view):
    @wraps(view)
    async def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return await view(request, *args, **kwargs)

    return wrapped


@_post_only
@station_view
async def remote_start(request, station: Station):
    form = RemoteStartForm(request.POST, tenant=request.tenant)
    if not await sync_to_async(form.is_valid)():  # the tag is looked up in the database
        return await _aanswer(request, station, "RemoteStartTransaction", form=form)

    async def send():
        return await commands.session_start_remote(
            station=station, id_token=form.cleaned_data["id_tag"],
            evse_id=form.cleaned_data["connector_id"])

    return await _call(request, station, "RemoteStartTransaction", send)


@_post_only
@station_view
async def remote_stop(request, station: Station):
    running = await sync_to_async(lambda: list(
        reads.running_sessions(station).values_list("station_transaction_id", flat=True)))()
    form = RemoteStopForm(request.POST, transactions=running)
    if not form.is_valid():
        return await _aanswer(request, station, "RemoteStopTransaction", form=form)
    return await _call(request, station, "RemoteStopTransaction", lambda: commands.session_stop_remote(
        station=station, transaction_id=form.cleaned_data["transaction_id"]))


def _simple(title: str, form_class, command):
    """A view that validates `form_class` and sends `command(station, cleaned_data)`."""

    @_post_only
    @station_view
    async def view(request, station: Station):
        form = form_class(request.POST)
        if not form.is_valid():
            return await _aanswer(request, station, title, form=form)
        return await _call(request, station, title, lambda: command(station, form.cleaned_data))

    return view


reset = _simple("Reset", ResetForm, lambda station, data: commands.station_reset(
    station=station, hard=data["type"] in ("Hard", "Immediate"), evse_id=data["evse_id"]))
unlock = _simple("UnlockConnector", UnlockForm, lambda station, data: commands.connector_unlock(
    station=station, evse_id=data["connector_id"], connector_id=data["evse_connector_id"] or 1))
availability = _simple("ChangeAvailability", AvailabilityForm,
                       lambda station, data: commands.availability_change(
                           station=station, operative=data["type"] == "Operative",
                           evse_id=data["connector_id"] or None,
                           connector_id=data["evse_connector_id"]))
change_configuration = _simple("ChangeConfiguration", ConfigurationForm,
                               lambda station, data: commands.configuration_set(
                                   station=station, key=data["key"], value=data["value"]))


@_post_only
@station_view
async def trigger(request, station: Station):
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            trigger_check(ocpp_version=station.ocpp_version,
                          requested_message=form.cleaned_data["requested_message"])
        except NotTriggerable as refusal:
            form.add_error("requested_message", str(refusal))
    if not form.is_valid():
        return await _aanswer(request, station, "TriggerMessage", form=form)

    async def send():
        return await trigger_send(station=station,
                                  requested_message=form.cleaned_data["requested_message"],
                                  connector_id=form.cleaned_data["connector_id"])

    return await _call(request, station, "TriggerMessage", send)


def _shown_key(item: dict) -> dict:
    """A reported key as the page shows it: the security keys only on the security page's
    terms (never a form that sets them, never the password a station should not report)."""
    if not is_security_key(item.get("key", "")):
        return item
    shown = item | {"security": True}
    if configuration_key(item["key"]) in SECRET_KEYS:
        shown["value"] = REDACTED
    return shown


@station_view
async def configuration(request, station: Station):
    """GetConfiguration, shown as a table whose writable keys can be changed one by one."""
    context = {"station": station, "keys": None, "unknown": [], "error": None}
    try:
        report = await commands.configuration_get(station=station)
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["keys"] = sorted((_shown_key(k) for k in report.keys), key=lambda k: k["key"])
        context["unknown"] = list(report.unknown)
    template = "stations/_configuration.html" if request.htmx else "stations/configuration.html"
    return await sync_to_async(render)(request, template, context)
