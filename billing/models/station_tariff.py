"""A station's own tariff. Billing owns the link, so the station core knows nothing of tariffs
(docs/architecture.md); a station without one is priced with its load group's tariff, else the
tenant's default (billing.selectors.tariff_for_station)."""

from django.db import models

from billing.models.tariff import Tariff
from tenants.validators import validate_same_tenant


class StationTariff(models.Model):
    station = models.OneToOneField("stations.Station", on_delete=models.CASCADE, primary_key=True,
                                   related_name="station_tariff")
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+",
                               help_text="The current version of one of the station's tenant's tariffs")

    def __str__(self) -> str:
        return f"{self.station_id}: {self.tariff_id}"

    def clean(self) -> None:
        """A station is priced with a tariff of its own tenant only."""
        validate_same_tenant(self.station.tenant_id, {"tariff": self.tariff})
