"""Operator-uploaded CA certificates for real (docs/api.md, security): stations that come with
client certificates from their maker's or the operator's own PKI connect at profile 3 through
deploy/nginx.conf once the tenant uploads that CA through the API, 1.6 and 2.0.1 alike; another
tenant's upload never lets them in, and deleting the upload shuts them out at their next
connection. (The checks without TLS: tests/fast/stations/security/test_uploaded_cas.py.)"""

import asyncio

import pytest

from tests.factories import api_client, make_station, make_tenant
from tests.fast.stations.security.test_uploaded_cas import operator_ca, station_certificate
from tests.nginx import needs_nginx, running_nginx
from tests.server import server_env, start_server
from tests.test_security_201 import handshake_status as handshake_status_201
from tests.test_security_tls import handshake_status as handshake_status_16
from tests.test_security_tls import tls_context

pytestmark = needs_nginx
URL = "/api/v1/security/uploaded-cas/"


@pytest.fixture(scope="module")
def trusting_server(database, tmp_path_factory):
    srv = start_server(server_env() | {"OCPP_TRUST_PROXY_HEADERS": "1"},
                       tmp_path_factory.mktemp("trusting-operator-ca"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def tls_proxy(trusting_server, tmp_path_factory):
    with running_nginx(tmp_path_factory.mktemp("nginx-operator-ca"), [trusting_server.port]) as proxy:
        yield proxy


def maker_client(folder, identity: str, ca_pem: str, ca_key) -> tuple:
    """The station's key and the certificate its maker's CA issued it, as files for TLS."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    cert_path, key_path = folder / f"{identity}-cert.pem", folder / f"{identity}-key.pem"
    cert_path.write_text(station_certificate(identity, ca_pem, ca_key, key=key))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


async def _status(version: str, port: int, tenant, identity: str, tls) -> int:
    if version == "2.0.1":
        return await handshake_status_201(f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}", identity,
                                          None, ssl=tls)
    return await handshake_status_16(port, tenant, identity, None, tls)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_maker_certificate_opens_the_link_once_its_ca_is_uploaded_and_not_after_delete(
        trusting_server, tls_proxy, tmp_path, version):
    port, cert = tls_proxy
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    ca_pem, ca_key = operator_ca("Maker Factory CA", rsa_key=version == "1.6")
    tls = tls_context(cert, maker_client(tmp_path, station.identity, ca_pem, ca_key))
    assert await _status(version, port, tenant, station.identity, tls) == 401
    async with api_client(trusting_server, tenant) as api:
        uploaded = await api.post(URL, json={"name": "Maker", "certificate": ca_pem})
        assert uploaded.status_code == 201, uploaded.text
        assert await _status(version, port, tenant, station.identity, tls) == 101
        deleted = await api.delete(f"{URL}{uploaded.json()['id']}/")
        assert deleted.status_code == 204
    assert await _status(version, port, tenant, station.identity, tls) == 401


async def test_another_tenants_upload_never_opens_the_link(trusting_server, tls_proxy, tmp_path):
    port, cert = tls_proxy
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    ca_pem, ca_key = operator_ca("Someone Else's CA")
    async with api_client(trusting_server, other) as api:
        assert (await api.post(URL, json={"certificate": ca_pem})).status_code == 201
    async with api_client(trusting_server, tenant) as api:
        assert (await api.get(URL)).json()["results"] == []
    tls = tls_context(cert, maker_client(tmp_path, station.identity, ca_pem, ca_key))
    assert await _status("2.0.1", port, tenant, station.identity, tls) == 401
    assert await _status("1.6", port, tenant, station.identity, tls) == 401


async def test_deleting_an_upload_closes_the_open_links_it_opened_and_no_other(
        trusting_server, tls_proxy, tmp_path):
    """The stations connected with a certificate of the deleted CA are cut off at once (close
    code 4003); a station of the tenant's own CA stays connected."""
    from stations.security.services import ca_of
    from stations.simulator.v201 import SimulatedChargePoint201, connect
    from tests.test_security_tls import client_certificate

    port, cert = tls_proxy
    tenant = make_tenant()
    maker_station, _ = make_station(tenant, security_profile=3)
    own_station, _ = make_station(tenant, security_profile=3)
    ca_pem, ca_key = operator_ca("Maker Factory CA")
    authority = ca_of(tenant_id=tenant.pk)
    (tmp_path / "own").mkdir()
    clients = {
        maker_station.identity: maker_client(tmp_path, maker_station.identity, ca_pem, ca_key),
        own_station.identity: client_certificate(tmp_path / "own", own_station.identity,
                                                 authority.certificate_pem,
                                                 authority.private_key_pem)}
    url = f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}"
    async with api_client(trusting_server, tenant) as api:
        uploaded = (await api.post(URL, json={"certificate": ca_pem})).json()
        links, runners = {}, []
        for identity, client in clients.items():
            links[identity] = await connect(url, identity, None, ssl=tls_context(cert, client))
            cp = SimulatedChargePoint201(identity, links[identity])
            runners.append(asyncio.create_task(cp.start()))
            assert (await cp.boot()).status == "Accepted"
        try:
            assert (await api.delete(f"{URL}{uploaded['id']}/")).status_code == 204
            await asyncio.wait_for(links[maker_station.identity].wait_closed(), 10)
            assert links[maker_station.identity].close_code == 4003
            await asyncio.sleep(1)
            assert links[own_station.identity].close_code is None
        finally:
            for runner in runners:
                runner.cancel()
            for link in links.values():
                await link.close()
