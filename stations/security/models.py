"""OCPP 1.6 Security extension: each tenant's certificate authority, the certificates issued to
and installed on stations, and the security events stations report."""

from django.db import models

from stations.models import Station
from tenants.models import Tenant


class CertificateAuthority(models.Model):
    """The tenant's own CA: it signs its stations' client certificates (profile 3).

    The private key is stored PEM-encrypted with a key derived from SECRET_KEY (see ca.py), so a
    database dump alone does not give it away; changing SECRET_KEY makes it unreadable."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="certificate_authority")
    certificate_pem = models.TextField()
    private_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"CA of {self.tenant}"


class UploadedCertificateAuthority(models.Model):
    """A CA certificate the tenant uploaded: its maker's or its own PKI's. A profile-3 station's
    client certificate is accepted when it is issued by the tenant's own CA or by any of these
    (stations/security/profiles.py); deleting one stops its stations' certificates at their next
    handshake. Only the certificate: we never sign with it (docs/api.md, security)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="uploaded_cas")
    name = models.CharField(max_length=100, blank=True)
    certificate_pem = models.TextField()
    subject = models.CharField(max_length=500)
    issuer = models.CharField(max_length=500)
    fingerprint_sha256 = models.CharField(max_length=64)  # hex of the DER
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "fingerprint_sha256"],
                                               name="uploaded_ca_once_per_tenant")]

    def __str__(self) -> str:
        return self.name or self.subject


class IssuedCertificate(models.Model):
    """A station certificate our CA signed from a station's CSR (SignCertificate): 1.6's
    ChargePointCertificate, 2.0.1's ChargingStationCertificate or V2GCertificate."""

    CHARGING_STATION = "ChargingStationCertificate"
    V2G = "V2GCertificate"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="issued_certificates")
    serial_number = models.CharField(max_length=64)  # hex
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    certificate_pem = models.TextField()
    # The domain's (2.0.1's) name for what it is for; 1.6 knows only the first.
    certificate_type = models.CharField(max_length=40, default=CHARGING_STATION,
                                        choices=[(CHARGING_STATION, CHARGING_STATION), (V2G, V2G)])
    # What the station answered to CertificateSigned: Accepted, Rejected, or the failure.
    delivery_status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class InstalledCertificate(models.Model):
    """A root certificate on a station: sent by InstallCertificate and/or reported by
    GetInstalledCertificateIds (then known only by its hash data)."""

    # The domain's names for what a root certificate is for (OCPP 2.0.1's, which cover 1.6's):
    # each version's adapter words them for its stations, 1.6 calls the CSMS root its
    # "CentralSystemRootCertificate" (docs/domain-model.md, certificates).
    CSMS_ROOT = "CSMSRootCertificate"
    MANUFACTURER = "ManufacturerRootCertificate"
    V2G_ROOT = "V2GRootCertificate"
    MO_ROOT = "MORootCertificate"
    # The station's own ISO 15118 certificate chain: only ever reported (2.0.1's
    # GetInstalledCertificateIds), never installed by InstallCertificate.
    V2G_CHAIN = "V2GCertificateChain"
    TYPES = [(CSMS_ROOT, CSMS_ROOT), (MANUFACTURER, MANUFACTURER), (V2G_ROOT, V2G_ROOT),
             (MO_ROOT, MO_ROOT), (V2G_CHAIN, V2G_CHAIN)]
    INSTALLABLE = frozenset({CSMS_ROOT, MANUFACTURER, V2G_ROOT, MO_ROOT})

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE,
                                related_name="installed_certificates")
    certificate_type = models.CharField(max_length=40, choices=TYPES)
    certificate_pem = models.TextField(blank=True)
    hash_algorithm = models.CharField(max_length=10, default="SHA256")
    issuer_name_hash = models.CharField(max_length=128)
    issuer_key_hash = models.CharField(max_length=128)
    serial_number = models.CharField(max_length=40)
    # InstallCertificate's answer (Accepted, Failed, Rejected) or "Reported" from the station's list
    install_status = models.CharField(max_length=20)
    installed = models.BooleanField(default=False)
    # DeleteCertificate's answer (Accepted, Failed, NotFound) once asked
    delete_status = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def hash_data(self) -> dict:
        return {"hashAlgorithm": self.hash_algorithm, "issuerNameHash": self.issuer_name_hash,
                "issuerKeyHash": self.issuer_key_hash, "serialNumber": self.serial_number}


class SecurityEvent(models.Model):
    """A SecurityEventNotification; `critical` per the whitepaper's list of security events."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="security_events")
    type = models.CharField(max_length=50)
    tech_info = models.CharField(max_length=255, blank=True)
    timestamp = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "received_at"]),
                   models.Index(fields=["station", "received_at"])]


class SecurityCommand(models.Model):
    """What the central system asked a station in the Security extension and how it answered
    (its status, or why there was none): the audit trail of password and profile changes."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="security_commands")
    action = models.CharField(max_length=40)
    detail = models.CharField(max_length=200, blank=True)  # never a password
    status = models.CharField(max_length=40)  # the station's status, or the failure
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class ContractCertificate(models.Model):
    """An ISO 15118 contract certificate the built-in test PKI issued for an eMAID (answering a
    Get15118EVCertificate, or from the API): what its OCSP answers and contract checks read.
    A real PKI keeps its own (docs/pki.md)."""

    VALID, REVOKED, CANCELLED = "Valid", "Revoked", "ContractCancelled"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    emaid = models.CharField(max_length=255)
    serial_number = models.CharField(max_length=40)  # hex, as certificateHashData names it
    issuer_name_hash = models.CharField(max_length=128)
    issuer_key_hash = models.CharField(max_length=128)
    certificate_pem = models.TextField()
    not_after = models.DateTimeField()
    state = models.CharField(max_length=20, default=VALID,
                             choices=[(VALID, VALID), (REVOKED, REVOKED), (CANCELLED, CANCELLED)])
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["tenant", "issuer_key_hash", "serial_number"], name="contract_certificate_once")]


class PkiRequest(models.Model):
    """One question a station's ISO 15118 message put to the PKI backend (Get15118EVCertificate,
    GetCertificateStatus, a contract Authorize) and its answer: the log on the Security page."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="pki_requests")
    action = models.CharField(max_length=40)
    backend = models.CharField(max_length=20)
    detail = models.CharField(max_length=200, blank=True)  # the eMAID, the serial number asked
    status = models.CharField(max_length=40)  # the answer's status
    reason = models.CharField(max_length=200, blank=True)  # why it failed, when it did
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "created_at"])]
