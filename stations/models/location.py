"""Sites: where stations stand. A location groups stations under one address, with coordinates,
a time zone and opening hours (the shape of an OCPI 2.2.1 Location, which OCPI will publish)."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from tenants.models import Tenant
from tenants.validators import validate_timezone_name


class Location(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=255)
    address = models.CharField(max_length=45, blank=True, help_text="Street and number")
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=45, blank=True)
    country = models.CharField(max_length=2, blank=True,
                               validators=[RegexValidator(r"^[A-Z]{2}$", "ISO 3166-1 alpha-2, e.g. DE")],
                               help_text="ISO 3166-1 alpha-2, e.g. DE")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone_name],
                                help_text="IANA name; blank: the tenant's")
    # OCPI Hours: {"twentyfourseven": true} or {"twentyfourseven": false, "regular_hours":
    # [{"weekday": 1..7 (Monday 1), "period_begin": "08:00", "period_end": "20:00"}, ...]}
    opening_hours = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="location_name_per_tenant")]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.tenant.timezone
