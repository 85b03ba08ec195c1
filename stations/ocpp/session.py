"""What the consumer needs from the database at the handshake, run on the DB threads."""

from stations.models import Station
from tenants.secrets import check_password


def station_authenticate(*, tenant_slug: str, identity: str, password: str | None) -> Station | None:
    """The station if it exists, is enabled and the password is right; else None.

    The station comes back with only what the link uses (pk, tenant, identity): a reconnect
    storm authenticates thousands of stations a minute."""
    found = (Station.objects.filter(tenant__slug=tenant_slug, identity=identity)
             .values_list("pk", "tenant_id", "enabled", "password_hash").first())
    if found is None or password is None:
        return None
    pk, tenant_id, enabled, password_hash = found
    if not enabled or not check_password(password, password_hash):
        return None
    return Station(pk=pk, tenant_id=tenant_id, identity=identity)
