"""Invoices (list, a run for a period, PDF, paid/unpaid, e-mail, credit notes, a ZIP of PDFs) and
the seller's details, for managers and accountants (docs/invoicing.md). The run is the invoice
service's (idempotent): the page posts it with htmx and shows an indicator meanwhile. Writes go
through the API's serializers and services, so the rules are one."""

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.forms import PeriodForm
from billing.invoices import selectors
from billing.invoices.bulk import ZIP_AT_MOST, invoices_zip
from billing.invoices.email import InvoiceNotEmailable, invoice_email_queue
from billing.invoices.forms import CreditNoteForm, InvoiceFilterForm, SellerForm
from billing.invoices.pdf import invoice_pdf_render
from billing.invoices.serializers import InvoiceRunSerializer, SellerSerializer
from billing.invoices.services import (
    InvoiceNotCreditable,
    SellerIncomplete,
    invoice_credit,
    invoice_paid_set,
    invoice_reissue,
    invoice_run,
    seller_update,
)
from billing.models import InvoiceKind
from cpms.dashboard import page, serializer_into_form
from cpms.listing import listing
from tenants.access import MONEY_ROLES

SORTS = {"number": "number", "issued": ("issued_at", "id"), "customer": ("buyer_name", "id"),
         "gross": ("gross", "id"), "status": ("paid_at", "id")}


def _filtered(request):
    """The tenant's invoices narrowed by `?status=` (the list, and the ZIP of "all listed")."""
    invoices = selectors.invoices_of(request.tenant).select_related("customer")
    status = InvoiceFilterForm(request.GET).data.get("status", "")
    kinds = {"paid": Q(kind=InvoiceKind.INVOICE, paid_at__isnull=False),
             "unpaid": Q(kind=InvoiceKind.INVOICE, paid_at__isnull=True),
             "credit_note": Q(kind=InvoiceKind.CREDIT_NOTE)}
    return invoices.filter(kinds[status]) if status in kinds else invoices


def _rows(request):
    return listing(request, _filtered(request).prefetch_related("credit_notes"), sorts=SORTS,
                   default="-issued", search=("number", "buyer_name"))


def _context(request, **more) -> dict:
    seller = selectors.seller_of(request.tenant)
    return {"rows": _rows(request), "form": PeriodForm(), "filter": InvoiceFilterForm(request.GET),
            "missing": seller.missing_for_invoices(), "zip_at_most": ZIP_AT_MOST} | more


@page(*MONEY_ROLES)
def invoices_page(request):
    return render(request, "billing/invoices.html", _context(request))


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
            try:
                done = invoice_run(tenant=request.tenant, **serializer.validated_data)
            except SellerIncomplete as error:
                form.add_error(None, str(error))
    if request.headers.get("HX-Request"):
        return render(request, "billing/_invoice_run.html", {"form": form, "done": done,
                                                             "rows": _rows(request)})
    if done is None:
        return render(request, "billing/invoices.html", _context(request, form=form), status=400)
    messages.success(request, f"{len(done.issued)} invoice(s) issued; {len(done.invoices)} in the period.")
    return redirect("invoices-page")


def _invoice(request, pk: int):
    return get_object_or_404(selectors.invoices_of(request.tenant).select_related("customer"), pk=pk)


@page(*MONEY_ROLES)
def invoice_pdf(request, pk: int):
    invoice = selectors.invoices_of(request.tenant).filter(pk=pk).first()
    if invoice is None:
        raise Http404("No such invoice.")
    invoice = invoice_pdf_render(invoice_id=invoice.pk)  # stored already: served as it is
    filename = f"{invoice.number.replace('/', '-')}.pdf"
    return FileResponse(invoice.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=filename)


@require_POST
@page(*MONEY_ROLES)
def invoice_paid(request, pk: int, paid: bool):
    invoice = invoice_paid_set(invoice=_invoice(request, pk), paid_at=timezone.now() if paid else None)
    messages.success(request, f"{invoice.number} marked {'paid' if paid else 'unpaid'}.")
    return redirect(request.POST.get("next") or "invoices-page")


@require_POST
@page(*MONEY_ROLES)
def invoice_email(request, pk: int):
    invoice = _invoice(request, pk)
    try:
        address = invoice_email_queue(invoice=invoice)
    except InvoiceNotEmailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{invoice.number} is being sent to {address}.")
    return redirect(request.POST.get("next") or "invoices-page")


@page(*MONEY_ROLES)
def invoice_credit_note(request, pk: int):
    """A credit note of the invoice with a reason; optionally its corrected re-issue."""
    invoice = _invoice(request, pk)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason, reissue = form.cleaned_data["reason"], form.cleaned_data["reissue"]
        try:
            done = (invoice_reissue(invoice=invoice, reason=reason) if reissue
                    else invoice_credit(invoice=invoice, reason=reason))
        except (InvoiceNotCreditable, SellerIncomplete) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{invoice.number} credited" + (f"; replaced by {done.number}."
                                                                      if reissue else f" by {done.number}."))
            return redirect("invoices-page")
    return render(request, "billing/credit_note_form.html", {"form": form, "invoice": invoice},
                  status=400 if form.is_bound and form.errors else 200)


@page(*MONEY_ROLES)
def invoices_download(request):
    """A ZIP of the PDFs of the ticked invoices (`?ids=`), else of every one listed (the search
    and status filter), streamed; PDFs not rendered yet are rendered on the way."""
    invoices = _filtered(request)
    ids = [int(value) for value in request.GET.getlist("ids") if value.isdigit()]
    if request.GET.get("selected") and not ids:
        messages.error(request, "Tick the invoices to download first (or download all listed).")
        return redirect("invoices-page")
    if ids:
        invoices = invoices.filter(pk__in=ids)
    elif request.GET.get("q"):
        text = request.GET["q"].strip()[:100]
        invoices = invoices.filter(Q(number__icontains=text) | Q(buyer_name__icontains=text))
    chosen = list(invoices.order_by("number").values_list("pk", "number")[:ZIP_AT_MOST])
    response = StreamingHttpResponse(invoices_zip(chosen), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="invoices-{stamp}.zip"'
    return response


@page(*MONEY_ROLES)
def seller_page(request):
    """The seller's details printed on every invoice; invoices need legal name, address, VAT id."""
    seller = selectors.seller_of(request.tenant)
    initial = {name: getattr(seller, name) for name in SellerForm.base_fields if name != "logo"}
    form = SellerForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        serializer = SellerSerializer(seller, data=form.api_data(), partial=True)
        if serializer_into_form(form, serializer):
            seller = seller_update(tenant=request.tenant, **serializer.validated_data)
            messages.success(request, "Seller details saved."
                             + ("" if not seller.missing_for_invoices() else
                                f" Invoices still need: {', '.join(seller.missing_for_invoices())}."))
            return redirect("seller-page")
    return render(request, "billing/seller.html", {"form": form, "seller": seller,
                                                   "missing": seller.missing_for_invoices()},
                  status=400 if form.is_bound and form.errors else 200)
