"""The price of one charging session, kept by billing so that the stations app stays as it is."""

from decimal import Decimal

from django.db import models

from billing.models.tariff import Tariff
from stations.models import ChargingSession
from tenants.models import Tenant

MONEY = {"max_digits": 14, "decimal_places": 4, "default": Decimal(0)}


class SessionPrice(models.Model):
    """The tariff version a session is priced with (chosen once, when first known: at start, or
    when the session is first priced) and, once priced, its cost. One row per session (the
    primary key), so pricing twice updates the same row; `final` is the state guard."""

    session = models.OneToOneField(ChargingSession, on_delete=models.CASCADE, primary_key=True,
                                   related_name="price")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    tariff = models.ForeignKey(Tariff, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="session_prices",
                               help_text="The version in force when the session started")
    free = models.BooleanField(default=False, help_text="An internal id tag: priced at zero, still metered")
    currency = models.CharField(max_length=3, blank=True)
    net = models.DecimalField(**MONEY)
    vat = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)
    lines = models.JSONField(default=list, help_text="Cost lines, decimals as strings")
    vat_by_rate = models.JSONField(default=dict, help_text='{"19": ["net", "vat"], ...}')
    energy_wh = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    charging_seconds = models.PositiveIntegerField(null=True, blank=True)
    parking_seconds = models.PositiveIntegerField(null=True, blank=True)
    priced_at = models.DateTimeField(null=True, blank=True, help_text="Blank: not priced yet")
    final = models.BooleanField(default=False, help_text="Priced after the stop, with every status known")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "final"])]

    def __str__(self) -> str:
        return f"session {self.session_id}: {self.gross} {self.currency}"
