"""Security profiles at the handshake: what the link offers (TLS? a client certificate?) and
whether that is enough for the station's profile.

TLS ends at the proxy (deploy/nginx.conf), which tells us the scheme in X-Forwarded-Proto and
passes the client certificate it saw (not verified by it: `ssl_verify_client optional_no_ca`,
since each tenant has its own CA and may upload others) URL-escaped in X-SSL-Client-Cert.
Anyone who reaches a server process directly could send these headers too, so they count only with
OCPP_TRUST_PROXY_HEADERS=1, which a deployment sets when the server processes are reachable only
through that proxy (daphne on 127.0.0.1 or a private network) and the proxy overwrites both
headers on every request. Without it every link counts as plain ws without a certificate."""

import logging
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings

from stations.models import Station
from stations.security import ca
from stations.security.models import CertificateAuthority, UploadedCertificateAuthority

log = logging.getLogger(__name__)

BASIC_AUTH, TLS_BASIC_AUTH, TLS_CLIENT_CERTIFICATE = 1, 2, 3
# Configuration keys only the Security endpoints change (the password rotation keeps the old
# password working until the station uses the new one; the profile is only ever raised), never
# a raw ChangeConfiguration. Lower case: OCPP configuration keys are case-insensitive.
SECURITY_KEYS = frozenset({"authorizationkey", "securityprofile"})


def configuration_key(key: object) -> str:
    """A configuration key as stations may compare it: trimmed, in lower case ("AuthorizationKey
    " with a trailing space or tab is the key AuthorizationKey to some)."""
    return str(key).strip().lower()


def is_security_key(key: object) -> bool:
    return configuration_key(key) in SECURITY_KEYS


@dataclass(frozen=True)
class LinkSecurity:
    tls: bool = False
    client_certificate: str = ""  # PEM, as the proxy passed it on


PLAIN_LINK = LinkSecurity()


def link_security(scope: dict) -> LinkSecurity:
    if not settings.OCPP_TRUST_PROXY_HEADERS:
        return PLAIN_LINK
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    tls = headers.get(b"x-forwarded-proto", b"").decode("latin-1").lower() in ("https", "wss")
    certificate = unquote(headers.get(b"x-ssl-client-cert", b"").decode("latin-1")) if tls else ""
    return LinkSecurity(tls=tls, client_certificate=certificate.strip())


def link_refusal(*, profile: int, link: LinkSecurity, tenant_id: int, identity: str) -> str | None:
    """Why this link is below the station's profile; None if it is enough. Runs on a DB thread.
    (For profiles 1 and 2 the password is checked too, by the caller.)"""
    if profile >= TLS_BASIC_AUTH and not link.tls:
        return f"profile {profile} needs TLS"
    if profile >= TLS_CLIENT_CERTIFICATE:
        if not link.client_certificate:
            return "profile 3 needs a client certificate"
        ca_pems = tenant_ca_pems(tenant_id)
        if not ca_pems:
            return "the tenant has no CA yet"
        problem = ca.client_certificate_problem(ca_certificate_pems=ca_pems,
                                                certificate_pem=link.client_certificate,
                                                identity=identity)
        if problem:
            return f"client certificate {problem}"
    return None


def tenant_ca_pems(tenant_id: int) -> list[str]:
    """The CA certificates a profile-3 station of the tenant may have its client certificate
    from: the tenant's own CA (made on first use) and those it uploaded. One query: a reconnect
    storm of profile-3 stations asks this on every handshake."""
    own = (CertificateAuthority.objects.filter(tenant_id=tenant_id).order_by()
           .values_list("certificate_pem", flat=True))
    uploaded = (UploadedCertificateAuthority.objects.filter(tenant_id=tenant_id).order_by()
                .values_list("certificate_pem", flat=True))
    return list(own.union(uploaded, all=True))


def link_still_trusted(*, station_id: int, link: LinkSecurity) -> bool:
    """Whether an open link still meets its station's profile (after the tenant's CAs changed:
    a deleted upload ends the links its certificates opened) and its station is still enabled
    (disabled or removed in the dashboard: stations/services/stations.py). Runs on a DB thread."""
    found = (Station.objects.filter(pk=station_id, enabled=True)
             .values_list("security_profile", "tenant_id", "identity").first())
    if found is None:
        return False
    profile, tenant_id, identity = found
    if profile < TLS_CLIENT_CERTIFICATE:
        return True  # its password opened the link: no CA to ask
    return link_refusal(profile=profile, link=link, tenant_id=tenant_id, identity=identity) is None
