"""What the consumer needs from the database at the handshake, run on the DB threads."""

import enum
import logging
from dataclasses import dataclass

from django.db import connection

from stations.authlist.models import LocalList
from stations.firmware.models import FirmwareJob
from stations.models import Station
from stations.ocpp.link import FIRMWARE, LOCAL_LIST
from stations.security.profiles import PLAIN_LINK, TLS_CLIENT_CERTIFICATE, LinkSecurity, link_refusal
from tenants.models import Tenant
from tenants.secrets import check_password

log = logging.getLogger(__name__)
IDENTITY_MAX_CHARS = Station._meta.get_field("identity").max_length


# The handshake's one query, written out: a reconnect storm authenticates a thousand stations a
# second, and compiling the ORM's query was most of what a handshake cost a server process
# (bench/README.md, "What a boot must check", and issue 22). Besides the station it learns
# what a BootNotification may have to do, so that a boot with nothing due (nearly every boot of
# a storm) makes no round trip of its own. The link carries them in `Link.due`
# (stations/ocpp/link.py).
def _handshake_query() -> str:
    quote = connection.ops.quote_name
    station, tenant = quote(Station._meta.db_table), quote(Tenant._meta.db_table)
    jobs, lists = quote(FirmwareJob._meta.db_table), quote(LocalList._meta.db_table)
    open_states = ", ".join(f"'{state}'" for state in (FirmwareJob.PENDING, FirmwareJob.SENT))
    return (
        f"SELECT s.id, s.tenant_id, s.enabled, s.password_hash, s.vendor, s.model, "
        f"s.security_profile, s.admission, s.pending_password_hash, "
        f"EXISTS(SELECT 1 FROM {jobs} j WHERE j.station_id = s.id "
        f"AND j.state IN ({open_states})), "
        f"EXISTS(SELECT 1 FROM {lists} l WHERE l.station_id = s.id AND l.sync_due) "
        f"FROM {station} s JOIN {tenant} t ON t.id = s.tenant_id "
        f"WHERE t.slug = %s AND s.identity = %s")


_HANDSHAKE_QUERY = _handshake_query()


@dataclass
class Handshake:
    station: Station
    due: frozenset[str] = frozenset()  # what the station's next boot must check (Link.due)


class Refused(enum.IntEnum):
    """Why a handshake is refused, as the HTTP status the station gets. Only a client that
    proved to be the station (its password, or its certificate) learns that the station exists
    but may not connect now; anyone else gets the same 401 as for an unknown station."""

    UNAUTHORIZED = 401  # unknown station, missing or wrong credentials
    FORBIDDEN = 403  # the station's own credentials, but disabled or below its profile


def station_authenticate(*, tenant_slug: str, identity: str, password: str | None,
                         link: LinkSecurity = PLAIN_LINK) -> Handshake | Refused:
    """The station if it exists, is enabled and the link meets its security profile; else why not.

    Profiles 1 and 2 need the password (the current one, or a new one the station accepted and
    now uses for the first time: then it becomes the current one); 2 and 3 need TLS; 3 needs a
    client certificate of the tenant's CA naming the station instead of a password.

    One narrow query, since a reconnect storm authenticates thousands of stations a minute
    (which live socket the new one replaces is learnt when it attaches: batch.py). The
    station comes back with only what the link uses: pk, tenant, identity, vendor and model
    (for its quirks), and its admission (stations/ocpp/admission.py). The apps above the core
    learn the rest on the link (its memo)."""
    if not _plausible(tenant_slug) or not _plausible(identity):
        return Refused.UNAUTHORIZED
    with connection.cursor() as cursor:
        cursor.execute(_HANDSHAKE_QUERY, [tenant_slug, identity])
        found = cursor.fetchone()
    if found is None:
        return Refused.UNAUTHORIZED
    (pk, tenant_id, enabled, password_hash, vendor, model, profile, admission, pending_hash,
     firmware_due, local_list_due) = found
    by_password = profile < TLS_CLIENT_CERTIFICATE
    matched = _password_matched(password, password_hash, pending_hash) if by_password else ""
    if matched is None:
        return Refused.UNAUTHORIZED
    refusal = link_refusal(profile=profile, link=link, tenant_id=tenant_id, identity=identity)
    if refusal:
        log.warning("Refused station %s/%s: %s", tenant_slug, identity, refusal)
        return Refused.FORBIDDEN if by_password else Refused.UNAUTHORIZED
    if not enabled:
        return Refused.FORBIDDEN
    if matched == "pending":  # the station uses its new password: the old one stops working
        Station.objects.filter(pk=pk, pending_password_hash=pending_hash).update(
            password_hash=pending_hash, pending_password_hash="")
    station = Station(pk=pk, tenant_id=tenant_id, identity=identity, vendor=vendor, model=model,
                      admission=admission)
    due = {FIRMWARE: firmware_due, LOCAL_LIST: local_list_due}
    return Handshake(station, frozenset(check for check, needed in due.items() if needed))


def _plausible(name: str) -> bool:
    """A URL segment that can name a tenant or station: no control characters (NUL breaks the
    query) and no more than a station identity's column holds."""
    return 0 < len(name) <= IDENTITY_MAX_CHARS and name.isprintable()


def _password_matched(password: str | None, password_hash: str, pending_hash: str) -> str | None:
    """Which of the station's passwords `password` is: "current", "pending", or None."""
    if password is None:
        return None
    if check_password(password, password_hash):
        return "current"
    if pending_hash and check_password(password, pending_hash):
        return "pending"
    return None
