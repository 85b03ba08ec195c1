"""What the consumer needs from the database at the handshake, run on the DB threads."""

from stations.models import Station
from tenants.secrets import check_password


def station_authenticate(*, tenant_slug: str, identity: str, password: str | None) -> Station | None:
    """The station if it exists, is enabled and the password is right; else None."""
    station = (Station.objects.select_related("tenant")
               .filter(tenant__slug=tenant_slug, identity=identity).first())
    if station is None or not station.enabled or password is None:
        return None
    if not check_password(password, station.password_hash):
        return None
    return station
