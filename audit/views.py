"""The audit log's dashboard page (managers only): the tenant's entries, newest first, with the
API's filters, and the same filters' CSV and JSON exports (docs/audit.md). Times show in the
tenant's zone (`cpms.dashboard.page`); the exports stay in UTC, as the API's."""

from django.shortcuts import render

from audit import exports, selectors
from audit.forms import AuditPageFilter
from billing.exports.csv_stream import csv_chunks, json_chunks, streamed_response
from cpms.dashboard import page, query_without_page
from cpms.listing import listing
from tenants.models import Role

# The filter set's `q` is the search (object name, path): the list sorts and pages only, and
# keeps `q` and every filter in its links (cpms/listing.py).
SORTS = {"when": "at", "who": "actor", "via": "via", "action": "action",
         "object": ("object_type", "object_id"), "station": "station_identity", "result": "result"}


def _filtered(request) -> AuditPageFilter:
    return AuditPageFilter(request.GET, queryset=selectors.audit_entries(tenant=request.tenant))


@page(Role.MANAGER)
def audit_page(request):
    filters = _filtered(request)
    valid = filters.is_valid()
    entries = filters.qs if valid else selectors.audit_entries(tenant=request.tenant).none()
    rows = listing(request, entries, sorts=SORTS, default="-when")
    return render(request, "audit/log.html", {
        "form": filters.form, "rows": rows, "query": query_without_page(request),
    }, status=200 if valid else 400)


@page(Role.MANAGER)
def audit_export(request, fmt: str):
    filters = _filtered(request)
    if not filters.is_valid():  # not the whole log for a filter that did not parse
        return render(request, "audit/log.html", {"form": filters.form, "rows": None}, status=400)
    rows = exports.entry_rows(filters.qs)
    filename = f"audit-{request.tenant.slug}.{fmt}"
    if fmt == "json":
        return streamed_response(request, json_chunks(exports.COLUMNS, rows),
                                 content_type="application/json", filename=filename)
    return streamed_response(request, csv_chunks(exports.COLUMNS, rows, exports.entry_cell),
                             content_type="text/csv; charset=utf-8", filename=filename)
