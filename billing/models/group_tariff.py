"""A load group's tariff. Billing owns the link, so load management knows nothing of tariffs
(docs/architecture.md): a station without a tariff of its own is priced with its group's, else
the tenant's default (billing.selectors.tariff_for_station)."""

from django.db import models

from billing.models.tariff import Tariff
from tenants.validators import validate_same_tenant


class LoadGroupTariff(models.Model):
    group = models.OneToOneField("loadmgmt.LoadGroup", on_delete=models.CASCADE, primary_key=True,
                                 related_name="group_tariff")
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+",
                               help_text="For its stations that have none of their own")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.tariff_id}"

    def clean(self) -> None:
        """A group's stations are priced with a tariff of the group's tenant only."""
        validate_same_tenant(self.group.tenant_id, {"tariff": self.tariff})
