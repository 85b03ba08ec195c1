"""What the consumer needs from the database at the handshake, run on the DB threads."""

import logging
from dataclasses import dataclass

from stations.models import ServerProcess, Station
from stations.security.profiles import PLAIN_LINK, TLS_CLIENT_CERTIFICATE, LinkSecurity, link_refusal
from tenants.secrets import check_password

log = logging.getLogger(__name__)


@dataclass
class Handshake:
    station: Station
    previous_address: str  # the live socket this one replaces, or ""


def station_authenticate(*, tenant_slug: str, identity: str, password: str | None,
                         link: LinkSecurity = PLAIN_LINK) -> Handshake | None:
    """The station if it exists, is enabled and the link meets its security profile; else None.

    Profiles 1 and 2 need the password (the current one, or a new one the station accepted and
    now uses for the first time: then it becomes the current one); 2 and 3 need TLS; 3 needs a
    client certificate of the tenant's CA naming the station instead of a password.

    One narrow query, since a reconnect storm authenticates thousands of stations a minute; it
    also tells which live socket (on a process that still beats) the new one replaces. The
    station comes back with only what the link uses: pk, tenant, identity, vendor and model
    (for its quirks)."""
    found = (Station.objects.filter(tenant__slug=tenant_slug, identity=identity)
             .values_list("pk", "tenant_id", "enabled", "password_hash", "channel_name",
                          "server_process__last_beat", "vendor", "model", "security_profile",
                          "pending_password_hash").first())
    if found is None:
        return None
    (pk, tenant_id, enabled, password_hash, address, last_beat, vendor, model, profile,
     pending_hash) = found
    if not enabled:
        return None
    refusal = link_refusal(profile=profile, link=link, tenant_id=tenant_id, identity=identity)
    if refusal:
        log.warning("Refused station %s/%s: %s", tenant_slug, identity, refusal)
        return None
    if profile < TLS_CLIENT_CERTIFICATE:
        if password is None:
            return None
        if not check_password(password, password_hash):
            if not (pending_hash and check_password(password, pending_hash)):
                return None
            # The station uses its new password: the old one stops working.
            Station.objects.filter(pk=pk, pending_password_hash=pending_hash).update(
                password_hash=pending_hash, pending_password_hash="")
    alive = bool(address) and last_beat is not None and last_beat >= ServerProcess.alive_cutoff()
    return Handshake(Station(pk=pk, tenant_id=tenant_id, identity=identity, vendor=vendor,
                             model=model),
                     address if alive else "")
