"""The alerts pages (docs/alerts.md, "Dashboard and API"): the list with its filters and the
acknowledge button, the rules, and a station's mute. Every role sees the alerts; managers and
installers act on them; managers change the rules. Thin: reads through alerts/selectors.py,
writes through alerts/services.py, every lookup in the tenant worked in (another tenant's alert
or station is a 404).

The badge and the cards on other apps' pages (the overview, a station's page) are drawn by
alerts/templatetags/alerts.py; `badge`, `overview_card` and `station_card` serve them alone, for
static/js/alerts.js to redraw them when an alert opens or resolves."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from alerts import rules, selectors, services
from alerts.forms import AlertFilterForm, AlertRuleForm, MuteForm
from alerts.models import Alert, AlertKind, AlertState
from cpms.dashboard import page
from cpms.listing import listing
from stations import selectors as station_selectors
from stations.models import Station
from tenants.access import EVERYONE, STATION_ROLES, dashboard_view
from tenants.actors import closer_of
from tenants.models import Membership, Role


def _station(request, identity: str) -> Station:
    return get_object_or_404(station_selectors.stations_of(request.tenant), identity=identity)


def _filtered(request, filters: dict, state: str):
    station_id = None
    if filters["station"]:
        station = station_selectors.stations_of(request.tenant).filter(
            identity=filters["station"]).first()
        station_id = station.pk if station else 0  # an unknown identity matches nothing
    return selectors.alerts_of(request.tenant.pk, state=state, kind=filters["kind"] or None,
                               station_id=station_id).select_related("station")


SORTS = {"opened": "opened_at", "seen": "last_seen_at", "severity": "severity", "kind": "kind",
         "station": "station__identity", "occurrences": "occurrences", "resolved": "resolved_at"}
SEARCH = ("title", "station__identity")
RESOLVED_SHOWN = 10  # beside the open ones; all of them (a list of their own) with state=resolved


@page(*EVERYONE)
def alerts_page(request):
    """The open alerts as a list (paginated, sortable, searchable: a storm opens thousands), and
    the latest resolved ones; with the state filter "resolved", those are the list."""
    form = AlertFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"state": "", "kind": "", "station": ""}
    listed_state = AlertState.RESOLVED if filters["state"] == AlertState.RESOLVED else AlertState.OPEN
    rows = listing(request, _filtered(request, filters, listed_state), sorts=SORTS, search=SEARCH,
                   default="-resolved" if listed_state == AlertState.RESOLVED else "-opened")
    resolved = _filtered(request, filters, AlertState.RESOLVED).order_by("-resolved_at", "-pk")
    latest_resolved = list(resolved[:RESOLVED_SHOWN]) if not filters["state"] else []
    return render(request, "alerts/alerts.html", {
        "form": form, "rows": rows, "show_open": listed_state == AlertState.OPEN,
        "latest_resolved": latest_resolved,
        "resolved_rows": latest_resolved if listed_state == AlertState.OPEN else rows.page,
        "can_act": request.role in STATION_ROLES})


@require_POST
@page(*STATION_ROLES)
def alert_acknowledge(request, alert_id: int):
    try:
        alert = services.alert_acknowledge(tenant_id=request.tenant.pk, alert_id=alert_id,
                                           by=closer_of(request))
    except Alert.DoesNotExist:
        raise Http404("No such alert in this tenant.") from None
    if request.htmx:
        return render(request, "alerts/_acknowledged.html", {
            "alert": alert, "can_act": True, "open_count": selectors.open_alert_count(request.tenant.pk)})
    messages.success(request, f"Alert “{alert.title}” acknowledged.")
    return redirect(_back(request, "alerts-page"))


def _back(request, default: str) -> str:
    """Where the action came from, when that is this site's page; else `default`."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def _members(tenant_id: int) -> list[tuple[int, str]]:
    return [(m.user_id, f"{m.user.get_username()} ({m.get_role_display()})")
            for m in Membership.objects.filter(tenant_id=tenant_id).select_related("user")
            .order_by("user__username")]


def _rule_form(tenant_id: int, rule, data=None, members=None) -> AlertRuleForm:
    default = rules.DEFAULTS[rule.kind]
    initial = {"enabled": rule.enabled, "threshold": rule.threshold, "severity": rule.severity,
               "email": rule.email, "notify_roles": list(rule.notify_roles),
               "notify_user_ids": list(rule.notify_user_ids)}
    return AlertRuleForm(data, initial=initial, prefix=rule.kind, title=AlertKind(rule.kind).label,
                         members=members if members is not None else _members(tenant_id),
                         has_threshold=default.threshold is not None)


def _rules_page(request, bound: AlertRuleForm | None = None, status: int = 200):
    tenant_id = request.tenant.pk
    members = _members(tenant_id)
    rows = []
    for rule in rules.rules_of(tenant_id):
        form = bound if bound is not None and bound.prefix == rule.kind else _rule_form(
            tenant_id, rule, members=members)
        rows.append({"rule": rule, "label": AlertKind(rule.kind).label, "form": form,
                     "default": rules.DEFAULTS[rule.kind]})
    return render(request, "alerts/rules.html", {
        "rows": rows, "can_edit": request.role == Role.MANAGER}, status=status)


@page(*EVERYONE)
def alert_rules_page(request):
    return _rules_page(request)


@require_POST
@page(Role.MANAGER)
def alert_rule_edit(request, kind: str):
    if kind not in AlertKind.values:
        raise Http404("No such kind of alert.")
    rule = next(r for r in rules.rules_of(request.tenant.pk) if r.kind == kind)
    form = _rule_form(request.tenant.pk, rule, data=request.POST)
    if form.is_valid():
        try:
            services.alert_rule_update(tenant_id=request.tenant.pk, kind=kind, **form.cleaned_data)
        except ValueError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Rule “{AlertKind(kind).label}” saved.")
            return redirect("alert-rules-page")
    return _rules_page(request, bound=form, status=400)


def _station_card(request, station: Station, form: MuteForm | None = None):
    return render(request, "alerts/_station_alerts.html", {"station": station, "mute_form": form})


@require_POST
@dashboard_view(*STATION_ROLES)
def station_mute(request, identity: str):
    station = _station(request, identity)
    form = MuteForm(request.POST)
    if form.is_valid():
        try:
            services.station_mute(tenant_id=request.tenant.pk, station_id=station.pk,
                                  by=closer_of(request), **form.cleaned_data)
        except ValueError as refused:  # e.g. the until passed while the form was sent
            form.add_error("until", str(refused))
    if form.errors and not request.htmx:
        for errors in form.errors.values():
            messages.error(request, f"Not muted: {' '.join(errors)}")
    if request.htmx:  # the card again, with the form's errors if any
        return _station_card(request, station, form if form.errors else None)
    if not form.errors:
        messages.success(request, f"Alerts of {station.identity} muted.")
    return redirect("station-page", station.identity)


@require_POST
@dashboard_view(*STATION_ROLES)
def station_unmute(request, identity: str):
    station = _station(request, identity)
    services.station_unmute(tenant_id=request.tenant.pk, station_id=station.pk)
    if request.htmx:
        return _station_card(request, station)
    messages.success(request, f"Alerts of {station.identity} unmuted.")
    return redirect("station-page", station.identity)


@require_safe
@dashboard_view(*EVERYONE)
def badge(request):
    return render(request, "alerts/_badge_link.html",
                  {"count": selectors.open_alert_count(request.tenant.pk)})


@require_safe
@dashboard_view(*EVERYONE)
def overview_card(request):
    return render(request, "alerts/_overview_alerts.html")


@require_safe
@dashboard_view(*EVERYONE)
def station_card(request, identity: str):
    return _station_card(request, _station(request, identity))
