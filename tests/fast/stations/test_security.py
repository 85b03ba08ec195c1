"""The OCPP 1.6 Security extension's API and certificate checks, in process: password rules, the
tenant's CA, certificates the API refuses, the security profile on the station resource (what a
station takes part in: tests/test_security.py)."""

import pytest
from cryptography import x509

from stations.security import ca
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


# Password rotation (TC_073) --------------------------------------------------------------


def test_a_chosen_password_must_be_16_to_40_printable_characters():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        for bad in ("short", "x" * 41, "with:colon-0123456789"):
            response = api.post(f"/api/v1/stations/{station.identity}/password/",
                                json={"password": bad})
            assert response.status_code == 400 and "password" in response.json()


def test_a_profile_3_station_has_no_password_to_rotate():
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/password/", json={})
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_rotating_the_password_of_a_station_offline_is_409():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        log = (api.get(f"/api/v1/stations/{station.identity}/security-commands/")).json()
    assert response.status_code == 409
    assert [c["status"] for c in log["results"]] == ["StationNotConnected"]


# The tenant's CA and station certificates ------------------------------------------------
def test_each_tenant_has_its_own_ca():
    tenant, other = make_tenant(), make_tenant("Other")
    with api_client(tenant) as api, api_client(other) as other_api:
        first = (api.get("/api/v1/security/ca/")).json()["certificate"]
        again = (api.get("/api/v1/security/ca/")).json()["certificate"]
        others = (other_api.get("/api/v1/security/ca/")).json()["certificate"]
    assert first == again != others
    certificate = x509.load_pem_x509_certificate(first.encode())
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


# Root certificates on the station --------------------------------------------------------


def test_a_certificate_that_does_not_parse_or_an_unknown_type_is_400():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/certificates/",
                            json={"certificate_type": "V2GRootCertificate",
                                  "certificate": "-----BEGIN CERTIFICATE-----\nxx"})
    assert response.status_code == 400
    assert set(response.json()) == {"certificate_type", "certificate"}


# Security profile ------------------------------------------------------------------------


def test_the_station_api_shows_the_profile_and_patch_only_raises_it():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/"
    with api_client(tenant) as api:
        assert (api.get(url)).json()["security_profile"] == 1
        raised = api.patch(url, json={"security_profile": 3})
        lowered = api.patch(url, json={"security_profile": 2})
        invalid = api.patch(url, json={"security_profile": 4})
        created = api.post("/api/v1/stations/", json={"identity": "CP-TLS-NEW",
                                                      "security_profile": 2})
    assert raised.status_code == 200 and raised.json()["security_profile"] == 3
    assert lowered.status_code == 400 and "security_profile" in lowered.json()
    assert invalid.status_code == 400
    assert created.status_code == 201 and created.json()["security_profile"] == 2


# The certificate checks themselves -------------------------------------------------------
def _signed_for(identity: str, ca_pem: str, ca_key_pem: str) -> str:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, identity)]))
           .sign(key, hashes.SHA256()))
    return ca.pem(ca.sign_csr(ca_certificate_pem=ca_pem, ca_key_pem=ca_key_pem,
                              csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode()))


def test_a_client_certificate_must_be_of_the_ca_valid_now_and_name_the_station():
    from datetime import UTC, datetime, timedelta

    ca_pem, ca_key = ca.new_ca("Operator")
    other_pem, other_key = ca.new_ca("Operator")
    good = _signed_for("CP-1", ca_pem, ca_key)

    def problem(certificate, identity="CP-1", now=None):
        return ca.client_certificate_problem(ca_certificate_pems=[ca_pem], certificate_pem=certificate,
                                             identity=identity, now=now)

    assert problem(good) is None
    assert problem(good, identity="CP-2") == "its common name is not the station identity"
    assert problem(_signed_for("CP-1", other_pem, other_key)) == \
        "signature does not verify against a CA of the tenant"
    assert problem(good, now=datetime.now(tz=UTC) + timedelta(days=3 * 365)) == "outside its validity"
    assert problem("not a certificate") == "does not parse"


def test_the_ca_key_is_stored_encrypted():
    _, key_pem = ca.new_ca("Operator")
    assert key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
