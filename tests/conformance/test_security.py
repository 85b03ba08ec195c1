"""OCA conformance scenarios of the OCPP 1.6 Security extension (whitepaper edition 3): the
charge point plays its part over the real WebSocket (through nginx for TLS), the central system
is driven through our API."""

import asyncio

from cryptography.hazmat.primitives import serialization
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.models import Station
from stations.security import ca
from stations.security.models import InstalledCertificate, IssuedCertificate, SecurityEvent
from stations.simulator import SecureChargePoint
from tests import test_security_tls
from tests.factories import api_client, eventually
from tests.test_security import handshake_status as plain_handshake_status
from tests.test_security_tls import boots, handshake_status, open_link, tls_context

# nginx with deploy/nginx.conf in front of a server that trusts its headers
trusting_server = test_security_tls.trusting_server
tls_proxy = test_security_tls.tls_proxy


def secure_station(server, octt, cls=SecureChargePoint):
    return octt.charge_point(server, cls=cls)


def _issued_status(octt) -> str | None:
    """The delivery status of the last certificate issued to the station in this case."""
    return IssuedCertificate.objects.filter(station=octt.station, created_at__gte=octt.began).order_by(
        "-pk").values_list("delivery_status", flat=True).first()


def _events_since(octt):
    return SecurityEvent.objects.filter(station=octt.station, received_at__gte=octt.began)


async def test_tc_073_update_charge_point_password_for_http_basic_authentication(server, octt):
    """Update Charge Point Password for HTTP Basic Authentication

    The central system sets a new AuthorizationKey; the station accepts, reconnects with it, and
    from then on the old password no longer opens the link."""
    octt.configure(security_profile=1)
    tenant, station, old = octt.tenant, octt.station, octt.password
    async with secure_station(server, octt) as cp, api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        new = response.json()["password"]
        octt.password = new  # the station keeps it for the cases that follow
        assert response.json()["status"] == "Accepted"
        assert cp.configuration["AuthorizationKey"] == new
    assert await plain_handshake_status(server, tenant, station.identity, new) == 101
    assert await plain_handshake_status(server, tenant, station.identity, old) == 401


async def test_tc_074_update_charge_point_certificate_by_request_of_central_system(server, octt):
    """Update Charge Point Certificate by Request of Central System

    ExtendedTriggerMessage SignChargePointCertificate; the station sends SignCertificate with a
    CSR, the central system answers Accepted and sends CertificateSigned, which the station
    installs."""
    tenant, station = octt.tenant, octt.station
    async with secure_station(server, octt) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/certificates/renew/")
        assert response.json() == {"status": "Accepted"}
        await eventually(cp.certificate_signed.is_set)
        ca_pem = (await api.get("/api/v1/security/ca/")).json()["certificate"]
    assert ca.client_certificate_problem(ca_certificate_pems=[ca_pem],
                                         certificate_pem=cp.client_certificate,
                                         identity=station.identity) is None
    await eventually(lambda: _issued_status(octt) == "Accepted")


async def _install(server, octt, certificate_type: str) -> None:
    tenant, station = octt.tenant, octt.station
    root, _ = ca.new_ca(f"{certificate_type} issuer")
    async with secure_station(server, octt) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/certificates/",
                                   json={"certificate_type": certificate_type, "certificate": root})
        listed = (await api.get(f"/api/v1/stations/{station.identity}/certificates/")).json()
    assert response.status_code == 201
    assert cp.certificates[certificate_type] == [root]
    [known] = [c for c in listed["results"] if c["id"] == response.json()["id"]]
    assert (known["certificate_type"], known["install_status"], known["installed"]) == (
        certificate_type, "Accepted", True)


async def test_tc_075_1_install_a_manufacturer_root_certificate_on_the_charge_point(server, octt):
    """Install a certificate on the Charge Point (ManufacturerRootCertificate)"""
    await _install(server, octt, "ManufacturerRootCertificate")


async def test_tc_075_2_install_a_central_system_root_certificate_on_the_charge_point(server, octt):
    """Install a certificate on the Charge Point (CentralSystemRootCertificate)"""
    await _install(server, octt, "CentralSystemRootCertificate")


async def test_tc_076_delete_a_specific_certificate_from_the_charge_point(server, octt):
    """Delete a specific certificate from the Charge Point

    GetInstalledCertificateIds tells the central system what is there; DeleteCertificate with
    one certificate's hash data removes that one only."""
    tenant, station = octt.tenant, octt.station
    keep, _ = ca.new_ca("Keep")
    remove, _ = ca.new_ca("Remove")
    base = f"/api/v1/stations/{station.identity}/certificates/"
    async with secure_station(server, octt) as cp, \
            api_client(server, tenant) as api:
        cp.certificates["ManufacturerRootCertificate"] += [keep, remove]
        refreshed = await api.post(base + "refresh/",
                                   json={"certificate_type": "ManufacturerRootCertificate"})
        assert refreshed.json() == {"status": "Accepted"}
        target = ca.hash_data(ca.load_certificate(remove))["serialNumber"]
        [row] = [c for c in (await api.get(base)).json()["results"] if c["serial_number"] == target]
        deleted = await api.delete(f"{base}{row['id']}/")
    assert deleted.json() == {"status": "Accepted"}
    assert cp.certificates["ManufacturerRootCertificate"] == [keep]
    assert not InstalledCertificate.objects.get(pk=row["id"]).installed


class RejectsItsCertificate(SecureChargePoint):
    @on(Action.certificate_signed)
    async def on_certificate_signed(self, certificate_chain, **kwargs):
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(
            self.security_event("InvalidChargePointCertificate", "chain does not verify")))
        return call_result.CertificateSigned(status="Rejected")


async def test_tc_077_invalid_charge_point_certificate_security_event(server, octt):
    """Invalid ChargePointCertificate Security Event

    The station rejects the certificate it was sent and reports InvalidChargePointCertificate;
    the central system records both."""
    tenant, station = octt.tenant, octt.station
    async with secure_station(server, octt, cls=RejectsItsCertificate) as cp, \
            api_client(server, tenant) as api:
        assert await cp.sign_certificate() == "Accepted"
        event = await eventually(lambda: _events_since(octt).first())
        listed = (await api.get(f"/api/v1/stations/{station.identity}/security-events/")).json()
    assert (event.type, event.tech_info, event.critical) == (
        "InvalidChargePointCertificate", "chain does not verify", False)
    assert "InvalidChargePointCertificate" in [e["type"] for e in listed["results"]]
    await eventually(lambda: _issued_status(octt) == "Rejected")


class RejectsTheRoot(SecureChargePoint):
    @on(Action.install_certificate)
    async def on_install_certificate(self, certificate_type, certificate, **kwargs):
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(
            self.security_event("InvalidCentralSystemCertificate")))
        return call_result.InstallCertificate(status="Rejected")


async def test_tc_078_invalid_central_system_certificate_security_event(server, octt):
    """Invalid CentralSystemCertificate Security Event

    The station refuses a CentralSystemRootCertificate and reports InvalidCentralSystemCertificate;
    the central system records the refusal and the event."""
    tenant, station = octt.tenant, octt.station
    root, _ = ca.new_ca("Not trusted")
    async with secure_station(server, octt, cls=RejectsTheRoot), \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/certificates/",
                                  json={"certificate_type": "CentralSystemRootCertificate",
                                        "certificate": root})
        event = await eventually(lambda: _events_since(octt).first())
    assert (response.json()["install_status"], response.json()["installed"]) == ("Rejected", False)
    assert event.type == "InvalidCentralSystemCertificate"


async def test_tc_083_upgrade_charge_point_security_profile_accepted(tls_proxy, trusting_server,
                                                                     octt):
    """Upgrade Charge Point Security Profile – Accepted

    A profile 1 station takes SecurityProfile 2, reconnects over TLS and is accepted there; plain
    ws is refused from then on."""
    port, server_cert = tls_proxy
    octt.configure(security_profile=1)
    tenant, station, password = octt.tenant, octt.station, octt.password
    async with secure_station(trusting_server, octt) as cp, \
            api_client(trusting_server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                  json={"profile": 2})
        assert response.json() == {"status": "Accepted"}
        assert cp.configuration["SecurityProfile"] == "2"
    assert Station.objects.get(pk=station.pk).security_profile == 2
    connection = await open_link(port, tenant, station.identity, password, tls_context(server_cert))
    assert await boots(connection, station.identity) == "Accepted"
    assert await plain_handshake_status(trusting_server, tenant, station.identity, password) == 403


async def test_tc_085_basic_authentication_valid_username_password_combination(server, octt):
    """Basic Authentication – Valid username/password combination"""
    octt.configure(security_profile=1)
    tenant, station, password = octt.tenant, octt.station, octt.password
    async with secure_station(server, octt) as cp:
        assert (await cp.boot()).status == "Accepted"
    assert await plain_handshake_status(server, tenant, station.identity, password[::-1]) == 401


async def test_tc_086_tls_server_side_certificate_valid_certificate(tls_proxy, octt):
    """TLS – server-side certificate – Valid certificate (profile 2)

    Profile 2: the station verifies our server certificate and authenticates with Basic auth."""
    port, server_cert = tls_proxy
    octt.configure(security_profile=2)
    tenant, station, password = octt.tenant, octt.station, octt.password
    connection = await open_link(port, tenant, station.identity, password, tls_context(server_cert))
    assert connection.subprotocol == "ocpp1.6"
    assert await boots(connection, station.identity) == "Accepted"


async def test_tc_087_tls_client_side_certificate_valid_certificate(tls_proxy, trusting_server,
                                                                     tmp_path, octt):
    """TLS – Client-side certificate – Valid certificate (profile 3)

    Profile 3: the station got its certificate from our CA (SignCertificate), then connects with
    it over TLS without a password."""
    port, server_cert = tls_proxy
    octt.configure(security_profile=2)
    tenant, station, password = octt.tenant, octt.station, octt.password
    connection = await open_link(port, tenant, station.identity, password, tls_context(server_cert))
    cp = SecureChargePoint(station.identity, connection)
    runner = asyncio.create_task(cp.start())
    try:
        assert await cp.sign_certificate() == "Accepted"
        await eventually(cp.certificate_signed.is_set)
    finally:
        runner.cancel()
        await connection.close()
    octt.configure(security_profile=3)
    cert_path, key_path = tmp_path / "client.pem", tmp_path / "client-key.pem"
    cert_path.write_text(cp.client_certificate)
    key_path.write_bytes(cp.client_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    connection = await open_link(port, tenant, station.identity, None,
                                 tls_context(server_cert, (cert_path, key_path)))
    assert await boots(connection, station.identity) == "Accepted"
    assert await handshake_status(port, tenant, station.identity, password,
                                  tls_context(server_cert)) == 401  # no certificate
