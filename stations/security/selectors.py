"""Reads of the Security extension, always within one tenant."""

from stations.models import Station
from stations.security.models import (
    ContractCertificate,
    InstalledCertificate,
    IssuedCertificate,
    PkiRequest,
    SecurityCommand,
    SecurityEvent,
    UploadedCertificateAuthority,
)
from tenants.models import Tenant


def security_events_of(tenant: Tenant):
    return SecurityEvent.objects.filter(tenant=tenant).select_related("station")


def station_security_events(station: Station):
    return SecurityEvent.objects.filter(tenant_id=station.tenant_id, station=station)


def installed_certificates_of(station: Station):
    return (InstalledCertificate.objects.filter(tenant_id=station.tenant_id, station=station)
            .select_related("station"))  # its type is shown in its station's version's words


def issued_certificates_of(station: Station):
    return (IssuedCertificate.objects.filter(tenant_id=station.tenant_id, station=station)
            .select_related("station"))  # its type is shown in its station's version's words


def security_commands_of(station: Station):
    return SecurityCommand.objects.filter(tenant_id=station.tenant_id, station=station)


def uploaded_cas_of(tenant: Tenant):
    return UploadedCertificateAuthority.objects.filter(tenant=tenant)


def pki_requests_of(tenant: Tenant):
    """What the tenant's stations asked the ISO 15118 PKI, newest first (docs/pki.md)."""
    return PkiRequest.objects.filter(tenant=tenant).select_related("station")


def contract_certificates_of(tenant: Tenant):
    """The contract certificates the built-in test PKI issued in the tenant."""
    return ContractCertificate.objects.filter(tenant=tenant)
