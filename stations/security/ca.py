"""X.509 with `cryptography`: a tenant's CA, signing station CSRs, checking client certificates
and the OCPP certificateHashData. Plain functions of PEM text; no database."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_YEARS = 20
STATION_CERTIFICATE_DAYS = 2 * 365


class BadCertificate(ValueError):
    """A CSR or certificate that does not parse or does not hold what it must."""


def _key_password() -> bytes:
    # The CA keys are encrypted at rest with a key derived from SECRET_KEY: a database dump
    # alone does not give them away. Rotating SECRET_KEY makes existing CA keys unreadable.
    return hmac.new(settings.SECRET_KEY.encode(), b"cpms-ca-private-key", hashlib.sha256).hexdigest().encode()


def new_ca(common_name: str, now: datetime | None = None) -> tuple[str, str]:
    """A self-signed CA certificate and its encrypted private key, both PEM."""
    now = now or datetime.now(tz=UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{common_name[:50]} OCPP CA")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(_key_password()))
    return pem(certificate), key_pem.decode()


def csr_common_name(csr_pem: str) -> str:
    """The subject CN of a CSR whose self-signature holds; BadCertificate otherwise."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode())
    except ValueError as error:
        raise BadCertificate(f"The CSR does not parse: {error}") from None
    if not csr.is_signature_valid:
        raise BadCertificate("The CSR's signature does not verify.")
    names = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        raise BadCertificate("The CSR has no common name.")
    return str(names[0].value)


def sign_csr(*, ca_certificate_pem: str, ca_key_pem: str, csr_pem: str,
             now: datetime | None = None) -> x509.Certificate:
    """A client certificate for the CSR's key and subject, signed by the CA."""
    now = now or datetime.now(tz=UTC)
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    ca_certificate = x509.load_pem_x509_certificate(ca_certificate_pem.encode())
    ca_key = serialization.load_pem_private_key(ca_key_pem.encode(), _key_password())
    return (
        x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_certificate.subject)
        .public_key(csr.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=STATION_CERTIFICATE_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def client_certificate_problem(*, ca_certificate_pems: list[str], certificate_pem: str,
                               identity: str, now: datetime | None = None) -> str | None:
    """Why the certificate does not prove it is station `identity` of one of these CAs (the
    tenant's own and those it uploaded); None if it does: issued and signed by one of them,
    within its validity, and its subject CN is the identity."""
    now = now or datetime.now(tz=UTC)
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        return "does not parse"
    issuers = [authority for authority in map(_parsed, ca_certificate_pems)
               if authority is not None and certificate.issuer == authority.subject]
    if not issuers:
        return "not issued by a CA of the tenant"
    if not any(_signed_by(authority, certificate) for authority in issuers):
        return "signature does not verify against a CA of the tenant"
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        return "outside its validity"
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or names[0].value != identity:
        return "its common name is not the station identity"
    return None


def _parsed(certificate_pem: str) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        return None


def _signed_by(authority: x509.Certificate, certificate: x509.Certificate) -> bool:
    try:
        _verify_signature(authority.public_key(), certificate)
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


def ca_certificate_facts(certificate_pem: str, now: datetime | None = None) -> dict:
    """What an operator's CA certificate upload shows (subject, issuer, SHA-256 fingerprint,
    validity), once it holds what it must: exactly one PEM certificate, marked a CA (basic
    constraints), and not expired; BadCertificate otherwise."""
    now = now or datetime.now(tz=UTC)
    try:
        certificates = x509.load_pem_x509_certificates(certificate_pem.encode())
    except ValueError as error:
        raise BadCertificate(f"The certificate does not parse: {error}") from None
    if len(certificates) != 1:
        raise BadCertificate(f"Upload one certificate at a time, not {len(certificates)}.")
    certificate = certificates[0]
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    except ValueError as error:
        raise BadCertificate(f"The certificate's extensions do not parse: {error}") from None
    if constraints is None or not constraints.ca:
        raise BadCertificate("The certificate is not a CA certificate (basic constraints CA:TRUE).")
    if certificate.not_valid_after_utc <= now:
        raise BadCertificate(f"The certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}.")
    return {"certificate_pem": pem(certificate), "subject": certificate.subject.rfc4514_string()[:500],
            "issuer": certificate.issuer.rfc4514_string()[:500],
            "fingerprint_sha256": certificate.fingerprint(hashes.SHA256()).hex(),
            "not_before": certificate.not_valid_before_utc,
            "not_after": certificate.not_valid_after_utc}


def _verify_signature(public_key, certificate: x509.Certificate) -> None:
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes,
                          padding.PKCS1v15(), certificate.signature_hash_algorithm)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes,
                          ec.ECDSA(certificate.signature_hash_algorithm))
    else:
        raise TypeError("unsupported CA key type")


def load_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError as error:
        raise BadCertificate(f"The certificate does not parse: {error}") from None


def hash_data(certificate: x509.Certificate) -> dict:
    """OCPP certificateHashData (SHA256) of a root certificate: it is its own issuer, so the
    issuer key is its own public key (the BIT STRING of its SubjectPublicKeyInfo)."""
    key = certificate.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key_bits = key.public_bytes(serialization.Encoding.X962,
                                    serialization.PublicFormat.UncompressedPoint)
    else:
        key_bits = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return {"hashAlgorithm": "SHA256",
            "issuerNameHash": hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
            "issuerKeyHash": hashlib.sha256(key_bits).hexdigest(),
            "serialNumber": format(certificate.serial_number, "x")[:40]}


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def load_ca_key(ca_key_pem: str):
    """A tenant CA's private key, decrypted (stored encrypted, see _key_password)."""
    return serialization.load_pem_private_key(ca_key_pem.encode(), _key_password())


def _key_bits(public_key) -> bytes:
    """The BIT STRING of a SubjectPublicKeyInfo: what OCSP's issuerKeyHash hashes."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return public_key.public_bytes(serialization.Encoding.X962,
                                       serialization.PublicFormat.UncompressedPoint)
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def issued_hash_data(certificate: x509.Certificate, issuer: x509.Certificate) -> dict:
    """OCPP certificateHashData / OCSPRequestData (SHA256) of a certificate `issuer` signed: the
    hashes of the issuer's name and key, as an OCSP request names them (RFC 6960 CertID)."""
    return {"hashAlgorithm": "SHA256",
            "issuerNameHash": hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
            "issuerKeyHash": hashlib.sha256(_key_bits(issuer.public_key())).hexdigest(),
            "serialNumber": format(certificate.serial_number, "x")[:40]}


def signed_by(authority: x509.Certificate, certificate: x509.Certificate) -> bool:
    """Whether `authority` issued `certificate` (names match and the signature holds)."""
    return certificate.issuer == authority.subject and _signed_by(authority, certificate)
