"""Certificates expiring within the rule's threshold (days), or expired (docs/alerts.md,
"Certificate expiring").

Which certificates, one alert each, keyed `certificate:<type>:<pk>`:
- `ca`: the tenant's own CA (it signs its stations' client certificates), pk the CA's;
- `uploaded_ca`: a CA certificate the tenant uploaded;
- `issued`: the certificate our CA issued a station, the latest it accepted of each type (an
  older one renewed since no longer counts);
- `installed`: a root certificate installed on a station whose PEM we know (sent by us), not
  deleted since;
- `server:tls`: the server's own TLS certificate, when TLS_CERTIFICATE_FILE names it (TLS ends
  at the proxy, deploy/nginx.conf: the file it serves). It is the platform's, but the stations
  that use it are the tenants': each tenant with a station on security profile 2 or 3 gets it.
Resolved once renewed, removed, or no longer within the threshold."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Subquery

from alerts.models import AlertKind
from alerts.rules import default_rule, saved_rules_of_kind, threshold_of
from alerts.services import AlertRaise, alerts_raise_many, alerts_resolve_absent
from stations.models import Station
from stations.security.ca import BadCertificate, load_certificate
from stations.security.models import (
    CertificateAuthority,
    InstalledCertificate,
    IssuedCertificate,
    UploadedCertificateAuthority,
)

log = logging.getLogger(__name__)
KIND = AlertKind.CERTIFICATE_EXPIRING
SERVER_KEY = "certificate:server:tls"


@dataclass(frozen=True)
class Expiring:
    tenant_id: int
    key: str
    what: str
    not_after: datetime
    station_id: int | None = None
    station: str = ""


def check(now: datetime) -> None:
    days = _days_by_tenant()
    horizon = now + timedelta(days=max([days.default, *days.saved.values()]))
    candidates = [*_tenant_cas(), *_uploaded_cas(horizon), *_issued(horizon), *_installed(horizon),
                  *_server(horizon)]
    expiring = [c for c in candidates if c.not_after <= now + timedelta(days=days.of(c.tenant_id))]
    raises = [_raise(c, now) for c in expiring]
    alerts_raise_many(kind=KIND, raises=raises, at=now)
    alerts_resolve_absent(kind=KIND, present={(r.tenant_id, r.key) for r in raises},
                          resolution="Renewed, removed or no longer expiring soon", at=now)


@dataclass(frozen=True)
class _Days:
    default: int
    saved: dict[int, int]

    def of(self, tenant_id: int) -> int:
        return self.saved.get(tenant_id, self.default)


def _days_by_tenant() -> _Days:
    saved = {tid: threshold_of(rule) for tid, rule in saved_rules_of_kind(KIND).items()}
    return _Days(default=threshold_of(default_rule(KIND)), saved=saved)


@lru_cache(maxsize=4096)
def _not_after(pem: str) -> datetime | None:
    """Parsed once per process: the same root PEM is on many stations."""
    try:
        return load_certificate(pem).not_valid_after_utc
    except BadCertificate:
        return None


def _tenant_cas() -> list[Expiring]:
    found = []
    for pk, tenant_id, pem in CertificateAuthority.objects.values_list(
            "pk", "tenant_id", "certificate_pem"):
        not_after = _not_after(pem)
        if not_after is not None:
            found.append(Expiring(tenant_id, f"certificate:ca:{pk}", "The tenant's CA", not_after))
    return found


def _uploaded_cas(horizon: datetime) -> list[Expiring]:
    rows = UploadedCertificateAuthority.objects.filter(not_after__lte=horizon).values_list(
        "pk", "tenant_id", "name", "subject", "not_after")
    return [Expiring(tenant_id, f"certificate:uploaded_ca:{pk}",
                     f"The uploaded CA {name or subject}", not_after)
            for pk, tenant_id, name, subject, not_after in rows]


def _issued(horizon: datetime) -> list[Expiring]:
    """The latest accepted certificate of each station and type, when it ends soon."""
    accepted = IssuedCertificate.objects.filter(delivery_status="Accepted")
    latest = accepted.filter(station_id=OuterRef("station_id"),
                             certificate_type=OuterRef("certificate_type")).order_by("-created_at", "-pk")
    rows = (accepted.filter(pk=Subquery(latest.values("pk")[:1]), not_after__lte=horizon)
            .values_list("pk", "tenant_id", "station_id", "station__identity", "certificate_type",
                         "not_after"))
    return [Expiring(tenant_id, f"certificate:issued:{pk}", f"The {kind}", not_after,
                     station_id, identity)
            for pk, tenant_id, station_id, identity, kind, not_after in rows]


def _installed(horizon: datetime) -> list[Expiring]:
    """The same root is on many stations: each distinct PEM is read once, then only the rows
    of those ending soon."""
    installed = (InstalledCertificate.objects.filter(installed=True).exclude(certificate_pem="")
                 .exclude(delete_status="Accepted"))
    ending = {}
    for pem in installed.values_list("certificate_pem", flat=True).distinct():
        not_after = _not_after(pem)
        if not_after is not None and not_after <= horizon:
            ending[pem] = not_after
    rows = installed.filter(certificate_pem__in=ending).values_list(
        "pk", "tenant_id", "station_id", "station__identity", "certificate_type", "certificate_pem")
    return [Expiring(tenant_id, f"certificate:installed:{pk}", f"The installed {kind}",
                     ending[pem], station_id, identity)
            for pk, tenant_id, station_id, identity, kind, pem in rows]


def _server(horizon: datetime) -> list[Expiring]:
    path = getattr(settings, "TLS_CERTIFICATE_FILE", "")
    if not path:
        return []
    try:
        not_after = _not_after(Path(path).read_text())
    except OSError:
        log.warning("TLS_CERTIFICATE_FILE %s cannot be read", path)
        return []
    if not_after is None or not_after > horizon:
        return []
    tenants = Station.objects.filter(security_profile__gte=2).values_list(
        "tenant_id", flat=True).distinct()
    return [Expiring(tenant_id, SERVER_KEY, "The server's TLS certificate", not_after)
            for tenant_id in tenants]


def _raise(c: Expiring, now: datetime) -> AlertRaise:
    on = f"{c.not_after:%Y-%m-%d}"
    when = f"expired on {on}" if c.not_after <= now else f"expires on {on}"
    subject = f"{c.what} of {c.station}" if c.station else c.what
    days_left = (c.not_after - now).days
    return AlertRaise(tenant_id=c.tenant_id, key=c.key, title=f"{subject} {when}",
                      station_id=c.station_id,
                      details={"certificate": c.key.split(":")[1], "what": c.what,
                               "station": c.station or None, "not_after": c.not_after.isoformat(),
                               "days_left": days_left})
