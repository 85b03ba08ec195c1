"""The exports page, for managers and accountants: the three exports of the API (sessions,
energy, revenue) with the same filters, as CSV downloads, streamed."""

from django.http import Http404
from django.shortcuts import render

from billing.exports import energy, revenue, sessions
from billing.exports.csv_stream import csv_chunks, streamed_response
from billing.exports.filters import form_filters
from billing.forms import ExportForm
from cpms.dashboard import page
from stations.selectors import stations_of
from tenants.access import MONEY_ROLES

EXPORTS = {  # name: (columns and rows of the filters and the energy period, cell formatter)
    "sessions": (lambda filters, _: (sessions.COLUMNS, sessions.session_rows(filters)),
                 sessions.session_cell),
    "energy": (lambda filters, period: (energy.energy_columns(period),
                                        energy.energy_rows(filters, period=period)),
               energy.energy_cell),
    "revenue": (lambda filters, _: (revenue.COLUMNS, revenue.revenue_rows(filters)),
                revenue.revenue_cell),
}


def _stations(request) -> list[str]:
    return list(stations_of(request.tenant).values_list("identity", flat=True))


@page(*MONEY_ROLES)
def exports_page(request):
    return render(request, "billing/exports.html", {"form": ExportForm(stations=_stations(request)),
                                                    "exports": list(EXPORTS)})


@page(*MONEY_ROLES)
def export_csv(request, name: str):
    """One of the three exports (as the API's), as a CSV download, streamed."""
    if name not in EXPORTS:
        raise Http404("No such export.")
    form = ExportForm(request.GET, stations=_stations(request))
    period = energy.MONTH if request.GET.get("period") == energy.MONTH else energy.DAY
    filters = form_filters(form, request.tenant, request.GET) if form.is_valid() else None
    if filters is None:
        return render(request, "billing/exports.html", {"form": form, "exports": list(EXPORTS)}, status=400)
    rows_of, cell = EXPORTS[name]
    columns, rows = rows_of(filters, period)
    return streamed_response(request, csv_chunks(columns, rows, cell), content_type="text/csv; charset=utf-8",
                             filename=f"{name}-{request.tenant.slug}.csv")
