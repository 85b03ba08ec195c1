"""The export page (managers): the whole tenant as one archive, and the meter values CSV
(docs/portability.md). Both are streamed: the browser starts receiving at once, the server holds
only a chunk."""

from django.shortcuts import render

from billing.exports.csv_stream import csv_chunks, streamed_response
from billing.exports.filters import form_filters
from cpms.dashboard import page
from portability.export import archive_name, export_archive
from portability.forms import MeterValuesForm
from portability.meter_values import COLUMNS, meter_value_cell, meter_value_rows
from portability.tables import LEFT_OUT, TABLES
from tenants.access import EVERYONE
from tenants.models import Role


def _page(request, form, status: int = 200):
    return render(request, "portability/export.html", {
        "form": form, "tables": TABLES, "left_out": sorted(LEFT_OUT.items())}, status=status)


@page(Role.MANAGER)
def portability_page(request):
    return _page(request, MeterValuesForm())


@page(Role.MANAGER)
def archive_download(request):
    tenant = request.tenant
    return streamed_response(request, export_archive(tenant=tenant), content_type="application/zip",
                             filename=archive_name(tenant))


@page(*EVERYONE)
def meter_values_csv(request):
    """Meter values are station data, not money: every role may read them (as the API)."""
    form = MeterValuesForm(request.GET)
    filters = form_filters(form, request.tenant, request.GET) if form.is_valid() else None
    if filters is None:
        return _page(request, form, status=400)
    return streamed_response(request, csv_chunks(COLUMNS, meter_value_rows(filters), meter_value_cell),
                             content_type="text/csv; charset=utf-8",
                             filename=f"meter-values-{request.tenant.slug}.csv")
