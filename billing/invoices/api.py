"""Invoices (read-only: issued invoices never change), the invoice run, credit notes, PDFs and
the seller's details. Views translate; billing/invoices/services.py writes."""

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from billing.api import Conflict
from billing.invoices import selectors
from billing.invoices.email import InvoiceNotEmailable, invoice_email_queue
from billing.invoices.pdf import invoice_pdf_render
from billing.invoices.serializers import (
    CreditNoteSerializer,
    InvoicePaidSerializer,
    InvoiceRunSerializer,
    InvoiceSerializer,
    SellerSerializer,
)
from billing.invoices.services import (
    InvoiceNotCreditable,
    SellerIncomplete,
    invoice_credit,
    invoice_paid_set,
    invoice_reissue,
    invoice_run,
    seller_update,
)
from billing.models import Invoice
from cpms.api_filters import UtcIsoDateTimeFilter
from tenants.api import TenantReadOnlyModelViewSet


class InvoiceFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id")
    since = UtcIsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")
    kind = django_filters.ChoiceFilter(choices=[("invoice", "invoice"), ("credit_note", "credit_note")])
    paid = django_filters.BooleanFilter(field_name="paid_at", lookup_expr="isnull", exclude=True,
                                        help_text="true: paid ones; false: unpaid ones")

    class Meta:
        model = Invoice
        fields = ["customer", "since", "until", "kind", "paid"]


class InvoiceViewSet(TenantReadOnlyModelViewSet):
    """Issued invoices and credit notes: no PUT, PATCH or DELETE (405); a correction is a credit note."""

    area = "money"
    queryset = Invoice.objects.none()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    lookup_value_regex = r"\d+"

    def tenant_queryset(self, tenant):
        return (selectors.invoices_of(tenant)
                .prefetch_related("lines", "credit_notes", "replaced_by"))

    @extend_schema(request=InvoiceRunSerializer, responses={
        201: InvoiceSerializer(many=True), 200: OpenApiResponse(
            InvoiceSerializer(many=True), description="Nothing new to invoice: the period's invoices")})
    @action(detail=False, methods=["post"], url_path="run", pagination_class=None, filter_backends=[])
    def run(self, request, format=None):  # format: the router's .json suffix
        """Issue the invoices of a period (days in the tenant's time zone, both included):
        idempotent; answers every invoice of the period, 201 if this call issued any."""
        serializer = InvoiceRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            done = invoice_run(tenant=request.tenant, **serializer.validated_data)
        except SellerIncomplete as error:
            raise Conflict(str(error)) from None
        ids = [invoice.pk for invoice in done.invoices]
        invoices = self.get_queryset().filter(pk__in=ids).order_by("number")
        body = InvoiceSerializer(invoices, many=True, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if done.issued else status.HTTP_200_OK)

    @extend_schema(request=CreditNoteSerializer, responses={201: InvoiceSerializer, 409: OpenApiResponse(
        description="A credit note of a credit note, the invoice has one already, or (reissue) "
                    "the seller's details are incomplete")})
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, pk=None, format=None):
        """A full credit note of the invoice (negative amounts, referring to it), with an
        optional `reason`. Its sessions are not invoiced again, unless `reissue`: then a
        replacement invoice with the current seller and customer details follows (the answer
        is still the credit note; its replacement is the invoice's `replaced_by`)."""
        body = CreditNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice, reason = self.get_object(), body.validated_data.get("reason", "")
        try:
            if body.validated_data["reissue"]:
                invoice_reissue(invoice=invoice, reason=reason)
                note = invoice.credit_notes.get()
            else:
                note = invoice_credit(invoice=invoice, reason=reason)
        except (InvoiceNotCreditable, SellerIncomplete) as error:
            raise Conflict(str(error)) from None
        note = self.get_queryset().get(pk=note.pk)
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InvoicePaidSerializer, responses={200: InvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="paid")
    def paid(self, request, pk=None, format=None):
        """Mark the invoice paid (`paid_at`, default now)."""
        body = InvoicePaidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        when = body.validated_data.get("paid_at") or timezone.now()
        invoice = invoice_paid_set(invoice=self.get_object(), paid_at=when)
        return Response(self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request=None, responses={200: InvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="unpaid")
    def unpaid(self, request, pk=None, format=None):
        """Mark the invoice unpaid again (a payment recorded by mistake, a charge-back)."""
        invoice = invoice_paid_set(invoice=self.get_object(), paid_at=None)
        return Response(self.get_serializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(request=None, responses={202: OpenApiResponse(description='{"emailed_to": address}'),
                                            400: OpenApiResponse(description="The customer has no e-mail")})
    @action(detail=True, methods=["post"], url_path="email")
    def email(self, request, pk=None, format=None):
        """E-mail the invoice, its PDF attached, to its customer's address (sent by a task; the
        invoice's `emailed_at` and `emailed_to` record it once sent)."""
        try:
            address = invoice_email_queue(invoice=self.get_object())
        except InvoiceNotEmailable as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"emailed_to": address}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The invoice as a PDF")})
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request, pk=None, format=None):
        """The stored PDF (rendered now if the task has not yet)."""
        invoice = invoice_pdf_render(invoice_id=self.get_object().pk)
        with invoice.pdf.open("rb") as document:
            content = document.read()
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice.number.replace("/", "-")}.pdf"'
        return response


class SellerView(generics.GenericAPIView):
    """The tenant's details as a seller, printed on every invoice (copied at issue). A logo is
    uploaded as multipart form data."""

    area = "money"
    serializer_class = SellerSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_object(self):
        """The one seller of the request's tenant (OPTIONS asks for it too)."""
        return selectors.seller_of(self.request.tenant)

    def get(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request):
        serializer = self.get_serializer(self.get_object(), data=request.data)
        serializer.is_valid(raise_exception=True)
        seller = seller_update(tenant=request.tenant, **serializer.validated_data)
        return Response(self.get_serializer(seller).data)
