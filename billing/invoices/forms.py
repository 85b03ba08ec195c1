"""Forms of the invoice pages: the seller's details, a credit note, the list's status filter. They
parse; the rules are the API's serializers' (cpms.dashboard.serializer_into_form)."""

from django import forms

from billing.models.seller import LOGO_TYPES
from cpms.dashboard import Form

ACCEPT = ",".join(f".{kind}" for kind in LOGO_TYPES)
STATUSES = [("", "Any status"), ("unpaid", "Unpaid"), ("paid", "Paid"), ("credit_note", "Credit notes")]


class SellerForm(Form):
    legal_name = forms.CharField(max_length=200, label="Legal name", required=False,
                                 help_text="As registered; printed on every invoice")
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Postal address, as printed on invoices")
    vat_id = forms.CharField(max_length=30, required=False, label="VAT id", help_text="e.g. DE123456789")
    email = forms.EmailField(required=False, label="E-mail", help_text="Customers' replies go here")
    logo = forms.FileField(required=False, help_text="PNG or JPEG, at most 2 MB",
                            widget=forms.FileInput(attrs={"accept": ACCEPT}))
    invoice_prefix = forms.CharField(max_length=20, required=False, label="Invoice number prefix",
                                     help_text='"INV-" gives INV-2026-000001')
    default_vat_rate = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                          label="Default VAT rate (%)",
                                          help_text="What a new tariff starts at")

    def api_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "logo"}
        data["default_vat_rate"] = str(data["default_vat_rate"])
        data = {name: "" if value is None else value for name, value in data.items()}
        if self.cleaned_data.get("logo"):  # a new upload; none: the logo stays
            data["logo"] = self.cleaned_data["logo"]
        return data


class CreditNoteForm(Form):
    reason = forms.CharField(max_length=300, label="Reason", help_text="Printed on the credit note",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. wrong customer"}))
    reissue = forms.BooleanField(required=False, label="Issue a corrected invoice too",
                                 help_text="With the seller's and the customer's details as they are now")


class InvoiceFilterForm(Form):
    status = forms.ChoiceField(required=False, choices=STATUSES)
