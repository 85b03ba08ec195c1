"""The built-in test PKI, for development and tests (docs/pki.md): the tenant's own CA plays the
mobility operator's root. It issues contract certificates for eMAIDs, keeps them
(ContractCertificate), answers OCSP for them from that record (a real, signed RFC 6960
response) and validates contract chains against the tenant's trust anchors.

It does not speak EXI: where an EV's CertificateInstallationReq would be, it reads a PKCS#10
CSR whose CN is the eMAID (PEM or DER, Base64 like the EXI) and answers, where the
CertificateInstallationRes would be, the contract certificate and its issuer, PEM, Base64. A
real EV needs a real PKI: PKI_BACKEND=http."""

import base64
import binascii
import itertools
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID
from django.db import transaction

from stations.security import ca
from stations.security.models import (
    ContractCertificate,
    InstalledCertificate,
    IssuedCertificate,
    UploadedCertificateAuthority,
)
from stations.security.pki.base import (
    ACCEPTED,
    FAILED,
    CertificateStatus,
    EvCertificate,
    PkiBackend,
)

CONTRACT_DAYS = 365
EXI_RESPONSE_MAX = 7500  # Get15118EVCertificateResponse.exiResponse


class BuiltinPki(PkiBackend):
    name = "builtin"

    def get_15118_ev_certificate(self, *, tenant_id: int, schema_version: str, action: str,
                                 exi_request: str) -> EvCertificate:
        csr = _csr_of(exi_request)
        if csr is None:
            return EvCertificate(FAILED, reason="The built-in test PKI reads a CSR (CN: the "
                                                "eMAID) in place of EXI; this is neither.")
        emaid = _common_name(csr.subject)
        if not emaid:
            return EvCertificate(FAILED, reason="The CSR names no eMAID (CN).")
        if action == "Update" and not _has_contract(tenant_id, emaid):
            return EvCertificate(FAILED, reason=f"No valid contract certificate of {emaid} to update.")
        issued = contract_certificate_issue(tenant_id=tenant_id, emaid=emaid, public_key=csr.public_key())
        authority = ca.load_certificate(_authority(tenant_id).certificate_pem)
        chain = (issued.certificate_pem + ca.pem(authority)).encode()
        response = base64.b64encode(chain).decode()
        if len(response) > EXI_RESPONSE_MAX:
            return EvCertificate(FAILED, reason="The answer would be too long for exiResponse.")
        return EvCertificate(ACCEPTED, exi_response=response)

    def get_certificate_status(self, *, tenant_id: int, ocsp_request_data: dict) -> CertificateStatus:
        if ocsp_request_data.get("hashAlgorithm") != "SHA256":
            return CertificateStatus(FAILED, reason="The built-in test PKI hashes with SHA256 only.")
        record = _record(tenant_id, ocsp_request_data) or _station_certificate(tenant_id,
                                                                                ocsp_request_data)
        if record is None:
            return CertificateStatus(FAILED, reason="Not a certificate the built-in test PKI issued.")
        return CertificateStatus(ACCEPTED, ocsp_result=_ocsp_response(tenant_id, record))

    def authorize_contract(self, *, tenant_id: int, emaid: str, certificate: str | None = None,
                           hash_data: list[dict] | None = None) -> str:
        if certificate:
            return _chain_verdict(tenant_id, certificate)
        return _hash_data_verdict(tenant_id, hash_data or [])


# Issuing and revoking --------------------------------------------------------------------------
def _authority(tenant_id: int):
    from stations.security.services import ca_of  # services imports this package's selector

    return ca_of(tenant_id=tenant_id)


@transaction.atomic
def contract_certificate_issue(*, tenant_id: int, emaid: str, public_key=None,
                               now: datetime | None = None) -> ContractCertificate:
    """A contract certificate for `emaid` (its CN) on `public_key` (a new EC key when None: the
    record then holds no private key, so such a certificate only serves central validation
    and OCSP tests), signed by the tenant's CA."""
    now = now or datetime.now(tz=UTC)
    authority = _authority(tenant_id)
    issuer = ca.load_certificate(authority.certificate_pem)
    key = ca.load_ca_key(authority.private_key_pem)
    public_key = public_key or ec.generate_private_key(ec.SECP256R1()).public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, emaid[:64])]))
        .issuer_name(issuer.subject).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CONTRACT_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    data = ca.issued_hash_data(certificate, issuer)
    return ContractCertificate.objects.create(
        tenant_id=tenant_id, emaid=emaid, serial_number=data["serialNumber"],
        issuer_name_hash=data["issuerNameHash"], issuer_key_hash=data["issuerKeyHash"],
        certificate_pem=ca.pem(certificate), not_after=certificate.not_valid_after_utc)


def contract_certificate_revoke(*, certificate: ContractCertificate,
                                state: str = ContractCertificate.REVOKED) -> None:
    """Revoke it (or cancel its contract): its OCSP answer says revoked from now on."""
    certificate.state = state
    certificate.revoked_at = datetime.now(tz=UTC)
    certificate.save(update_fields=["state", "revoked_at"])


# Reading ---------------------------------------------------------------------------------------
def _csr_of(exi_request: str) -> x509.CertificateSigningRequest | None:
    try:
        raw = base64.b64decode(exi_request, validate=True)
    except (binascii.Error, ValueError):
        return None
    for load in (x509.load_pem_x509_csr, x509.load_der_x509_csr):
        try:
            csr = load(raw)
        except ValueError:
            continue
        return csr if csr.is_signature_valid else None
    return None


def _common_name(name: x509.Name) -> str:
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def _has_contract(tenant_id: int, emaid: str) -> bool:
    return ContractCertificate.objects.filter(
        tenant_id=tenant_id, emaid=emaid, state=ContractCertificate.VALID,
        not_after__gt=datetime.now(tz=UTC)).exists()


def _record(tenant_id: int, data: dict) -> ContractCertificate | None:
    return ContractCertificate.objects.filter(
        tenant_id=tenant_id, issuer_name_hash=data["issuerNameHash"].lower(),
        issuer_key_hash=data["issuerKeyHash"].lower(),
        serial_number=data["serialNumber"].lower().lstrip("0") or "0").first()


def _station_certificate(tenant_id: int, data: dict) -> ContractCertificate | None:
    """A station certificate the tenant's CA signed (its V2G certificate, M06), as an unsaved
    valid record: the CA revokes none of them."""
    issuer = ca.load_certificate(_authority(tenant_id).certificate_pem)
    serial = data["serialNumber"].lower().lstrip("0") or "0"
    issued = IssuedCertificate.objects.filter(tenant_id=tenant_id, serial_number=serial).first()
    if issued is None:
        return None
    certificate = ca.load_certificate(issued.certificate_pem)
    expected = ca.issued_hash_data(certificate, issuer)
    if (expected["issuerNameHash"], expected["issuerKeyHash"]) != (
            data["issuerNameHash"].lower(), data["issuerKeyHash"].lower()):
        return None
    return ContractCertificate(tenant_id=tenant_id, certificate_pem=issued.certificate_pem,
                               not_after=issued.not_after)


def _ocsp_response(tenant_id: int, record: ContractCertificate) -> str:
    authority = _authority(tenant_id)
    issuer = ca.load_certificate(authority.certificate_pem)
    now = datetime.now(tz=UTC)
    revoked = record.state != ContractCertificate.VALID
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(cert=ca.load_certificate(record.certificate_pem), issuer=issuer,
                      algorithm=hashes.SHA256(),
                      cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
                      this_update=now, next_update=now + timedelta(days=1),
                      revocation_time=record.revoked_at if revoked else None,
                      revocation_reason=_reason(record) if revoked else None)
        .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
        .sign(ca.load_ca_key(authority.private_key_pem), hashes.SHA256())
    )
    return base64.b64encode(response.public_bytes(serialization.Encoding.DER)).decode()


def _reason(record: ContractCertificate) -> x509.ReasonFlags:
    if record.state == ContractCertificate.CANCELLED:
        return x509.ReasonFlags.cessation_of_operation
    return x509.ReasonFlags.unspecified


def _record_verdict(record: ContractCertificate) -> str:
    if record.state == ContractCertificate.REVOKED:
        return "CertificateRevoked"
    if record.state == ContractCertificate.CANCELLED:
        return "ContractCancelled"
    if record.not_after <= datetime.now(tz=UTC):
        return "CertificateExpired"
    return ACCEPTED


def _hash_data_verdict(tenant_id: int, hash_data: list[dict]) -> str:
    """The station validated the chain itself: is its leaf (the first entry) still good?"""
    if not hash_data or hash_data[0].get("hashAlgorithm") != "SHA256":
        return "NoCertificateAvailable"
    record = _record(tenant_id, hash_data[0])
    return "NoCertificateAvailable" if record is None else _record_verdict(record)


def _anchors(tenant_id: int) -> list[x509.Certificate]:
    """The tenant's trust anchors for contracts: its CA, the CAs it uploaded and the V2G and MO
    roots it installed on its stations."""
    pems = [_authority(tenant_id).certificate_pem]
    pems += UploadedCertificateAuthority.objects.filter(tenant_id=tenant_id).values_list(
        "certificate_pem", flat=True)
    pems += InstalledCertificate.objects.filter(
        tenant_id=tenant_id, certificate_type__in=[InstalledCertificate.V2G_ROOT,
                                                   InstalledCertificate.MO_ROOT],
    ).exclude(certificate_pem="").values_list("certificate_pem", flat=True)
    return [ca.load_certificate(pem) for pem in dict.fromkeys(pems)]


def _chain_verdict(tenant_id: int, certificate_pem: str) -> str:
    """Central validation (C_52): the chain (leaf first) holds, is in force and ends at one of
    the tenant's anchors; then the leaf's own record, when this PKI issued it."""
    try:
        chain = x509.load_pem_x509_certificates(certificate_pem.encode())
    except ValueError:
        return "SignatureError"
    now = datetime.now(tz=UTC)
    if any(not c.not_valid_before_utc <= now <= c.not_valid_after_utc for c in chain):
        return "CertificateExpired"
    if not all(ca.signed_by(parent, child) for child, parent in itertools.pairwise(chain)):
        return "SignatureError"
    if _is_ca(chain[0]):
        return "CertChainError"  # a CA certificate is no contract
    anchors, top = _anchors(tenant_id), chain[-1]
    if not any(top == anchor or ca.signed_by(anchor, top) for anchor in anchors):
        named = any(top.issuer == anchor.subject for anchor in anchors)
        return "SignatureError" if named else "CertChainError"
    issuer = chain[1] if len(chain) > 1 else next(
        (a for a in anchors if ca.signed_by(a, chain[0])), None)
    record = issuer and _record(tenant_id, ca.issued_hash_data(chain[0], issuer))
    return ACCEPTED if record is None else _record_verdict(record)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False
