"""Failed station handshakes are throttled per station identity and per address (issue 16,
finding 8): after OCPP_HANDSHAKE_FAILURES_PER_IDENTITY wrong credentials for one identity, or
OCPP_HANDSHAKE_FAILURES_PER_ADDRESS from one address, every handshake of it gets the same 401 for
the rest of OCPP_HANDSHAKE_LOCKOUT_SECONDS, without its password being checked, so guessing is
held to a few tries a minute. Only failures count: a reconnect storm of stations with right
passwords costs one cache read per handshake and is never refused by this."""

import hashlib

from django.conf import settings

from cpms import throttle
from stations.ocpp.handshake import Handshake, Refused, station_authenticate


def _keys(address: str, tenant_slug: str, identity: str) -> dict[str, int]:
    name = hashlib.sha256(f"{tenant_slug}/{identity}".encode("utf-8", "replace")).hexdigest()[:32]
    return {f"ocpp-fail:identity:{name}": settings.OCPP_HANDSHAKE_FAILURES_PER_IDENTITY,
            f"ocpp-fail:address:{address}": settings.OCPP_HANDSHAKE_FAILURES_PER_ADDRESS}


def station_authenticate_throttled(*, address: str, tenant_slug: str, identity: str,
                                   **credentials) -> Handshake | Refused:
    """station_authenticate, unless the identity or the address is locked out."""
    keys = _keys(address, tenant_slug, identity)
    if throttle.locked(list(keys), keys):
        return Refused.UNAUTHORIZED
    outcome = station_authenticate(tenant_slug=tenant_slug, identity=identity, **credentials)
    if outcome == Refused.UNAUTHORIZED:
        throttle.record_failure(list(keys), settings.OCPP_HANDSHAKE_LOCKOUT_SECONDS)
    return outcome
