"""Invoices, credit notes and the seller's details as the API shows them (amounts are strings in
the currency's minor unit; credit notes' are negative)."""

from datetime import date
from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import Invoice, InvoiceLine, Seller
from billing.pricing import currency_exponent
from billing.pricing.money import decimal_text
from billing.serializers import CostLineSerializer


def _money(amount: Decimal, currency: str) -> str:
    return str(Decimal(amount).quantize(Decimal(1).scaleb(-currency_exponent(currency))))


class SellerSerializer(serializers.ModelSerializer):
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                       help_text="Blank: the tenant's name (but invoices need it set)")
    ready_for_invoices = serializers.SerializerMethodField(
        help_text="Legal name, address and VAT id are set: invoices may be issued")
    missing_for_invoices = serializers.SerializerMethodField(help_text="What is still missing for that")

    def get_ready_for_invoices(self, seller) -> bool:
        return not seller.missing_for_invoices()

    def get_missing_for_invoices(self, seller) -> list[str]:
        return seller.missing_for_invoices()

    class Meta:
        model = Seller
        fields = ["legal_name", "address", "vat_id", "email", "logo", "invoice_prefix", "default_vat_rate",
                  "ready_for_invoices", "missing_for_invoices", "updated_at"]
        read_only_fields = ["updated_at"]

    def to_representation(self, seller):
        return super().to_representation(seller) | {"legal_name": seller.name}


class VatRowSerializer(serializers.Serializer):
    rate = serializers.CharField(help_text="Percent")
    net = serializers.CharField()
    vat = serializers.CharField()
    gross = serializers.CharField()


class InvoiceLineSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", allow_null=True,
                                       help_text="The session (invoice lines); blank on a credit note")
    credited_line = serializers.IntegerField(source="credited_line_id", allow_null=True)
    quantity = serializers.SerializerMethodField(help_text="kWh")
    unit_price = serializers.SerializerMethodField(help_text="Net per kWh when energy is the only component")
    net = serializers.SerializerMethodField()
    vat_rate = serializers.SerializerMethodField(help_text="Percent; null: several rates")
    vat = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()
    components = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceLine
        fields = ["position", "session", "credited_line", "description", "started_at", "stopped_at",
                  "quantity", "unit", "unit_price", "components", "net", "vat_rate", "vat", "gross"]

    def _currency(self) -> str:
        return self.context["currency"]

    def get_quantity(self, line) -> str:
        return str(line.quantity)

    def get_unit_price(self, line) -> str | None:
        return None if line.unit_price is None else decimal_text(line.unit_price, 2)

    def get_net(self, line) -> str:
        return _money(line.net, self._currency())

    def get_vat_rate(self, line) -> str | None:
        return None if line.vat_rate is None else decimal_text(line.vat_rate)

    def get_vat(self, line) -> str:
        return _money(line.vat, self._currency())

    def get_gross(self, line) -> str:
        return _money(line.gross, self._currency())

    @extend_schema_field(CostLineSerializer(many=True))
    def get_components(self, line) -> list[dict]:
        return line.components


class InvoiceSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id")
    credits = serializers.IntegerField(source="credits_id", allow_null=True,
                                       help_text="A credit note: the invoice it corrects")
    credited_by = serializers.SerializerMethodField(help_text="The credit note of this invoice, if any")
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True,
                                        help_text="A replacement: the credited invoice it replaces")
    replaced_by = serializers.SerializerMethodField(help_text="The invoice that replaced this one, if any")
    buyer = serializers.SerializerMethodField()
    seller = serializers.SerializerMethodField()
    net = serializers.SerializerMethodField()
    vat = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()
    vat_breakdown = VatRowSerializer(many=True)
    lines = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField(help_text="Where to download the PDF")

    class Meta:
        model = Invoice
        fields = ["id", "number", "kind", "credits", "credited_by", "replaces", "replaced_by", "customer",
                  "buyer", "seller", "issued_at", "period_start", "period_end", "currency", "net", "vat",
                  "gross", "vat_breakdown", "lines", "pdf", "pdf_rendered_at", "reason", "paid_at",
                  "emailed_at", "emailed_to"]

    def get_credited_by(self, invoice) -> int | None:
        notes = [note.pk for note in invoice.credit_notes.all()]
        return notes[0] if notes else None

    def get_replaced_by(self, invoice) -> int | None:
        replacements = [replacement.pk for replacement in invoice.replaced_by.all()]
        return replacements[0] if replacements else None

    def get_buyer(self, invoice) -> dict:
        return {"name": invoice.buyer_name, "address": invoice.buyer_address, "email": invoice.buyer_email,
                "vat_id": invoice.buyer_vat_id}

    def get_seller(self, invoice) -> dict:
        return {"name": invoice.seller_name, "address": invoice.seller_address, "email": invoice.seller_email,
                "vat_id": invoice.seller_vat_id}

    def get_net(self, invoice) -> str:
        return _money(invoice.net, invoice.currency)

    def get_vat(self, invoice) -> str:
        return _money(invoice.vat, invoice.currency)

    def get_gross(self, invoice) -> str:
        return _money(invoice.gross, invoice.currency)

    @extend_schema_field(InvoiceLineSerializer(many=True))
    def get_lines(self, invoice) -> list[dict]:
        context = {"currency": invoice.currency}
        return InvoiceLineSerializer(invoice.lines.all(), many=True, context=context).data

    def get_pdf(self, invoice) -> str:
        path = reverse("api-invoice-pdf", kwargs={"pk": invoice.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


RUN_DATES = (date(1900, 1, 1), date(9998, 12, 31))


class InvoiceRunSerializer(serializers.Serializer):
    period_start = serializers.DateField(input_formats=["iso-8601"])
    period_end = serializers.DateField(input_formats=["iso-8601"], help_text="Included")

    def validate(self, attrs: dict) -> dict:
        for name in ("period_start", "period_end"):  # the period's days become UTC times
            if not RUN_DATES[0] <= attrs[name] <= RUN_DATES[1]:
                raise serializers.ValidationError(
                    {name: [f"Must be between {RUN_DATES[0]} and {RUN_DATES[1]}."]})
        if attrs["period_end"] < attrs["period_start"]:
            raise serializers.ValidationError({"period_end": ["Must not be before period_start."]})
        return attrs


class InvoicePaidSerializer(serializers.Serializer):
    paid_at = serializers.DateTimeField(required=False, allow_null=True,
                                        help_text="When it was paid (default: now)")


class CreditNoteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text="Why: printed on the credit note")
    reissue = serializers.BooleanField(
        default=False, help_text="Also issue a replacement with the current seller and customer details")
