"""Security profiles 2 and 3 for real: deploy/nginx.conf terminates TLS (asking for a client
certificate without verifying it) in front of a server process that trusts its headers
(OCPP_TRUST_PROXY_HEADERS=1); the backend checks the certificate against the tenant's CA."""

import asyncio
import ssl
from pathlib import Path
from urllib.parse import quote

import pytest
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.exceptions import InvalidStatus

from stations.security import ca
from stations.security.services import ca_of
from stations.simulator import SecureChargePoint, basic_auth
from tests.factories import make_station, make_tenant
from tests.nginx import needs_nginx, running_nginx
from tests.server import server_env, start_server

pytestmark = needs_nginx


@pytest.fixture(scope="module")
def trusting_server(database, tmp_path_factory):
    srv = start_server(server_env() | {"OCPP_TRUST_PROXY_HEADERS": "1"},
                       tmp_path_factory.mktemp("trusting"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def tls_proxy(trusting_server, tmp_path_factory):
    """nginx with deploy/nginx.conf in front of `trusting_server`: (port, server certificate)."""
    with running_nginx(tmp_path_factory.mktemp("nginx"), [trusting_server.port]) as proxy:
        yield proxy


def client_certificate(folder: Path, common_name: str, ca_certificate_pem: str,
                       ca_key_pem: str) -> tuple[Path, Path]:
    """A station key and its certificate with subject CN `common_name`, signed by that CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
           .sign(key, hashes.SHA256()))
    certificate = ca.sign_csr(ca_certificate_pem=ca_certificate_pem, ca_key_pem=ca_key_pem,
                              csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode())
    cert_path, key_path = folder / f"{common_name}-cert.pem", folder / f"{common_name}-key.pem"
    cert_path.write_text(ca.pem(certificate))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def tls_context(server_cert: Path, client: tuple[Path, Path] | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(server_cert))
    if client:
        context.load_cert_chain(str(client[0]), str(client[1]))
    return context


async def open_link(port, tenant, identity, password, tls, headers=None):
    return await websockets.connect(
        f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}/{identity}", subprotocols=["ocpp1.6"],
        ssl=tls, open_timeout=10,
        additional_headers=(basic_auth(identity, password) if password else {}) | (headers or {}))


async def handshake_status(*args, **kwargs) -> int:
    try:
        connection = await open_link(*args, **kwargs)
    except InvalidStatus as refusal:
        return refusal.response.status_code
    await connection.close()
    return 101


async def boots(connection, identity) -> str:
    """The station boots over the link: proof the link serves OCPP."""
    cp = SecureChargePoint(identity, connection)
    runner = asyncio.create_task(cp.start())
    try:
        return (await cp.boot()).status
    finally:
        runner.cancel()
        await connection.close()


async def test_a_profile_2_station_connects_over_wss_with_its_password(tls_proxy):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    connection = await open_link(port, tenant, station.identity, password, tls_context(cert))
    assert await boots(connection, station.identity) == "Accepted"
    assert await handshake_status(port, tenant, station.identity, "wrong-password-012345",
                                  tls_context(cert)) == 401


async def test_a_profile_1_station_may_use_wss_too(tls_proxy):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, password = make_station(tenant)
    assert await handshake_status(port, tenant, station.identity, password, tls_context(cert)) == 101


async def test_a_profile_3_station_connects_with_a_certificate_of_its_tenant_ca(tls_proxy, tmp_path):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    authority = ca_of(tenant_id=tenant.pk)
    client = client_certificate(tmp_path, station.identity, authority.certificate_pem,
                                authority.private_key_pem)
    # No password: profile 3 authenticates by the certificate alone.
    connection = await open_link(port, tenant, station.identity, None, tls_context(cert, client))
    assert await boots(connection, station.identity) == "Accepted"


async def test_a_profile_3_station_is_refused_with_a_certificate_of_another_ca(tls_proxy, tmp_path):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=3)
    ca_of(tenant_id=tenant.pk)
    other_ca_pem, other_key_pem = ca.new_ca(tenant.name)  # same name, another key
    client = client_certificate(tmp_path, station.identity, other_ca_pem, other_key_pem)
    assert await handshake_status(port, tenant, station.identity, password,
                                  tls_context(cert, client)) == 401


async def test_a_profile_3_station_is_refused_with_another_stations_certificate(tls_proxy, tmp_path):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=3)
    other, _ = make_station(tenant, security_profile=3)
    authority = ca_of(tenant_id=tenant.pk)
    client = client_certificate(tmp_path, other.identity, authority.certificate_pem,
                                authority.private_key_pem)
    assert await handshake_status(port, tenant, station.identity, password,
                                  tls_context(cert, client)) == 401
    assert await handshake_status(port, tenant, other.identity, None,
                                  tls_context(cert, client)) == 101


async def test_a_profile_3_station_is_refused_without_a_certificate(tls_proxy):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=3)
    ca_of(tenant_id=tenant.pk)
    assert await handshake_status(port, tenant, station.identity, password, tls_context(cert)) == 401


async def test_a_certificate_header_sent_by_the_client_is_not_passed_on(tls_proxy, tmp_path):
    """A station's certificate is no secret: whoever sends it as a header, not over TLS with
    its key, is refused (nginx drops the header when the TLS client sent no certificate)."""
    port, cert = tls_proxy
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    authority = ca_of(tenant_id=tenant.pk)
    cert_path, _ = client_certificate(tmp_path, station.identity, authority.certificate_pem,
                                      authority.private_key_pem)
    forged = {"X-SSL-Client-Cert": quote(cert_path.read_text())}
    assert await handshake_status(port, tenant, station.identity, None, tls_context(cert),
                                  headers=forged) == 401


async def test_a_profile_2_station_is_refused_over_plain_ws_to_the_trusting_server(trusting_server):
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    with pytest.raises(InvalidStatus) as refusal:
        await websockets.connect(f"{trusting_server.ws}/ocpp/{tenant.slug}/{station.identity}",
                                 subprotocols=["ocpp1.6"], open_timeout=10,
                                 additional_headers=basic_auth(station.identity, password))
    assert refusal.value.response.status_code == 403
