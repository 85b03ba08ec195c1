"""The tenant as a seller: the details every invoice carries (EU VAT Directive Art. 226)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from PIL import Image, UnidentifiedImageError

from tenants.models import Tenant

# Raster only: an SVG can point at URLs and files that the PDF renderer would then fetch.
LOGO_TYPES = ["png", "jpg", "jpeg"]
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024


def logo_format(file) -> str | None:
    """The MIME type of a PNG or JPEG image, judged by its content (Pillow, which WeasyPrint
    needs anyway); None for anything else, whatever its name says."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        file.seek(0)
    return LOGO_FORMATS.get(kind)


def validate_raster_logo(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is larger than {LOGO_MAX_BYTES // 1024 // 1024} MB.")
    if logo_format(file) is None:
        raise ValidationError("The logo must be a PNG or JPEG image (SVG and other formats are not "
                              "accepted on invoices).")


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
                            validators=[FileExtensionValidator(LOGO_TYPES), validate_raster_logo],
                            help_text="PNG or JPEG, at most 2 MB")
    invoice_prefix = models.CharField(
        max_length=20, blank=True, validators=[RegexValidator(r"^[A-Za-z0-9/_-]*$",
                                                              "Letters, digits, '-', '_' and '/' only.")],
        help_text='Put before every number: "INV-" gives INV-2026-000001')
    default_vat_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(19),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent: what a new tariff's VAT rate starts at (the dashboard form and the API)")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.legal_name or self.tenant.name

    def missing_for_invoices(self) -> list[str]:
        """What an EU invoice needs of the seller and is not set (VAT Directive Art. 226: the
        supplier's full name, address and VAT identification number); empty: invoices may be
        issued (docs/invoicing.md)."""
        named = {"legal name": self.legal_name, "address": self.address, "VAT id": self.vat_id}
        return [label for label, value in named.items() if not (value or "").strip()]
