"""The tenant as a seller: the details every invoice carries (EU VAT Directive Art. 226)."""

from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models

from tenants.models import Tenant

LOGO_TYPES = ["png", "jpg", "jpeg", "gif", "svg", "webp"]


def _logo_path(seller: "Seller", filename: str) -> str:
    return f"sellers/{seller.tenant_id}/{filename}"


class Seller(models.Model):
    """One per tenant, made with the defaults when first read. Invoices copy these details at
    issue, so a later change never alters an issued invoice (the logo is the current one)."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, primary_key=True, related_name="seller")
    legal_name = models.CharField(max_length=200, blank=True, help_text="Blank: the tenant's name")
    address = models.TextField(blank=True, help_text="Postal address, as printed on invoices")
    vat_id = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    logo = models.FileField(upload_to=_logo_path, blank=True,
                            validators=[FileExtensionValidator(LOGO_TYPES)])
    invoice_prefix = models.CharField(
        max_length=20, blank=True, validators=[RegexValidator(r"^[A-Za-z0-9/_-]*$",
                                                              "Letters, digits, '-', '_' and '/' only.")],
        help_text='Put before every number: "INV-" gives INV-2026-000001')
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.legal_name or self.tenant.name
