"""Tariffs, modelled on the OCPI 2.2.1 Tariff (see docs/pricing.md §1)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tenants.models import Tenant


class Tariff(models.Model):
    """One version of a tariff. A tariff in use is never changed in place: an edit makes a new
    version in the same `family`, and a session keeps the version in force when it started."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="tariffs")
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0),
                                   validators=[MinValueValidator(0), MaxValueValidator(100)],
                                   help_text="Percent")
    idle_grace_minutes = models.PositiveIntegerField(default=0)
    min_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    max_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    is_default = models.BooleanField(default=False, help_text="The tenant's fallback")
    elements = models.JSONField(default=list, help_text="OCPI elements: price components and restrictions")
    driver_text = models.CharField(max_length=512, blank=True, default="",
                                   help_text="Told to 2.0.1 drivers instead of the generated price line")
    driver_language = models.CharField(max_length=8, blank=True, default="",
                                       help_text="RFC 5646 language of driver_text, e.g. de")
    family = models.UUIDField(help_text="Shared by every version of one tariff")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    valid_from = models.DateTimeField(
        null=True, blank=True,
        help_text="A scheduled price change: sessions starting from then get this version "
                  "(blank: from its creation; docs/pricing.md)")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="tariff_version_once"),
            models.UniqueConstraint(fields=["tenant"], condition=models.Q(is_default=True),
                                    name="one_default_tariff_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
