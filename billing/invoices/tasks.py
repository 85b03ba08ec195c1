"""The invoice PDF's task. It lives beside the invoice services, not in billing/tasks.py, because
those services queue it after the commit that issued an invoice, and billing/tasks.py imports the
services: one direction, no circle. Its name is the one it had in billing/tasks.py, so tasks
queued before the move still find it."""

from celery import shared_task

from billing.invoices.pdf import invoice_pdf_render


@shared_task(name="billing.tasks.render_invoice_pdf_task")
def render_invoice_pdf_task(invoice_id: int) -> str:
    """Render an issued invoice's PDF (queued after the commit that issued it). A stored PDF is
    kept as it is, so a redelivery is harmless."""
    return invoice_pdf_render(invoice_id=invoice_id).pdf.name

