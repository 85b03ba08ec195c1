"""Reads of the portability app: which stations a tenant has, for the meter values form."""

from stations.models import Station
from tenants.models import Tenant


def station_identities(tenant: Tenant) -> list[str]:
    return list(Station.objects.filter(tenant=tenant).order_by("identity").values_list("identity", flat=True))
