"""Security for OCPP 2.0.1 stations through the real server (blocks A and M, docs/ocpp201.md,
security): Basic auth at profile 1 with 2.0.1's password rules, password rotation through
SetVariables SecurityCtrlr.BasicAuthPassword (never in the frame log), the profile upgrade through
SetNetworkProfile + NetworkConfigurationPriority + Reset, SignCertificate -> CertificateSigned,
root certificates (InstallCertificate, GetInstalledCertificateIds, DeleteCertificate) in 2.0.1's
words, and security events. TLS (profile 2) and client certificates (profile 3) through nginx at
the end, as tests/test_security_tls.py does for 1.6."""

import asyncio

import pytest
from cryptography import x509
from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.models import Station, VariableAttribute
from stations.security import ca
from stations.security.models import IssuedCertificate, SecurityEvent
from stations.security.services import ca_of
from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.core import connect
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant
from tests.nginx import needs_nginx, running_nginx
from tests.server import server_env, start_server
from tests.test_security import handshake_status_at, root_certificate
from tests.test_security_tls import client_certificate, tls_context


async def handshake_status(url: str, identity: str, password: str | None, **kwargs) -> int:
    """The HTTP status of a 2.0.1 station's handshake: 101 when the link opens."""
    return await handshake_status_at(url, identity, password, subprotocol="ocpp2.0.1", **kwargs)


# Profile 1: Basic auth -------------------------------------------------------------------
async def test_a_2_0_1_station_at_profile_1_connects_with_its_password_only(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    assert 16 <= len(password) <= 40  # a generated password fits 2.0.1's BasicAuthPassword too
    url = f"{server.ws}/ocpp/{tenant.slug}"
    assert await handshake_status(url, station.identity, password) == 101
    assert await handshake_status(url, station.identity, "wrong-password-0123456") == 401
    assert await handshake_status(url, station.identity, None) == 401


async def test_a_2_0_1_station_at_profile_2_is_refused_over_plain_ws(server):
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    assert await handshake_status(f"{server.ws}/ocpp/{tenant.slug}", station.identity,
                                  password) == 403


# Password rotation (A01) -----------------------------------------------------------------
async def test_a_new_password_goes_by_set_variables_and_works_beside_the_old_one(server):
    tenant = make_tenant()
    station, old = make_station(tenant)
    url = f"{server.ws}/ocpp/{tenant.slug}"
    async with charge_point_201(server, tenant, station, old) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        assert response.status_code == 200, response.text
        new = response.json()["password"]
        assert response.json()["status"] == "Accepted"
        assert cp.variable("SecurityCtrlr", "BasicAuthPassword") == new
        assert 16 <= len(new) <= 40
        log = (await api.get(f"/api/v1/stations/{station.identity}/security-commands/")).json()
        frames = (await api.get(f"/api/v1/stations/{station.identity}/messages/",
                                params={"limit": 200})).json()
    assert [(c["action"], c["detail"], c["status"]) for c in log["results"]] == [
        ("SetVariables", "SecurityCtrlr.BasicAuthPassword", "Accepted")]
    assert new not in str(log)
    sent = [m for m in frames["results"] if m["action"] == "SetVariables"]
    assert sent and new not in str(frames)
    assert "(redacted)" in str(sent)
    assert not await VariableAttribute.objects.filter(value=new).aexists()  # nor the device model
    assert await handshake_status(url, station.identity, old) == 101
    assert await handshake_status(url, station.identity, new) == 101
    assert await handshake_status(url, station.identity, old) == 401
    assert await handshake_status(url, station.identity, new) == 101


async def test_a_password_the_station_rejects_changes_nothing(server):
    class Refusing(SimulatedChargePoint201):
        @on(Action.set_variables)
        async def on_set_variables(self, set_variable_data, **kwargs):
            return call_result.SetVariables(set_variable_result=[
                {"attribute_status": "Rejected", "component": item["component"],
                 "variable": item["variable"]} for item in set_variable_data])

    tenant = make_tenant()
    station, old = make_station(tenant)
    async with charge_point_201(server, tenant, station, old, cls=Refusing), \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/",
                                  json={"password": "a-chosen-Password-1234"})
    assert response.json() == {"status": "Rejected", "password": None}
    url = f"{server.ws}/ocpp/{tenant.slug}"
    assert await handshake_status(url, station.identity, "a-chosen-Password-1234") == 401
    assert await handshake_status(url, station.identity, old) == 101


async def test_the_raw_command_api_does_not_set_the_password(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": "SetVariables", "payload": {"setVariableData": [{
                "attributeValue": "another-Password-98765", "component": {"name": "SecurityCtrlr"},
                "variable": {"name": "BasicAuthPassword"}}]}})
        assert response.status_code == 400, response.text
        assert cp.variable("SecurityCtrlr", "BasicAuthPassword") != "another-Password-98765"


# Profile upgrade (A05; OCA A_19, B_42, B_44) ---------------------------------------------
async def test_the_profile_upgrade_sets_a_network_profile_puts_it_first_and_resets(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                  json={"profile": 2})
        assert response.json() == {"status": "Accepted"}, response.text
        log = (await api.get(f"/api/v1/stations/{station.identity}/security-commands/")).json()
    assert cp.network_profiles[2]["security_profile"] == 2
    csms_url = cp.network_profiles[2]["ocpp_csms_url"]
    assert csms_url.startswith("wss://") and csms_url.endswith(f"/ocpp/{tenant.slug}")
    assert cp.variable("OCPPCommCtrlr", "NetworkConfigurationPriority") == "2,1"
    assert ("Reset", {"type": "OnIdle", "evse_id": None}) in cp.received
    assert [c["action"] for c in reversed(log["results"])] == [
        "SetNetworkProfile", "SetVariables", "Reset"]
    assert (await Station.objects.aget(pk=station.pk)).security_profile == 2


async def test_a_rejected_network_profile_is_the_answer_and_the_profile_stays(server):
    class Refusing(SimulatedChargePoint201):
        @on(Action.set_network_profile)
        async def on_set_network_profile(self, configuration_slot, connection_data, **kwargs):
            return call_result.SetNetworkProfile(status="Rejected")

    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Refusing) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                  json={"profile": 2})
    assert response.json() == {"status": "Rejected"}
    assert not [m for m, _ in cp.received if m in ("Reset", "SetVariables")]
    assert (await Station.objects.aget(pk=station.pk)).security_profile == 1


# Certificates (A02, A03, M03-M05) --------------------------------------------------------
async def test_sign_certificate_is_answered_and_certificate_signed_follows_with_its_type(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert await cp.sign_certificate() == "Accepted"
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
        signed = [data for name, data in cp.received if name == "CertificateSigned"]
        assert signed[-1]["certificate_type"] == "ChargingStationCertificate"
        ca_pem = (await api.get("/api/v1/security/ca/")).json()["certificate"]
        await eventually(lambda: IssuedCertificate.objects.filter(
            station_id=station.pk, delivery_status="Accepted").exists())
        issued = (await api.get(f"/api/v1/stations/{station.identity}/issued-certificates/")).json()
    assert ca.client_certificate_problem(ca_certificate_pems=[ca_pem],
                                         certificate_pem=cp.client_certificate,
                                         identity=station.identity) is None
    certificate = x509.load_pem_x509_certificate(cp.client_certificate.encode())
    assert certificate.public_key() == cp.client_key.public_key()
    assert issued["results"][0]["delivery_status"] == "Accepted"
    assert issued["results"][0]["certificate_type"] == "ChargingStationCertificate"


async def test_a_v2g_certificate_is_signed_for_the_evse_name(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.sign_certificate("DE*ABC*E12345", "V2GCertificate") == "Accepted"
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
    signed = [data for name, data in cp.received if name == "CertificateSigned"]
    assert signed[-1]["certificate_type"] == "V2GCertificate"
    assert await IssuedCertificate.objects.filter(station_id=station.pk,
                                                  certificate_type="V2GCertificate").aexists()


async def test_a_csr_for_another_identity_is_rejected(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.sign_certificate("SOMEONE-ELSE") == "Rejected"
        await asyncio.sleep(0.5)
    assert not [name for name, _ in cp.received if name == "CertificateSigned"]
    assert not await IssuedCertificate.objects.filter(station_id=station.pk).aexists()


async def test_the_renewal_triggers_sign_charging_station_certificate(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/certificates/renew/")
        assert response.json() == {"status": "Accepted"}, response.text
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)


async def test_root_certificates_are_installed_listed_and_deleted_in_2_0_1_words(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    v2g, csms = root_certificate("V2G Root"), root_certificate("CSMS Root")
    base = f"/api/v1/stations/{station.identity}/certificates"
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        for kind, pem in (("V2GRootCertificate", v2g), ("CentralSystemRootCertificate", csms)):
            response = await api.post(f"{base}/", json={"certificate_type": kind,
                                                        "certificate": pem})
            assert response.status_code == 201, response.text
        assert cp.certificates["V2GRootCertificate"] == [v2g]
        assert cp.certificates["CSMSRootCertificate"] == [csms]  # 1.6's name, 2.0.1's word
        listed = (await api.get(f"{base}/")).json()["results"]
        assert sorted(c["certificate_type"] for c in listed) == [
            "CSMSRootCertificate", "V2GRootCertificate"]
        cp.certificates["MORootCertificate"].append(root_certificate("MO Root"))
        refreshed = await api.post(f"{base}/refresh/", json={"certificate_type": "MORootCertificate"})
        assert refreshed.json() == {"status": "Accepted"}
        asked = [data for name, data in cp.received if name == "GetInstalledCertificateIds"]
        assert asked[-1] == {"certificate_type": ["MORootCertificate"]}
        listed = (await api.get(f"{base}/")).json()["results"]
        mo = [c for c in listed if c["certificate_type"] == "MORootCertificate"]
        assert len(mo) == 1 and mo[0]["install_status"] == "Reported"
        v2g_row = next(c for c in listed if c["certificate_type"] == "V2GRootCertificate")
        deleted = await api.delete(f"{base}/{v2g_row['id']}/")
        assert deleted.json() == {"status": "Accepted"}
        assert cp.certificates["V2GRootCertificate"] == []
        again = await api.post(f"{base}/refresh/", json={"certificate_type": "V2GRootCertificate"})
        assert again.json() == {"status": "NotFound"}


async def test_security_events_are_stored_and_critical_ones_flagged(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.security_event("InvalidCsmsCertificate", "bad chain")
        await cp.security_event("TamperDetectionActivated")
        events = (await api.get("/api/v1/security-events/", params={"critical": "true"})).json()
    assert [e["type"] for e in events["results"]] == ["TamperDetectionActivated"]
    stored = [e async for e in SecurityEvent.objects.filter(station_id=station.pk)
              .order_by("pk").values_list("type", "tech_info", "critical")]
    assert stored == [("InvalidCsmsCertificate", "bad chain", False),
                      ("TamperDetectionActivated", "", True)]


# Profiles 2 and 3 through nginx ----------------------------------------------------------
@pytest.fixture(scope="module")
def tls_proxy_201(database, tmp_path_factory):
    """deploy/nginx.conf in front of a server that trusts its headers: (port, certificate)."""
    srv = start_server(server_env() | {"OCPP_TRUST_PROXY_HEADERS": "1"},
                       tmp_path_factory.mktemp("trusting201"))
    try:
        with running_nginx(tmp_path_factory.mktemp("nginx201"), [srv.port]) as proxy:
            yield proxy
    finally:
        srv.stop()


async def _boots_201(url: str, identity: str, password: str | None, tls) -> str:
    connection = await connect(url, identity, password, ssl=tls)
    cp = SimulatedChargePoint201(identity, connection, password=password)
    runner = asyncio.create_task(cp.start())
    try:
        return (await cp.boot()).status
    finally:
        runner.cancel()
        await connection.close()


@needs_nginx
async def test_a_2_0_1_station_at_profile_2_connects_over_wss(tls_proxy_201):
    port, cert = tls_proxy_201
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    url = f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}"
    assert await _boots_201(url, station.identity, password, tls_context(cert)) == "Accepted"
    assert await handshake_status(url, station.identity, "wrong-password-012345",
                                  ssl=tls_context(cert)) == 401


@needs_nginx
async def test_a_2_0_1_station_at_profile_3_connects_with_a_certificate_of_its_tenant_ca(
        tls_proxy_201, tmp_path):
    port, cert = tls_proxy_201
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    authority = ca_of(tenant_id=tenant.pk)
    client = client_certificate(tmp_path, station.identity, authority.certificate_pem,
                                authority.private_key_pem)
    url = f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}"
    assert await _boots_201(url, station.identity, None, tls_context(cert, client)) == "Accepted"
    other_pem, other_key = ca.new_ca(tenant.name)
    (tmp_path / "stranger").mkdir()
    stranger = client_certificate(tmp_path / "stranger", station.identity, other_pem, other_key)
    assert await handshake_status(url, station.identity, None,
                                  ssl=tls_context(cert, stranger)) == 401


@needs_nginx
async def test_a_2_0_1_station_signs_its_certificate_then_connects_with_it_at_profile_3(
        tls_proxy_201, tmp_path):
    """The whole path: at profile 2 the station has its CSR signed (SignCertificate,
    CertificateSigned), then, raised to profile 3, it connects with that certificate alone."""
    from cryptography.hazmat.primitives import serialization

    port, cert = tls_proxy_201
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    url = f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}"
    connection = await connect(url, station.identity, password, ssl=tls_context(cert))
    cp = SimulatedChargePoint201(station.identity, connection, password=password)
    runner = asyncio.create_task(cp.start())
    try:
        assert (await cp.boot()).status == "Accepted"
        assert await cp.sign_certificate() == "Accepted"
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
    finally:
        runner.cancel()
        await connection.close()
    await Station.objects.filter(pk=station.pk).aupdate(security_profile=3)
    cert_path, key_path = tmp_path / "client.pem", tmp_path / "client-key.pem"
    cert_path.write_text(cp.client_certificate)
    key_path.write_bytes(cp.client_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    assert await _boots_201(url, station.identity, None,
                            tls_context(cert, (cert_path, key_path))) == "Accepted"
    assert await handshake_status(url, station.identity, password, ssl=tls_context(cert)) == 401
