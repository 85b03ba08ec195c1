"""Writes of the Security extension: the tenant's CA, certificates issued and installed,
security events, a station's pending password and its security profile."""

import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from django.db import IntegrityError, transaction

from stations import timestamps
from stations.models import Station
from stations.ocpp import links
from stations.security import ca
from stations.security.models import (
    CertificateAuthority,
    InstalledCertificate,
    IssuedCertificate,
    SecurityCommand,
    SecurityEvent,
    UploadedCertificateAuthority,
)
from tenants.models import Tenant
from tenants.secrets import hash_password

log = logging.getLogger(__name__)

# The whitepaper's security events (Appendix 1) marked critical: the station pushes these at once.
CRITICAL_EVENTS = frozenset({
    "FirmwareUpdated", "SettingSystemTime", "StartupOfTheDevice", "ResetOrReboot",
    "SecurityLogWasCleared", "MemoryExhaustion", "TamperDetectionActivated",
})


def ca_of(*, tenant_id: int) -> CertificateAuthority:
    """The tenant's CA, made on first use."""
    authority = CertificateAuthority.objects.filter(tenant_id=tenant_id).first()
    if authority is not None:
        return authority
    tenant = Tenant.objects.get(pk=tenant_id)
    certificate_pem, key_pem = ca.new_ca(tenant.name or tenant.slug)
    try:
        with transaction.atomic():
            return CertificateAuthority.objects.create(tenant=tenant, certificate_pem=certificate_pem,
                                                       private_key_pem=key_pem)
    except IntegrityError:  # made meanwhile by another request
        return CertificateAuthority.objects.get(tenant_id=tenant_id)


class DuplicateCertificate(ValueError):
    """The tenant already uploaded this CA certificate."""


@transaction.atomic
def uploaded_ca_add(*, tenant_id: int, certificate_pem: str, name: str = "") -> UploadedCertificateAuthority:
    """Keep an operator's CA certificate (BadCertificate: not a valid, unexpired CA certificate;
    DuplicateCertificate: already uploaded): from now on its stations' client certificates open
    the link at profile 3."""
    facts = ca.ca_certificate_facts(certificate_pem)
    if UploadedCertificateAuthority.objects.filter(
            tenant_id=tenant_id, fingerprint_sha256=facts["fingerprint_sha256"]).exists():
        raise DuplicateCertificate("This CA certificate is already uploaded.")
    return UploadedCertificateAuthority.objects.create(tenant_id=tenant_id, name=name[:100], **facts)


def uploaded_ca_delete(*, authority: UploadedCertificateAuthority) -> None:
    """Forget an uploaded CA: certificates it issued no longer open a link, and the open links
    they opened close (each profile-3 link of the tenant checks itself again, once committed)."""
    tenant_id = authority.tenant_id
    authority.delete()
    transaction.on_commit(lambda: trust_changed(tenant_id=tenant_id))


def trust_changed(*, tenant_id: int) -> int:
    """Tell the tenant's connected profile-3 stations' links to check their certificate again;
    how many were told."""
    addresses = [station.channel_name for station in
                 Station.objects.filter(tenant_id=tenant_id, security_profile__gte=3)
                 .exclude(channel_name="").select_related("server_process")
                 if station.connected]
    for address in addresses:
        try:
            async_to_sync(links.send)(address, {"type": "station.trust_changed"})
        except Exception:  # that process is gone, and its sockets with it
            log.warning("Could not reach the link at %s", address)
    return len(addresses)


def csr_check(*, identity: str, csr_pem: str,
              certificate_type: str = IssuedCertificate.CHARGING_STATION) -> str | None:
    """Why the station's CSR is refused; None if it is acceptable (it parses, its signature
    holds and, for the certificate the station authenticates with, its CN is the station
    identity; a V2G certificate names the EVSE, as ISO 15118 wants, not the station)."""
    try:
        common_name = ca.csr_common_name(csr_pem)
    except ca.BadCertificate as bad:
        return str(bad)
    if certificate_type == IssuedCertificate.V2G:
        return None
    if common_name != identity:
        return f"The CSR's common name {common_name!r} is not the station identity."
    return None


@transaction.atomic
def station_certificate_issue(*, station_id: int, csr_pem: str,
                              certificate_type: str = IssuedCertificate.CHARGING_STATION,
                              ) -> IssuedCertificate:
    """Sign the CSR with the tenant's CA: a V2G certificate too, since a tenant has one CA
    (docs/api.md, security)."""
    station = Station.objects.get(pk=station_id)
    authority = ca_of(tenant_id=station.tenant_id)
    certificate = ca.sign_csr(ca_certificate_pem=authority.certificate_pem,
                              ca_key_pem=authority.private_key_pem, csr_pem=csr_pem)
    return IssuedCertificate.objects.create(
        tenant_id=station.tenant_id, station=station,
        serial_number=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
        certificate_pem=ca.pem(certificate), certificate_type=certificate_type,
    )


def issued_certificate_delivered(*, issued_id: int, status: str) -> None:
    IssuedCertificate.objects.filter(pk=issued_id).update(delivery_status=status[:40])


def security_event_record(*, station: Station, payload: dict, received_at: datetime) -> SecurityEvent:
    return SecurityEvent.objects.create(
        tenant_id=station.tenant_id, station_id=station.pk, type=payload["type"],
        tech_info=payload.get("techInfo", ""), timestamp=timestamps.parse(payload.get("timestamp")),
        received_at=received_at, critical=payload["type"] in CRITICAL_EVENTS,
    )


def station_pending_password_set(*, station: Station, password: str) -> None:
    """The station accepted `password`: both it and the current one work until it uses it."""
    Station.objects.filter(pk=station.pk).update(pending_password_hash=hash_password(password))


def station_security_profile_raise(*, station: Station, profile: int) -> None:
    """The station accepted `profile`: record it, never lowering what is recorded."""
    Station.objects.filter(pk=station.pk, security_profile__lt=profile).update(security_profile=profile)


@transaction.atomic
def installed_certificate_record(*, station: Station, certificate_type: str, certificate_pem: str,
                                 status: str) -> InstalledCertificate:
    data = ca.hash_data(ca.load_certificate(certificate_pem))
    return InstalledCertificate.objects.create(
        tenant_id=station.tenant_id, station=station, certificate_type=certificate_type,
        certificate_pem=certificate_pem, hash_algorithm=data["hashAlgorithm"],
        issuer_name_hash=data["issuerNameHash"], issuer_key_hash=data["issuerKeyHash"],
        serial_number=data["serialNumber"], install_status=status, installed=status == "Accepted",
    )


@transaction.atomic
def installed_certificates_reported(*, station: Station, certificate_type: str,
                                    hash_data: list[dict]) -> list[InstalledCertificate]:
    """What GetInstalledCertificateIds reported is what is installed of that type: known ones
    are marked installed, new ones added, missing ones marked not installed."""
    known = {(c.issuer_name_hash, c.issuer_key_hash, c.serial_number): c
             for c in InstalledCertificate.objects.select_for_update()
             .filter(station=station, certificate_type=certificate_type)}
    seen = []
    for data in hash_data:
        key = (data["issuerNameHash"], data["issuerKeyHash"], data["serialNumber"])
        certificate = known.get(key)
        if certificate is None:
            certificate = InstalledCertificate.objects.create(
                tenant_id=station.tenant_id, station=station, certificate_type=certificate_type,
                hash_algorithm=data["hashAlgorithm"], issuer_name_hash=key[0],
                issuer_key_hash=key[1], serial_number=key[2], install_status="Reported",
                installed=True)
        elif not certificate.installed:
            certificate.installed = True
            certificate.save(update_fields=["installed", "updated_at"])
        seen.append(certificate)
    ids = {c.pk for c in seen}
    for certificate in known.values():
        if certificate.pk not in ids and certificate.installed:
            certificate.installed = False
            certificate.save(update_fields=["installed", "updated_at"])
    return seen


def installed_certificate_deleted(*, certificate: InstalledCertificate, status: str) -> None:
    certificate.delete_status = status
    if status in ("Accepted", "NotFound"):
        certificate.installed = False
    certificate.save(update_fields=["delete_status", "installed", "updated_at"])


def security_command_record(*, station: Station, action: str, detail: str, status: str) -> None:
    SecurityCommand.objects.create(tenant_id=station.tenant_id, station_id=station.pk,
                                   action=action, detail=detail[:200], status=status[:40])
