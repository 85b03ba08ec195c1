"""OCA OCPP 2.0.1 conformance scenarios of block A, Security: Basic auth (profile 1), TLS through
deploy/nginx.conf (profiles 2 and 3), the password update, the certificate update by request of
the CSMS and the security profile upgrade. The charging station plays its part over the real
WebSocket, the central system is driven through our API (docs/conformance.md). A case that moves
the station to another profile puts it back at profile 1 when it ends, as the tool's operator
would, so the shared run's later cases find it as they expect."""

import asyncio
import ssl

import pytest
import websockets
from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action
from websockets.exceptions import InvalidStatus

from stations.models import Station
from stations.security import ca
from stations.security.models import IssuedCertificate, SecurityEvent
from stations.security.services import ca_of
from stations.simulator.core import basic_auth
from stations.simulator.v201 import SimulatedChargePoint201, connect
from tests import test_security_tls
from tests.factories import eventually
from tests.test_security_201 import handshake_status
from tests.test_security_tls import client_certificate, tls_context

# nginx with deploy/nginx.conf in front of a server that trusts its headers
trusting_server = test_security_tls.trusting_server
tls_proxy = test_security_tls.tls_proxy


def _plain_url(server, octt) -> str:
    return f"{server.ws}/ocpp/{octt.tenant.slug}"


def _tls_url(port: int, octt) -> str:
    return f"wss://127.0.0.1:{port}/ocpp/{octt.tenant.slug}"


async def _boots(url: str, identity: str, password: str | None, tls) -> str:
    """The station connects over TLS and boots: proof the link serves OCPP 2.0.1."""
    connection = await connect(url, identity, password, ssl=tls)
    cp = SimulatedChargePoint201(identity, connection, password=password)
    runner = asyncio.create_task(cp.start())
    try:
        assert connection.subprotocol == "ocpp2.0.1"
        return (await cp.boot()).status
    finally:
        runner.cancel()
        await connection.close()


def _issued(octt):
    return IssuedCertificate.objects.filter(station=octt.station, created_at__gte=octt.began)


# Basic authentication (profile 1) -------------------------------------------------------
async def test_tc_a_01_basic_authentication_valid_username_password_combination(server, octt201):
    """Basic Authentication – Valid username/password combination"""
    octt201.configure(security_profile=1)
    async with octt201.charge_point(server, boot=False) as cp:
        assert (await cp.boot()).status == "Accepted"


async def test_tc_a_02_basic_authentication_username_does_not_equal_charging_station_id(
        server, octt201):
    """Basic Authentication – Username does not equal ChargingStationId

    The right password under another user name: the link is refused (401)."""
    octt201.configure(security_profile=1)
    station = octt201.station
    try:
        await websockets.connect(
            f"{_plain_url(server, octt201)}/{station.identity}", subprotocols=["ocpp2.0.1"],
            additional_headers=basic_auth("NOT-" + station.identity, octt201.password),
            open_timeout=10)
    except InvalidStatus as refusal:
        assert refusal.response.status_code == 401
    else:
        raise AssertionError("the link opened for another user name")


async def test_tc_a_03_basic_authentication_invalid_password(server, octt201):
    """Basic Authentication – Invalid password"""
    octt201.configure(security_profile=1)
    assert await handshake_status(_plain_url(server, octt201), octt201.station.identity,
                                  octt201.password[::-1]) == 401


# TLS (profiles 2 and 3) ------------------------------------------------------------------
async def test_tc_a_04_tls_server_side_certificate_valid_certificate(tls_proxy, octt201):
    """TLS – server-side certificate – Valid certificate (profile 2)"""
    port, server_cert = tls_proxy
    octt201.configure(security_profile=2)
    try:
        assert await _boots(_tls_url(port, octt201), octt201.station.identity, octt201.password,
                            tls_context(server_cert)) == "Accepted"
    finally:
        octt201.configure(security_profile=1)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
async def test_tc_a_06_tls_server_side_certificate_tls_version_too_low(tls_proxy, octt201):
    """TLS – server-side certificate – TLS version too low

    A station that offers at most TLS 1.1 gets no link: deploy/nginx.conf speaks TLS 1.2 and 1.3
    only."""
    port, server_cert = tls_proxy
    octt201.configure(security_profile=2)
    old = tls_context(server_cert)
    old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        try:
            await connect(_tls_url(port, octt201), octt201.station.identity, octt201.password,
                          ssl=old)
        except (ssl.SSLError, OSError, InvalidStatus):
            pass
        else:
            raise AssertionError("a TLS 1.1 link was accepted")
        assert await _boots(_tls_url(port, octt201), octt201.station.identity, octt201.password,
                            tls_context(server_cert)) == "Accepted"
    finally:
        octt201.configure(security_profile=1)


async def test_tc_a_07_tls_client_side_certificate_valid_certificate(tls_proxy, tmp_path, octt201):
    """TLS – Client-side certificate – valid certificate (profile 3)"""
    port, server_cert = tls_proxy
    octt201.configure(security_profile=3)
    authority = ca_of(tenant_id=octt201.tenant.pk)
    client = client_certificate(tmp_path, octt201.station.identity, authority.certificate_pem,
                                authority.private_key_pem)
    try:
        assert await _boots(_tls_url(port, octt201), octt201.station.identity, None,
                            tls_context(server_cert, client)) == "Accepted"
    finally:
        octt201.configure(security_profile=1)


async def test_tc_a_08_tls_client_side_certificate_invalid_certificate(tls_proxy, tmp_path, octt201):
    """TLS – Client-side certificate – Invalid certificate

    A certificate of a CA the tenant neither owns nor uploaded is refused (401)."""
    port, server_cert = tls_proxy
    octt201.configure(security_profile=3)
    ca_of(tenant_id=octt201.tenant.pk)
    stranger_pem, stranger_key = ca.new_ca("Stranger")
    client = client_certificate(tmp_path, octt201.station.identity, stranger_pem, stranger_key)
    try:
        assert await handshake_status(_tls_url(port, octt201), octt201.station.identity, None,
                                      ssl=tls_context(server_cert, client)) == 401
    finally:
        octt201.configure(security_profile=1)


# Password update -------------------------------------------------------------------------
async def test_tc_a_09_update_charging_station_password_for_http_basic_authentication_accepted(
        server, octt201):
    """Update Charging Station Password for HTTP Basic Authentication – Accepted

    SetVariables SecurityCtrlr.BasicAuthPassword; the station reconnects with the new password,
    after which the old one no longer opens the link."""
    octt201.configure(security_profile=1)
    station, old = octt201.station, octt201.password
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        assert response.json()["status"] == "Accepted", response.text
        new = response.json()["password"]
        octt201.password = new  # the station keeps it for the cases that follow
        assert cp.variable("SecurityCtrlr", "BasicAuthPassword") == new
    url = _plain_url(server, octt201)
    assert await handshake_status(url, station.identity, new) == 101
    assert await handshake_status(url, station.identity, old) == 401


async def test_tc_a_10_update_charging_station_password_for_http_basic_authentication_rejected(
        server, octt201):
    """Update Charging Station Password for HTTP Basic Authentication – Rejected

    The station rejects the new password: it keeps connecting with the old one."""
    class Refusing(SimulatedChargePoint201):
        @on(Action.set_variables)
        async def on_set_variables(self, set_variable_data, **kwargs):
            return call_result.SetVariables(set_variable_result=[
                {"attribute_status": "Rejected", "component": item["component"],
                 "variable": item["variable"]} for item in set_variable_data])

    octt201.configure(security_profile=1)
    station = octt201.station
    async with octt201.charge_point(server, cls=Refusing), octt201.api(server) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
    assert response.json() == {"status": "Rejected", "password": None}
    assert await handshake_status(_plain_url(server, octt201), station.identity,
                                  octt201.password) == 101


# Certificate update by request of the CSMS -----------------------------------------------
class V2GStation(SimulatedChargePoint201):
    """Also sends a V2G certificate's CSR when triggered (SignV2GCertificate)."""

    def _triggerable(self, evse_id, connector_id) -> dict:
        async def v2g():
            await self.sign_certificate("DE*OCT*E0001", "V2GCertificate")
        return super()._triggerable(evse_id, connector_id) | {"SignV2GCertificate": v2g}


async def _renewed(server, octt201, body: dict, cls=V2GStation) -> tuple:
    async with octt201.charge_point(server, cls=cls) as cp, octt201.api(server) as api:
        response = await api.post(f"/api/v1/stations/{octt201.station.identity}/certificates/renew/",
                                  json=body)
        assert response.json() == {"status": "Accepted"}, response.text
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
        await eventually(lambda: _issued(octt201).filter(delivery_status="Accepted").exists())
    signed = [data for name, data in cp.received if name == "CertificateSigned"]
    return cp, signed[-1]


async def test_tc_a_11_update_charging_station_certificate_by_request_of_csms_success_charging_station_certificate(  # noqa: E501
        server, octt201):
    """Update Charging Station Certificate by request of CSMS – Success – Charging Station
    Certificate

    TriggerMessage SignChargingStationCertificate; the station's CSR is signed by the tenant's CA
    and sent with CertificateSigned (ChargingStationCertificate)."""
    octt201.configure(security_profile=1)
    cp, signed = await _renewed(server, octt201, {})
    assert signed["certificate_type"] == "ChargingStationCertificate"
    assert ca.client_certificate_problem(
        ca_certificate_pems=[ca_of(tenant_id=octt201.tenant.pk).certificate_pem],
        certificate_pem=cp.client_certificate, identity=octt201.station.identity) is None


async def test_tc_a_12_update_charging_station_certificate_by_request_of_csms_success_v2g_certificate(  # noqa: E501
        server, octt201):
    """Update Charging Station Certificate by request of CSMS – Success – V2G Certificate

    TriggerMessage SignV2GCertificate; the V2G certificate is signed for the EVSE's name."""
    octt201.configure(security_profile=1)
    cp, signed = await _renewed(server, octt201, {"certificate_type": "V2GCertificate"})
    assert signed["certificate_type"] == "V2GCertificate"
    assert _issued(octt201).get().certificate_type == "V2GCertificate"


async def test_tc_a_13_update_charging_station_certificate_by_request_of_csms_success_combined_certificate(  # noqa: E501
        server, octt201):
    """Update Charging Station Certificate by request of CSMS – Success – Combined Certificate

    The station's SignCertificate names no type: the certificate is for both uses and
    CertificateSigned names none either."""
    class Combined(SimulatedChargePoint201):
        async def sign_certificate(self, common_name=None, certificate_type=None):
            return await super().sign_certificate(common_name, certificate_type)

    octt201.configure(security_profile=1)
    cp, signed = await _renewed(server, octt201, {}, cls=Combined)
    assert signed["certificate_type"] is None
    frames = await _frames(server, octt201, "CertificateSigned")
    assert frames and "certificateType" not in frames[0]["payload"]


async def test_tc_a_14_update_charging_station_certificate_by_request_of_csms_invalid_certificate(
        server, octt201):
    """Update Charging Station Certificate by request of CSMS – Invalid certificate

    The station finds the certificate invalid: it answers Rejected and reports the security
    event; the central system records both."""
    class Rejecting(SimulatedChargePoint201):
        @on(Action.certificate_signed)
        async def on_certificate_signed(self, certificate_chain, certificate_type=None, **kwargs):
            self.soon(self.security_event, "InvalidChargingStationCertificate", "bad chain")
            self.certificate_signed.set()
            return call_result.CertificateSigned(status="Rejected")

    octt201.configure(security_profile=1)
    async with octt201.charge_point(server, cls=Rejecting) as cp, octt201.api(server) as api:
        response = await api.post(f"/api/v1/stations/{octt201.station.identity}/certificates/renew/")
        assert response.json() == {"status": "Accepted"}
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
        await eventually(lambda: _issued(octt201).filter(delivery_status="Rejected").exists())
        await eventually(lambda: SecurityEvent.objects.filter(
            station=octt201.station, received_at__gte=octt201.began,
            type="InvalidChargingStationCertificate").exists())


async def _frames(server, octt201, action: str) -> list[dict]:
    async with octt201.api(server) as api:
        body = (await api.get(f"/api/v1/stations/{octt201.station.identity}/messages/",
                              params={"limit": 200})).json()
    return [m for m in body["results"] if m["action"] == action and m["direction"] == "out"
            and m["message_type"] == 2]


# Security profile upgrade ----------------------------------------------------------------
async def test_tc_a_19_upgrade_charging_station_security_profile_accepted(tls_proxy, trusting_server,
                                                                          octt201):
    """Upgrade Charging Station Security Profile – Accepted

    SetNetworkProfile (profile 2, our wss URL) into a slot, SetVariables
    NetworkConfigurationPriority putting it first, Reset OnIdle; the station reconnects over TLS
    and is accepted there; plain ws is refused from then on."""
    port, server_cert = tls_proxy
    octt201.configure(security_profile=1)
    station, password = octt201.station, octt201.password
    try:
        async with octt201.charge_point(trusting_server) as cp, octt201.api(trusting_server) as api:
            response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                      json={"profile": 2})
            assert response.json() == {"status": "Accepted"}, response.text
            profile = cp.network_profiles[2]
            assert profile["security_profile"] == 2 and profile["ocpp_csms_url"].startswith("wss://")
            assert cp.variable("OCPPCommCtrlr", "NetworkConfigurationPriority").startswith("2")
            assert any(name == "Reset" for name, _ in cp.received)
        assert Station.objects.get(pk=station.pk).security_profile == 2
        assert await _boots(_tls_url(port, octt201), station.identity, password,
                            tls_context(server_cert)) == "Accepted"
        assert await handshake_status(_plain_url(trusting_server, octt201), station.identity,
                                      password) == 403
    finally:
        octt201.configure(security_profile=1)

