"""Invoices and credit notes (docs/invoicing.md). Rows are written once, at issue, and never changed
(only the rendered PDF, the payment status and the e-mail record are set later: none of them is a
detail the invoice states)."""

from django.db import models

from billing.models.customer import Customer
from billing.models.session_price import MONEY
from stations.models import ChargingSession
from tenants.models import Tenant


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceSequence(models.Model):
    """The last number issued in a tenant's series of a year: locked (SELECT ... FOR UPDATE) by
    the transaction that issues the next one, so numbers are gap-free and never repeat."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="invoice_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.tenant} {self.year}: {self.last}"


def _pdf_path(invoice: "Invoice", filename: str) -> str:
    return f"invoices/{invoice.tenant_id}/{filename}"


class Invoice(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credits = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="credit_notes",
                                help_text="A credit note: the invoice it corrects")
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="replaced_by",
                                 help_text="A replacement invoice: the credited invoice it replaces "
                                           "(docs/billing-corrections.md)")
    reason = models.CharField(max_length=300, blank=True,
                              help_text="A credit note: why it was issued (printed on it)")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    buyer_name = models.CharField(max_length=200)
    buyer_address = models.TextField(blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_vat_id = models.CharField(max_length=30, blank=True)
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField(blank=True)
    seller_email = models.EmailField(blank=True)
    seller_vat_id = models.CharField(max_length=30, blank=True)
    issued_at = models.DateTimeField()
    period_start = models.DateField(help_text="First day of supply (the tenant's time zone)")
    period_end = models.DateField(help_text="Last day of supply, included")
    currency = models.CharField(max_length=3)
    net = models.DecimalField(**MONEY)
    vat = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)
    vat_breakdown = models.JSONField(default=list, help_text='[{"rate", "net", "vat", "gross"}], strings')
    pdf = models.FileField(upload_to=_pdf_path, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True,
                                   help_text="When the customer paid; blank: unpaid (docs/invoicing.md)")
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="Last sent to the customer")
    emailed_to = models.EmailField(blank=True, help_text="The address it was last sent to")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="invoice_number_per_tenant"),
            models.UniqueConstraint(fields=["credits"], condition=models.Q(credits__isnull=False),
                                    name="one_credit_note_per_invoice"),
            models.UniqueConstraint(fields=["replaces"], condition=models.Q(replaces__isnull=False),
                                    name="one_replacement_per_invoice"),
        ]
        indexes = [models.Index(fields=["tenant", "period_start", "period_end"]),
                   models.Index(fields=["tenant", "issued_at"])]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One supply: a charging session, or on a credit note the invoice line it reverses. A session
    is on at most one invoice that has not been credited (the services keep this under the
    invoice's row lock): its first invoice, then, if corrected, each replacement in turn
    (docs/billing-corrections.md)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    session = models.ForeignKey(ChargingSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="invoice_lines")
    credited_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="credited_by")
    description = models.CharField(max_length=300)
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, help_text="kWh")
    unit = models.CharField(max_length=10, default="kWh")
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True,
                                     help_text="Net per kWh, when energy is the only component")
    components = models.JSONField(default=list, help_text="The session's cost lines")
    net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                   help_text="Percent; blank: several rates (see vat_by_rate)")
    vat = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)
    vat_by_rate = models.JSONField(default=dict,
                                   help_text='{"19": ["net", "vat"]}, as the session was priced')

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")]

    def __str__(self) -> str:
        return self.description
