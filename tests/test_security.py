"""The OCPP 1.6 Security extension through the real server: profiles at the handshake,
password rotation, the tenant's CA and station certificates, root certificates on stations,
security events, and the profile upgrade. (TLS through nginx: tests/test_security_tls.py; the API's
checks without a station: tests/fast/stations/test_security.py.)"""

import websockets
from cryptography import x509
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action
from websockets.exceptions import InvalidStatus

from stations.models import Station
from stations.security import ca
from stations.security.models import IssuedCertificate, SecurityCommand
from stations.simulator import SecureChargePoint, basic_auth
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant


def secure_station(server, tenant, station, password, **kwargs):
    return charge_point(server, tenant, station, password, cls=SecureChargePoint, **kwargs)


async def handshake_status(server, tenant, identity, password, headers=None) -> int:
    """The HTTP status of a 1.6 station's handshake: 101 when the link opens."""
    return await handshake_status_at(f"{server.ws}/ocpp/{tenant.slug}", identity, password,
                                     headers=headers)


async def handshake_status_at(url: str, identity: str, password: str | None, *,
                              subprotocol: str = "ocpp1.6", headers: dict | None = None,
                              **kwargs) -> int:
    """The HTTP status of the handshake at `url` (the tenant's OCPP URL), Basic auth with
    `password` unless None: 101 when the link opens (with `subprotocol`). Shared by the 2.0.1
    tests (tests/test_security_201.py)."""
    try:
        connection = await websockets.connect(
            f"{url}/{identity}", subprotocols=[subprotocol], open_timeout=10,
            additional_headers=(basic_auth(identity, password) if password else {})
            | (headers or {}), **kwargs)
    except InvalidStatus as refusal:
        return refusal.response.status_code
    assert connection.subprotocol == subprotocol
    await connection.close()
    return 101


def root_certificate(common_name: str = "Some Root") -> str:
    certificate_pem, _ = ca.new_ca(common_name)
    return certificate_pem


# Profiles at the handshake ---------------------------------------------------------------
async def test_a_profile_1_station_connects_over_plain_ws_with_its_password(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    assert await handshake_status(server, tenant, station.identity, password) == 101
    assert await handshake_status(server, tenant, station.identity, "wrong-password-0123456") == 401


async def test_a_profile_2_station_is_refused_over_plain_ws_even_with_its_password(server):
    """403: its password is right (a wrong one gets the 401 of an unknown station)."""
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    assert await handshake_status(server, tenant, station.identity, password) == 403
    assert await handshake_status(server, tenant, station.identity, "wrong-password-0123456") == 401


async def test_a_profile_3_station_is_refused_over_plain_ws(server):
    """401: without its certificate the client has not proved to be the station."""
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=3)
    assert await handshake_status(server, tenant, station.identity, password) == 401


async def test_proxy_headers_count_only_where_the_deployment_trusts_them(server):
    """The test server does not set OCPP_TRUST_PROXY_HEADERS: a client claiming TLS and a
    client certificate in headers is still plain ws."""
    tenant = make_tenant()
    station, password = make_station(tenant, security_profile=2)
    assert await handshake_status(server, tenant, station.identity, password,
                                  {"X-Forwarded-Proto": "https"}) == 403


# Password rotation (TC_073) --------------------------------------------------------------
async def test_a_new_password_works_beside_the_old_one_until_the_station_uses_it(server):
    tenant = make_tenant()
    station, old = make_station(tenant)
    async with secure_station(server, tenant, station, old) as cp, api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        assert response.status_code == 200, response.text
        new = response.json()["password"]
        assert response.json()["status"] == "Accepted"
        assert cp.configuration["AuthorizationKey"] == new and 16 <= len(new) <= 40
    assert await handshake_status(server, tenant, station.identity, old) == 101
    assert await handshake_status(server, tenant, station.identity, new) == 101
    assert await handshake_status(server, tenant, station.identity, old) == 401
    assert await handshake_status(server, tenant, station.identity, new) == 101
    async with api_client(server, tenant) as api:
        log = (await api.get(f"/api/v1/stations/{station.identity}/security-commands/")).json()
    assert [(c["action"], c["detail"], c["status"]) for c in log["results"]] == [
        ("ChangeConfiguration", "AuthorizationKey", "Accepted")]
    assert new not in str(log)


async def test_a_password_the_station_refuses_changes_nothing(server):
    class Refusing(SecureChargePoint):
        @on(Action.change_configuration)
        async def on_change_configuration(self, key, value, **kwargs):
            return call_result.ChangeConfiguration(status="Rejected")

    tenant = make_tenant()
    station, old = make_station(tenant)
    async with charge_point(server, tenant, station, old, cls=Refusing), \
            api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/password/",
                                  json={"password": "a-chosen-password-123"})
    assert response.json() == {"status": "Rejected", "password": None}
    assert await handshake_status(server, tenant, station.identity, "a-chosen-password-123") == 401
    assert await handshake_status(server, tenant, station.identity, old) == 101


# Security events -------------------------------------------------------------------------
async def test_security_events_are_stored_and_critical_ones_flagged(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    other, other_password = make_station(tenant)
    async with secure_station(server, tenant, station, password) as cp, \
            secure_station(server, tenant, other, other_password) as other_cp:
        await cp.security_event("InvalidChargePointCertificate", "bad chain")
        await cp.security_event("TamperDetectionActivated")
        await other_cp.security_event("StartupOfTheDevice")
    async with api_client(server, tenant) as api:
        mine = (await api.get(f"/api/v1/stations/{station.identity}/security-events/")).json()
        critical = (await api.get("/api/v1/security-events/", params={"critical": "true"})).json()
        of_other = (await api.get("/api/v1/security-events/",
                                  params={"station": other.identity})).json()
        future = (await api.get("/api/v1/security-events/",
                                params={"since": "2100-01-01T00:00:00Z"})).json()
    assert [(e["type"], e["critical"], e["tech_info"]) for e in mine["results"]] == [
        ("TamperDetectionActivated", True, ""), ("InvalidChargePointCertificate", False, "bad chain")]
    assert mine["results"][0]["timestamp"] is not None
    assert {e["type"] for e in critical["results"]} == {"TamperDetectionActivated",
                                                         "StartupOfTheDevice"}
    assert [e["type"] for e in of_other["results"]] == ["StartupOfTheDevice"]
    assert future["count"] == 0


async def test_another_tenant_sees_no_security_events(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    station, password = make_station(tenant)
    async with secure_station(server, tenant, station, password) as cp:
        await cp.security_event("FirmwareUpdated")
    async with api_client(server, outsider) as api:
        assert (await api.get("/api/v1/security-events/")).json()["count"] == 0
        response = await api.get(f"/api/v1/stations/{station.identity}/security-events/")
    assert response.status_code == 404


# The tenant's CA and station certificates ------------------------------------------------


async def test_a_station_csr_comes_back_as_a_certificate_of_the_tenant_ca(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with secure_station(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        assert await cp.sign_certificate() == "Accepted"
        await eventually(cp.certificate_signed.is_set)
        ca_pem = (await api.get("/api/v1/security/ca/")).json()["certificate"]
        issued = (await api.get(f"/api/v1/stations/{station.identity}/issued-certificates/")).json()
    assert ca.client_certificate_problem(ca_certificate_pems=[ca_pem],
                                         certificate_pem=cp.client_certificate,
                                         identity=station.identity) is None
    certificate = x509.load_pem_x509_certificate(cp.client_certificate.encode())
    assert certificate.public_key() == cp.client_key.public_key()
    [record] = issued["results"]
    assert record["serial_number"] == format(certificate.serial_number, "x")
    assert record["certificate_pem"] == cp.client_certificate
    await eventually(lambda: IssuedCertificate.objects.get(station=station).delivery_status == "Accepted")


async def test_a_csr_for_another_identity_is_rejected_and_nothing_is_signed(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with secure_station(server, tenant, station, password) as cp:
        assert await cp.sign_certificate(common_name="CP-SOMEONE-ELSE") == "Rejected"
    assert not IssuedCertificate.objects.filter(station=station).exists()
    assert not cp.certificate_signed.is_set()


# Root certificates on the station --------------------------------------------------------
async def test_root_certificates_are_installed_listed_refreshed_and_deleted(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    root = root_certificate()
    base = f"/api/v1/stations/{station.identity}/certificates/"
    async with secure_station(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        installed = await api.post(base, json={"certificate_type": "CentralSystemRootCertificate",
                                               "certificate": root})
        assert installed.status_code == 201, installed.text
        assert installed.json()["install_status"] == "Accepted" and installed.json()["installed"]
        assert cp.certificates["CentralSystemRootCertificate"] == [root]
        cp.certificates["CentralSystemRootCertificate"].append(root_certificate("Put there by hand"))
        # The domain's (2.0.1's) name reaches a 1.6 station in 1.6's words, and is listed in them
        refreshed = await api.post(base + "refresh/",
                                   json={"certificate_type": "CSMSRootCertificate"})
        assert refreshed.json() == {"status": "Accepted"}
        listed = (await api.get(base)).json()
        assert listed["count"] == 2
        assert {c["certificate_type"] for c in listed["results"]} == {"CentralSystemRootCertificate"}
        assert {c["install_status"] for c in listed["results"]} == {"Accepted", "Reported"}
        deleted = await api.delete(f"{base}{installed.json()['id']}/")
        assert deleted.json() == {"status": "Accepted"}
        assert len(cp.certificates["CentralSystemRootCertificate"]) == 1
        again = await api.delete(f"{base}{installed.json()['id']}/")
        assert again.json() == {"status": "NotFound"}
        listed = (await api.get(base)).json()
    states = {c["install_status"]: (c["installed"], c["delete_status"]) for c in listed["results"]}
    assert states == {"Accepted": (False, "NotFound"), "Reported": (True, "")}


async def test_another_tenant_gets_404_for_the_station_security_endpoints(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    station, password = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}"
    async with secure_station(server, tenant, station, password), \
            api_client(server, outsider) as api:
        responses = [
            await api.post(f"{base}/password/", json={}),
            await api.post(f"{base}/security-profile/", json={"profile": 2}),
            await api.get(f"{base}/certificates/"),
            await api.post(f"{base}/certificates/", json={"certificate_type":
                                                          "CentralSystemRootCertificate",
                                                          "certificate": root_certificate()}),
            await api.post(f"{base}/certificates/refresh/",
                           json={"certificate_type": "CentralSystemRootCertificate"}),
            await api.post(f"{base}/certificates/renew/"),
            await api.delete(f"{base}/certificates/1/"),
            await api.get(f"{base}/issued-certificates/"),
            await api.get(f"{base}/security-commands/"),
        ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert not SecurityCommand.objects.filter(station=station).exists()


# Security profile ------------------------------------------------------------------------
async def test_a_profile_upgrade_is_recorded_once_the_station_accepts(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/security-profile/"
    async with secure_station(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(url, json={"profile": 2})
        assert response.json() == {"status": "Accepted"}
        assert cp.configuration["SecurityProfile"] == "2"
        downgrade = await api.post(url, json={"profile": 1})
        same = await api.post(url, json={"profile": 2})
        detail = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert downgrade.status_code == 400 and same.status_code == 400
    assert detail["security_profile"] == 2
    # The station now has to come back over TLS: plain ws is refused.
    assert await handshake_status(server, tenant, station.identity, password) == 403


async def test_a_station_answering_not_supported_keeps_its_profile(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), \
            api_client(server, tenant) as api:  # the plain simulator knows no SecurityProfile key
        response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                  json={"profile": 3})
    assert response.json() == {"status": "NotSupported"}
    assert Station.objects.get(pk=station.pk).security_profile == 1
