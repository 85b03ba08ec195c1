"""Invoices (list, a run for a period, PDF download) and the exports page, for managers and
accountants. The run is the invoice service's (idempotent): the page posts it with htmx and
shows an indicator meanwhile, so it never blocks the page."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from rest_framework.exceptions import ValidationError

from billing import selectors_invoices
from billing.dashboard import page, paged, serializer_into_form
from billing.exports import energy, revenue, sessions
from billing.exports.csv_stream import csv_chunks, streamed_response
from billing.exports.filters import export_filters
from billing.forms import ExportForm, PeriodForm
from billing.serializers_invoices import InvoiceRunSerializer
from billing.services.invoice_pdf import invoice_pdf_render
from billing.services.invoices import invoice_run
from stations.selectors import stations_of
from tenants.access import MONEY_ROLES


def _invoices(request):
    return paged(request, selectors_invoices.invoices_of(request.tenant).select_related("customer"))


@page(*MONEY_ROLES)
def invoices_page(request):
    return render(request, "billing/invoices.html", {"page": _invoices(request), "form": PeriodForm()})


@page(*MONEY_ROLES)
def invoices_run(request):
    """POST: issue the invoices of a period (what is issued already stays as it is)."""
    if request.method != "POST":
        return redirect("invoices-page")
    form = PeriodForm(request.POST)
    done = None
    if form.is_valid():
        serializer = InvoiceRunSerializer(data={name: value.isoformat() for name, value in
                                                form.cleaned_data.items()})
        if serializer_into_form(form, serializer):
            done = invoice_run(tenant=request.tenant, **serializer.validated_data)
    if request.headers.get("HX-Request"):
        return render(request, "billing/_invoice_run.html", {"form": form, "done": done,
                                                             "page": _invoices(request)})
    if done is None:
        return render(request, "billing/invoices.html", {"page": _invoices(request), "form": form},
                      status=400)
    messages.success(request, f"{len(done.issued)} invoice(s) issued; {len(done.invoices)} in the period.")
    return redirect("invoices-page")


@page(*MONEY_ROLES)
def invoice_pdf(request, pk: int):
    invoice = selectors_invoices.invoices_of(request.tenant).filter(pk=pk).first()
    if invoice is None:
        raise Http404("No such invoice.")
    invoice = invoice_pdf_render(invoice_id=invoice.pk)  # stored already: served as it is
    filename = f"{invoice.number.replace('/', '-')}.pdf"
    return FileResponse(invoice.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=filename)


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
    if not form.is_valid():
        return render(request, "billing/exports.html", {"form": form, "exports": list(EXPORTS)}, status=400)
    try:
        filters = export_filters(request.tenant, request.GET)
    except ValidationError as error:
        for field, reasons in error.detail.items():
            for reason in reasons:
                form.add_error(field if field in form.fields else None, str(reason))
        return render(request, "billing/exports.html", {"form": form, "exports": list(EXPORTS)}, status=400)
    rows_of, cell = EXPORTS[name]
    columns, rows = rows_of(filters, period)
    return streamed_response(request, csv_chunks(columns, rows, cell), content_type="text/csv; charset=utf-8",
                             filename=f"{name}-{request.tenant.slug}.csv")
