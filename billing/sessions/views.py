"""The sessions pages: the filtered list (costs for managers and accountants only), one
session with its cost lines and a plot of its meter values, and the list as CSV."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors
from billing.exports.csv_stream import csv_chunks, streamed_response
from billing.exports.sessions import COLUMNS, session_cell
from billing.forms import SessionFilterForm
from billing.sessions import selectors as session_selectors
from billing.sessions.selectors import SessionQuery
from cpms.dashboard import page, sees_money
from cpms.listing import listing
from stations.selectors import sessions_of, stations_with_removed_of
from stations.services.session_lifecycle import SessionNotOpen, session_close_by_operator
from tenants.access import EVERYONE, STATION_ROLES
from tenants.actors import closer_of

# The list's sorts and search (cpms/listing.py; docs/dashboard.md, "Live updates")
SORTS = {"started": "started_at", "stopped": "stopped_at", "energy": "energy",
         "station": ("station__identity", "connector_id"), "id_tag": "id_tag"}
DEFAULT_SORT = "-started"
SEARCH = ("station__identity", "id_tag")

# Left out for installers: who pays (the customer) is money as much as what is paid.
MONEY_COLUMNS = {"customer", "tariff", "internal", "currency", "cost_lines", "net", "vat", "gross",
                 "price_status"}


def _filters(request) -> tuple[SessionFilterForm, SessionQuery]:
    customers = selectors.customers_of(request.tenant) if sees_money(request) else None
    form = SessionFilterForm(request.GET or None, customers=customers,
                             stations=stations_with_removed_of(request.tenant),
                             pick_id_tags=request.role in STATION_ROLES)
    if not form.is_bound or not form.is_valid():
        return form, SessionQuery()
    data = form.cleaned_data
    customer = data.get("customer")
    return form, SessionQuery(since=data["since"], until=data["until"], station=data["station"],
                              id_tag=data["id_tag"], customer_id=customer.pk if customer else None)


def _kwh(wh: int | None) -> Decimal | None:
    return None if wh is None else Decimal(wh) / 1000


@page(*EVERYONE)
def sessions_page(request):
    """The filtered list, sortable and searchable; the first page of the default sort follows
    the live feed (static/js/sessions.js)."""
    form, query = _filters(request)
    sessions = session_selectors.sessions_filtered(request.tenant, query).annotate(
        energy=Coalesce("meter_stop", "meter_last") - F("meter_start"))
    if form.is_bound and form.errors:  # not the whole list under a filter that did not parse
        sessions = sessions.none()
    listed = listing(request, sessions, sorts=SORTS, default=DEFAULT_SORT, search=SEARCH)
    now, money = timezone.now(), sees_money(request)
    rows = [{"session": s, "energy_kwh": _kwh(s.energy_wh),
             "duration": session_selectors.session_duration(s, now),
             # A running session's price so far is quoted on its own page (live), not here: a
             # quote reads its tariff and meter values, five queries a row (bench/README.md).
             "cost": selectors.session_cost(s) if money and s.stopped_at else None}
            for s in listed.page]
    live = listed.page.number == 1 and listed.sort == DEFAULT_SORT
    return render(request, "billing/sessions.html", {
        "form": form, "listed": listed, "rows": rows, "money": money, "live": live,
        "csv_query": request.GET.urlencode()})


@page(*EVERYONE)
def sessions_csv(request):
    """The filtered list in the sessions export's columns (without the money ones for installers)."""
    form, query = _filters(request)
    if form.is_bound and form.errors:  # not the whole list for a filter that did not parse
        context = {"form": form, "rows": [], "money": sees_money(request)}
        return render(request, "billing/sessions.html", context, status=400)
    columns = COLUMNS if sees_money(request) else [c for c in COLUMNS if c not in MONEY_COLUMNS]
    rows = session_selectors.session_csv_rows(request.tenant, query)
    return streamed_response(request, csv_chunks(columns, rows, session_cell),
                             content_type="text/csv; charset=utf-8",
                             filename=f"sessions-{request.tenant.slug}.csv")


@page(*EVERYONE)
def session_page(request, pk: int):
    session = sessions_of(request.tenant).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    money = sees_money(request)
    return render(request, "billing/session.html", {
        "session": session, "money": money, "cost": selectors.session_cost(session) if money else None,
        "may_close": request.role in STATION_ROLES and session.stopped_at is None,
        "energy_kwh": _kwh(session.energy_wh),
        "duration": session_selectors.session_duration(session, timezone.now()),
        "series": session_selectors.session_series(session)})


@require_POST
@page(*STATION_ROLES)
def session_close(request, pk: int):
    """An operator closes a session its station will not stop (docs/sessions.md)."""
    session = sessions_of(request.tenant).filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    meter_stop = request.POST.get("meter_stop", "").strip()
    try:
        session_close_by_operator(tenant_id=request.tenant.pk, session_id=session.pk,
                                  by=closer_of(request),
                                  meter_stop=int(meter_stop) if meter_stop else None)
    except (SessionNotOpen, ValueError) as refused:
        messages.error(request, f"Not closed: {refused}")
    else:
        messages.success(request, "The session is closed and will be priced.")
    return redirect("session-page", pk=session.pk)
