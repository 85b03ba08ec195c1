"""Operator-uploaded CA certificates (docs/api.md, security): what an upload must be (one
parseable, unexpired CA certificate), what it shows, tenant isolation, and that a profile-3
client certificate is accepted at the handshake when it is issued by the tenant's own CA or
one it uploaded, and no longer once that upload is deleted. The TLS path for real:
tests/test_security_operator_ca.py."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from stations.ocpp.handshake import Handshake, station_authenticate
from stations.security import ca
from stations.security.models import UploadedCertificateAuthority
from stations.security.profiles import LinkSecurity, tenant_ca_pems
from stations.security.services import ca_of
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/security/uploaded-cas/"


def operator_ca(name: str = "Maker PKI Root", *, is_ca: bool = True, days: int = 3650,
                rsa_key: bool = False) -> tuple[str, object]:
    """A CA certificate of someone else's PKI (RSA or EC, as makers use both) and its key."""
    key = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2 if days < 0 else 0, minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    return ca.pem(certificate), key


def station_certificate(identity: str, ca_pem: str, ca_key, key=None) -> str:
    """A client certificate for `identity` (and `key`, else a new one) issued by that CA, as
    the maker's factory does."""
    authority = x509.load_pem_x509_certificate(ca_pem.encode())
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, identity)]))
        .issuer_name(authority.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365))
        .sign(ca_key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def test_an_uploaded_ca_certificate_shows_its_subject_fingerprint_and_validity():
    tenant = make_tenant()
    pem, _ = operator_ca("Maker PKI Root", rsa_key=True)
    with api_client(tenant) as api:
        created = api.post(URL, json={"name": "Maker", "certificate": pem})
        assert created.status_code == 201, created.text
        listed = api.get(URL).json()["results"]
    body = created.json()
    assert body["subject"] == "CN=Maker PKI Root" and body["name"] == "Maker"
    certificate = x509.load_pem_x509_certificate(pem.encode())
    assert body["fingerprint_sha256"] == certificate.fingerprint(hashes.SHA256()).hex()
    assert body["not_after"].startswith(f"{certificate.not_valid_after_utc:%Y-%m-%d}")
    assert "certificate" not in body and body["certificate_pem"] == pem
    assert [row["id"] for row in listed] == [body["id"]]


@pytest.mark.parametrize("upload, message", [
    ("not a certificate", "does not parse"),
    (operator_ca(is_ca=False)[0], "not a CA certificate"),
    (operator_ca(days=-1)[0], "expired"),
    (operator_ca()[0] + operator_ca()[0], "one certificate at a time"),
])
def test_an_upload_must_be_one_parseable_unexpired_ca_certificate(upload, message):
    tenant = make_tenant()
    with api_client(tenant) as api:
        answer = api.post(URL, json={"certificate": upload})
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["certificate"][0]
    assert not UploadedCertificateAuthority.objects.filter(tenant=tenant).exists()


def test_the_same_ca_certificate_twice_is_a_400():
    tenant = make_tenant()
    pem, _ = operator_ca()
    with api_client(tenant) as api:
        assert api.post(URL, json={"certificate": pem}).status_code == 201
        again = api.post(URL, json={"certificate": pem})
    assert again.status_code == 400 and "already" in again.text


def test_another_tenants_uploaded_ca_is_never_visible_nor_deletable():
    tenant, other = make_tenant(), make_tenant()
    pem, _ = operator_ca()
    with api_client(other) as api:
        theirs = api.post(URL, json={"certificate": pem}).json()["id"]
    with api_client(tenant) as api:
        assert api.get(URL).json()["results"] == []
        assert api.get(f"{URL}{theirs}/").status_code == 404
        assert api.delete(f"{URL}{theirs}/").status_code == 404
        # The same certificate may be uploaded by both tenants: each trusts it for itself.
        assert api.post(URL, json={"certificate": pem}).status_code == 201
    assert UploadedCertificateAuthority.objects.filter(pk=theirs).exists()


def test_only_a_manager_or_installer_token_uploads():
    tenant = make_tenant()
    pem, _ = operator_ca()
    with api_client(tenant, role="accountant") as api:
        assert api.post(URL, json={"certificate": pem}).status_code == 403
        assert api.get(URL).status_code == 200


def _profile_3(tenant, identity, certificate_pem) -> object:
    return station_authenticate(tenant_slug=tenant.slug, identity=identity, password=None,
                                link=LinkSecurity(tls=True, client_certificate=certificate_pem))


def test_a_profile_3_certificate_of_an_uploaded_ca_opens_the_link_until_the_ca_is_deleted():
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    pem, key = operator_ca()
    client = station_certificate(station.identity, pem, key)
    assert not isinstance(_profile_3(tenant, station.identity, client), Handshake)
    with api_client(tenant) as api:
        uploaded = api.post(URL, json={"certificate": pem}).json()["id"]
        assert isinstance(_profile_3(tenant, station.identity, client), Handshake)
        # The tenant's own CA still counts beside it.
        own = ca_of(tenant_id=tenant.pk)
        assert isinstance(_profile_3(tenant, station.identity, ca.pem(ca.sign_csr(
            ca_certificate_pem=own.certificate_pem, ca_key_pem=own.private_key_pem,
            csr_pem=_csr(station.identity)))), Handshake)
        assert api.delete(f"{URL}{uploaded}/").status_code == 204
    assert not isinstance(_profile_3(tenant, station.identity, client), Handshake)


def test_the_identity_rule_holds_for_an_uploaded_ca_too():
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    pem, key = operator_ca()
    with api_client(tenant) as api:
        api.post(URL, json={"certificate": pem})
    assert not isinstance(_profile_3(tenant, station.identity,
                                     station_certificate("SOMEONE-ELSE", pem, key)), Handshake)


def test_another_tenants_uploaded_ca_is_never_accepted():
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    pem, key = operator_ca()
    with api_client(other) as api:
        api.post(URL, json={"certificate": pem})
    ca_of(tenant_id=tenant.pk)
    assert tenant_ca_pems(tenant.pk) == [ca_of(tenant_id=tenant.pk).certificate_pem]
    assert not isinstance(_profile_3(tenant, station.identity,
                                     station_certificate(station.identity, pem, key)), Handshake)


def _csr(identity: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return (x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, identity)]))
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode())
