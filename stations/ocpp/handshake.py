"""What the consumer needs from the database at the handshake, run on the DB threads."""

from dataclasses import dataclass

from stations.models import ServerProcess, Station
from tenants.secrets import check_password


@dataclass
class Handshake:
    station: Station
    previous_address: str  # the live socket this one replaces, or ""


def station_authenticate(*, tenant_slug: str, identity: str,
                         password: str | None) -> Handshake | None:
    """The station if it exists, is enabled and the password is right; else None.

    One narrow query, since a reconnect storm authenticates thousands of stations a minute; it
    also tells which live socket (on a process that still beats) the new one replaces. The
    station comes back with only what the link uses: pk, tenant, identity, vendor and model
    (for its quirks)."""
    found = (Station.objects.filter(tenant__slug=tenant_slug, identity=identity)
             .values_list("pk", "tenant_id", "enabled", "password_hash", "channel_name",
                          "server_process__last_beat", "vendor", "model").first())
    if found is None or password is None:
        return None
    pk, tenant_id, enabled, password_hash, address, last_beat, vendor, model = found
    if not enabled or not check_password(password, password_hash):
        return None
    alive = bool(address) and last_beat is not None and last_beat >= ServerProcess.alive_cutoff()
    return Handshake(Station(pk=pk, tenant_id=tenant_id, identity=identity, vendor=vendor,
                             model=model),
                     address if alive else "")
