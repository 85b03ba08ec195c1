"""Invoices (list, a run for a period, PDF download), for managers and accountants. The run is
the invoice service's (idempotent): the page posts it with htmx and shows an indicator meanwhile,
so it never blocks the page."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from billing.forms import PeriodForm
from billing.invoices import selectors
from billing.invoices.pdf import invoice_pdf_render
from billing.invoices.serializers import InvoiceRunSerializer
from billing.invoices.services import invoice_run
from cpms.dashboard import page, paged, serializer_into_form
from tenants.access import MONEY_ROLES


def _invoices(request):
    return paged(request, selectors.invoices_of(request.tenant).select_related("customer"))


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
    invoice = selectors.invoices_of(request.tenant).filter(pk=pk).first()
    if invoice is None:
        raise Http404("No such invoice.")
    invoice = invoice_pdf_render(invoice_id=invoice.pk)  # stored already: served as it is
    filename = f"{invoice.number.replace('/', '-')}.pdf"
    return FileResponse(invoice.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=filename)
