"""E-mailing an invoice to its customer (docs/invoicing.md): the request queues a task after its
commit (a slow mail server never holds a page), the task renders the PDF if needed, sends it
attached and records when and to whom. Apart from services.py so that the PDF task's module keeps
importing only the rendering (tests/fast/billing/test_layout.py)."""

from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from billing.invoices import selectors
from billing.invoices.pdf import invoice_pdf_render
from billing.models import Invoice, InvoiceKind
from billing.pricing import currency_exponent


class InvoiceNotEmailable(Exception):
    """The invoice cannot be e-mailed: its customer has no e-mail address."""


def invoice_email_queue(*, invoice: Invoice) -> str:
    """Queue the e-mail of the invoice (its PDF attached) to its customer's current address,
    after the commit; returns the address. InvoiceNotEmailable without one."""
    address = (invoice.customer.email or "").strip()
    if not address:
        raise InvoiceNotEmailable(f"Customer {invoice.customer.name} has no e-mail address: "
                                  "add one on the customer's page first.")
    email_invoice_task.delay_on_commit(invoice.pk, address)
    return address


def invoice_email_send(*, invoice_id: int, address: str) -> Invoice:
    """Send the invoice's PDF to `address` and record when and where (the task's work)."""
    invoice = invoice_pdf_render(invoice_id=invoice_id)
    seller = selectors.seller_of(invoice.tenant)
    title = "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
    message = EmailMessage(
        subject=f"{title} {invoice.number} from {seller.name}",
        body=(f"Hello,\n\nplease find attached {title.lower()} {invoice.number} "
              f"({_amount(invoice.gross, invoice.currency)} {invoice.currency}).\n\n{seller.name}\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
        reply_to=[seller.email] if seller.email else None)
    with invoice.pdf.open("rb") as document:
        message.attach(f"{invoice.number.replace('/', '-')}.pdf", document.read(), "application/pdf")
    message.send()
    Invoice.objects.filter(pk=invoice.pk).update(emailed_at=timezone.now(), emailed_to=address)
    return invoice


def _amount(value: Decimal, currency: str) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-currency_exponent(currency)))


@shared_task(name="billing.invoices.email.email_invoice_task")
def email_invoice_task(invoice_id: int, address: str) -> str:
    """E-mail the invoice's PDF to `address` (queued after the commit of the request that asked)."""
    return invoice_email_send(invoice_id=invoice_id, address=address).number
