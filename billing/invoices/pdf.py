"""An invoice as a PDF: the Django template billing/invoice.html rendered by WeasyPrint, stored
with the invoice. Rendering is repeatable (the same invoice gives the same document), so a
second render (a redelivered task, a download racing the task) only replaces the file."""

import logging
from base64 import b64encode
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from billing.invoices import selectors
from billing.models import Invoice, InvoiceKind
from billing.models.seller import LOGO_FORMATS, LOGO_MAX_BYTES, logo_format
from billing.pricing import currency_exponent
from billing.templatetags.money import quantity_text

log = logging.getLogger(__name__)
COMPONENTS = {"ENERGY": "Energy", "TIME": "Charging time", "PARKING_TIME": "Parking", "FLAT": "Session fee",
              "MIN_PRICE": "Minimum price", "MAX_PRICE": "Price cap"}


def invoice_pdf_render(*, invoice_id: int, force: bool = False) -> Invoice:
    """Render and store the invoice's PDF (unless stored already and not `force`)."""
    invoice = selectors.invoice_with_lines(invoice_id)
    if invoice.pdf and invoice.pdf_rendered_at and not force and invoice.pdf.storage.exists(invoice.pdf.name):
        return invoice
    document = invoice_pdf_bytes(invoice)
    name = f"{invoice.number.replace('/', '-')}.pdf"
    storage = invoice.pdf.storage
    path = invoice.pdf.field.generate_filename(invoice, name)
    if storage.exists(path):
        storage.delete(path)
    stored = storage.save(path, ContentFile(document))
    rendered_at = timezone.now()
    Invoice.objects.filter(pk=invoice.pk).update(pdf=stored, pdf_rendered_at=rendered_at)
    invoice.pdf.name, invoice.pdf_rendered_at = stored, rendered_at
    return invoice


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    from weasyprint import HTML  # imported when used: it loads Pango and fonts

    html = render_to_string("billing/invoice.html", invoice_document(invoice))
    return HTML(string=html, url_fetcher=invoice_url_fetcher()).write_pdf()


def invoice_url_fetcher():
    """WeasyPrint's URL fetcher for invoices: it fetches only the logo this module inlined as a
    `data:` URL of checked PNG or JPEG bytes. Anything else an invoice could name (http:, file:,
    another tenant's logo, a stylesheet's url()) is refused, so rendering a PDF never makes the
    server request a URL or read a file."""
    from weasyprint.urls import URLFetcher

    class OwnDataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(tuple(f"data:{mime};base64," for mime in LOGO_FORMATS.values())):
                log.warning("An invoice asked for %.100s: refused", url)
                raise ValueError("Invoices fetch no URLs.")
            return super().fetch(url, headers)

    return OwnDataOnly(allowed_protocols=("data",), allow_redirects=False)


def _logo_data_url(seller) -> str | None:
    """The seller's logo, read from storage, as a data: URL; None without a PNG or JPEG logo (an
    SVG stored before logos became raster-only is left out)."""
    if not seller.logo:
        return None
    try:
        with seller.logo.open("rb") as file:
            mime = logo_format(file)
            data = file.read(LOGO_MAX_BYTES + 1)
    except OSError:
        log.warning("The logo of tenant %s cannot be read", seller.tenant_id)
        return None
    if mime is None or len(data) > LOGO_MAX_BYTES:
        log.warning("The logo of tenant %s is not a PNG or JPEG image: left out", seller.tenant_id)
        return None
    return f"data:{mime};base64,{b64encode(data).decode('ascii')}"


def invoice_document(invoice: Invoice) -> dict:
    """What the template shows, every amount already formatted in the currency's minor unit."""
    money = _money(invoice.currency)
    zone = ZoneInfo(invoice.tenant.timezone or "UTC")
    seller = selectors.seller_of(invoice.tenant)
    logo = _logo_data_url(seller)
    lines = []
    for line in invoice.lines.all():
        lines.append({
            "position": line.position, "description": line.description, "quantity": f"{line.quantity}",
            "unit": line.unit, "unit_price": None if line.unit_price is None else _price(line.unit_price),
            "net": money(line.net), "vat_rate": "mixed" if line.vat_rate is None else _rate(line.vat_rate),
            "components": [{"name": COMPONENTS.get(c.get("component"), c.get("component")),
                            "quantity": quantity_text(c.get("quantity"), c.get("unit", "")),
                            "per": c.get("unit") if c.get("unit") in ("h", "kWh") else "",
                            "unit_price": _price(Decimal(c.get("unit_price", "0"))),
                            "net": money(Decimal(c.get("net", "0"))) if invoice.kind == InvoiceKind.INVOICE
                            else money(Decimal(0) - Decimal(c.get("net", "0")))}
                           for c in line.components] if len(line.components) > 1 or line.unit_price is None
            else []})
    return {
        "invoice": invoice, "credit_note": invoice.kind == InvoiceKind.CREDIT_NOTE,
        "title": "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Invoice",
        "tenant_name": invoice.tenant.name, "logo": logo,
        "issued_on": invoice.issued_at.astimezone(zone).date().isoformat(),
        "period": f"{invoice.period_start.isoformat()} – {invoice.period_end.isoformat()}",
        "lines": lines,
        "breakdown": [{"rate": row["rate"]} | {k: money(Decimal(row[k])) for k in ("net", "vat", "gross")}
                      for row in invoice.vat_breakdown],
        "net": money(invoice.net), "vat": money(invoice.vat), "gross": money(invoice.gross),
        "currency": invoice.currency,
    }


def _money(currency: str):
    unit = Decimal(1).scaleb(-currency_exponent(currency))
    return lambda amount: f"{Decimal(amount).quantize(unit):,}"


def _price(value: Decimal) -> str:
    """A unit price with at least two decimals and no trailing zeros beyond them: 0.30, 0.2875."""
    value = value.normalize()
    return f"{value.quantize(Decimal('0.01')) if value.as_tuple().exponent > -2 else value}"


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f} %"
