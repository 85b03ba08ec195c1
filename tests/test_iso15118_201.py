"""ISO 15118 Plug & Charge through the real server with a 2.0.1 station (docs/pki.md): the EV's
contract certificate (Get15118EVCertificate Install / Update), its OCSP status
(GetCertificateStatus) and contract Authorize (hash data or the PEM chain) answered by the
built-in test PKI, the eMAID under the tenant's token rules, and the HTTP adapter against a real
HTTP PKI started here (its answers, a 5xx, a timeout): Failed with a reason, never a CALLERROR."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.x509 import ocsp

from stations.security.ca import new_ca
from stations.security.models import ContractCertificate, PkiRequest
from stations.security.pki.builtin import contract_certificate_issue, contract_certificate_revoke
from stations.security.services import ca_of
from stations.simulator.v201.security import contract_hash_data, ev_exi_request
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import (
    api_client,
    charge_point_201,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.server import server_env, start_server


def _chain(exi_response: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(base64.b64decode(exi_response))


def _ocsp_status(ocsp_result: str):
    return ocsp.load_der_ocsp_response(base64.b64decode(ocsp_result)).certificate_status


def _system(emaid: str | None = "DE-ABC-C12345678-9", **tag):
    tenant = make_tenant()
    station, password = make_station(tenant)
    if emaid:
        make_id_tag(tenant, emaid, token_type="eMAID", **tag)
    return tenant, station, password


# Get15118EVCertificate (M02) ---------------------------------------------------------------
async def test_an_ev_gets_a_contract_certificate_for_its_emaid_and_can_update_it(server):
    tenant, station, password = _system()
    async with charge_point_201(server, tenant, station, password) as cp:
        installed = await cp.get_15118_ev_certificate(ev_exi_request("DE-ABC-C12345678-9"))
        updated = await cp.get_15118_ev_certificate(ev_exi_request("DE-ABC-C12345678-9"),
                                                    action="Update")
    assert (installed.status, updated.status) == ("Accepted", "Accepted")
    leaf, issuer = _chain(installed.exi_response)
    authority = x509.load_pem_x509_certificate(ca_of(tenant_id=tenant.pk).certificate_pem.encode())
    assert leaf.subject.rfc4514_string() == "CN=DE-ABC-C12345678-9" and issuer == authority
    assert await ContractCertificate.objects.filter(tenant=tenant).acount() == 2
    log = [(r.action, r.detail, r.status) async for r in
           PkiRequest.objects.filter(station=station).order_by("pk")]
    assert log == [("Get15118EVCertificate", "Install", "Accepted"),
                   ("Get15118EVCertificate", "Update", "Accepted")]


async def test_an_update_without_a_contract_and_a_request_the_pki_cannot_read_fail(server):
    tenant, station, password = _system()
    async with charge_point_201(server, tenant, station, password) as cp:
        update = await cp.get_15118_ev_certificate(ev_exi_request("DE-XYZ-NOCONTRACT"),
                                                   action="Update")
        garbage = await cp.get_15118_ev_certificate(base64.b64encode(b"\x80EXI").decode())
    assert update.status == garbage.status == "Failed"
    assert update.status_info["reason_code"] == "PkiRefused"
    assert "DE-XYZ-NOCONTRACT" in update.status_info["additional_info"]
    assert update.exi_response == ""


# GetCertificateStatus (M06) ----------------------------------------------------------------
async def test_the_ocsp_status_is_good_then_revoked_and_unknown_certificates_fail(server):
    tenant, station, password = _system()
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    chain = issued.certificate_pem + ca_of(tenant_id=tenant.pk).certificate_pem
    data = contract_hash_data(chain)[0]
    async with charge_point_201(server, tenant, station, password) as cp:
        good = await cp.get_certificate_status(data)
        contract_certificate_revoke(certificate=issued)
        revoked = await cp.get_certificate_status(data)
        unknown = await cp.get_certificate_status(data | {"serialNumber": "abc123"})
    assert (good.status, _ocsp_status(good.ocsp_result)) == ("Accepted", ocsp.OCSPCertStatus.GOOD)
    assert (revoked.status, _ocsp_status(revoked.ocsp_result)) == (
        "Accepted", ocsp.OCSPCertStatus.REVOKED)
    assert (unknown.status, unknown.status_info["reason_code"]) == ("Failed", "PkiRefused")


# Contract Authorize (C07) ------------------------------------------------------------------
async def test_a_contract_is_authorized_by_hash_data_or_by_its_chain(server):
    tenant, station, password = _system()
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    chain = issued.certificate_pem + ca_of(tenant_id=tenant.pk).certificate_pem
    async with charge_point_201(server, tenant, station, password) as cp:
        local = await cp.authorize_contract("DE-ABC-C12345678-9", hash_data=contract_hash_data(chain))
        central = await cp.authorize_contract("DE-ABC-C12345678-9", certificate=chain)
        leaf_only = await cp.authorize_contract("DE-ABC-C12345678-9",
                                                certificate=issued.certificate_pem)
    for answer in (local, central, leaf_only):
        assert (answer.id_token_info["status"], answer.certificate_status) == (
            "Accepted", "Accepted")


@pytest.mark.parametrize("state, verdict", [(ContractCertificate.REVOKED, "CertificateRevoked"),
                                            (ContractCertificate.CANCELLED, "ContractCancelled")])
async def test_a_revoked_or_cancelled_contract_is_refused(server, state, verdict):
    tenant, station, password = _system()
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    contract_certificate_revoke(certificate=issued, state=state)
    chain = issued.certificate_pem + ca_of(tenant_id=tenant.pk).certificate_pem
    async with charge_point_201(server, tenant, station, password) as cp:
        local = await cp.authorize_contract("DE-ABC-C12345678-9", hash_data=contract_hash_data(chain))
        central = await cp.authorize_contract("DE-ABC-C12345678-9", certificate=chain)
    for answer in (local, central):
        assert (answer.id_token_info["status"], answer.certificate_status) == ("Invalid", verdict)


async def test_a_chain_of_a_stranger_ca_or_a_broken_signature_is_refused(server):
    tenant, station, password = _system()
    stranger = make_tenant()
    foreign = contract_certificate_issue(tenant_id=stranger.pk, emaid="DE-ABC-C12345678-9")
    own = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    forged = own.certificate_pem + ca_of(tenant_id=stranger.pk).certificate_pem
    async with charge_point_201(server, tenant, station, password) as cp:
        unknown_ca = await cp.authorize_contract("DE-ABC-C12345678-9",
                                                 certificate=foreign.certificate_pem)
        broken = await cp.authorize_contract("DE-ABC-C12345678-9", certificate=forged)
        garbage = await cp.authorize_contract("DE-ABC-C12345678-9", certificate="not a PEM")
    assert unknown_ca.certificate_status == "CertChainError"
    assert broken.certificate_status == garbage.certificate_status == "SignatureError"
    assert {a.id_token_info["status"] for a in (unknown_ca, broken, garbage)} == {"Invalid"}


async def test_the_emaid_follows_the_tenants_token_rules(server):
    tenant, station, password = _system(status="Blocked")
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    stranger = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ZZZ-UNKNOWN")
    async with charge_point_201(server, tenant, station, password) as cp:
        blocked = await cp.authorize_contract("DE-ABC-C12345678-9",
                                              certificate=issued.certificate_pem)
        unknown = await cp.authorize_contract("DE-ZZZ-UNKNOWN", certificate=stranger.certificate_pem)
    assert (blocked.id_token_info["status"], blocked.certificate_status) == ("Blocked", "Accepted")
    assert (unknown.id_token_info["status"], unknown.certificate_status) == ("Unknown", "Accepted")


# The HTTP adapter against a real HTTP PKI ----------------------------------------------------
class FakePki(BaseHTTPRequestHandler):
    """An operator's PKI service as docs/pki.md describes it; `mode` picks its behaviour."""

    mode = "ok"
    seen: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakePki.seen.append((self.path, self.headers.get("Authorization"), body))
        if FakePki.mode == "500":
            return self._send(500, {"error": "down"})
        if FakePki.mode == "slow":
            threading.Event().wait(1.0)
        answers = {
            "/15118-ev-certificate": {"status": "Accepted", "exiResponse": "RVhJLXJlc3BvbnNl"},
            "/certificate-status": {"status": "Accepted", "ocspResult": "T0NTUA=="},
            "/contract-authorization": {"status": "CertificateExpired"},
        }
        self._send(200, answers[self.path])

    def _send(self, code: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def http_pki_server(database, tmp_path_factory):
    """A server process whose PKI is PKI_BACKEND=http, at an HTTP PKI running in this test."""
    pki = ThreadingHTTPServer(("127.0.0.1", 0), FakePki)
    threading.Thread(target=pki.serve_forever, daemon=True).start()
    env = server_env() | {"PKI_BACKEND": "http", "PKI_HTTP_TOKEN": "s3cret",
                          "PKI_HTTP_URL": f"http://127.0.0.1:{pki.server_address[1]}/",
                          "PKI_HTTP_TIMEOUT": "0.5"}
    srv = start_server(env, tmp_path_factory.mktemp("pki"))
    yield srv
    srv.stop()
    pki.shutdown()


async def test_the_http_pki_answers_each_question_with_the_tenant_and_token(http_pki_server):
    FakePki.mode, FakePki.seen[:] = "ok", []
    tenant, station, password = _system()
    async with charge_point_201(http_pki_server, tenant, station, password) as cp:
        certificate = await cp.get_15118_ev_certificate("RVhJ", action="Install")
        status = await cp.get_certificate_status(contract_hash_data(_pair(tenant))[0])
        authorized = await cp.authorize_contract("DE-ABC-C12345678-9", certificate="PEM")
    assert (certificate.status, certificate.exi_response) == ("Accepted", "RVhJLXJlc3BvbnNl")
    assert (status.status, status.ocsp_result) == ("Accepted", "T0NTUA==")
    assert (authorized.certificate_status, authorized.id_token_info["status"]) == (
        "CertificateExpired", "Invalid")
    assert [(path, auth, body["tenant"]) for path, auth, body in FakePki.seen] == [
        ("/15118-ev-certificate", "Bearer s3cret", tenant.slug),
        ("/certificate-status", "Bearer s3cret", tenant.slug),
        ("/contract-authorization", "Bearer s3cret", tenant.slug)]
    assert FakePki.seen[0][2] | {"tenant": None} == {
        "tenant": None, "iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef",
        "action": "Install", "exiRequest": "RVhJ"}
    assert FakePki.seen[2][2]["emaid"] == "DE-ABC-C12345678-9"


@pytest.mark.parametrize("mode, reason", [("500", "HTTP 500"), ("slow", "could not be reached")])
async def test_a_failing_or_slow_http_pki_makes_the_answers_failed(http_pki_server, mode, reason):
    FakePki.mode = mode
    tenant, station, password = _system()
    async with charge_point_201(http_pki_server, tenant, station, password) as cp:
        certificate = await cp.get_15118_ev_certificate("RVhJ")
        status = await cp.get_certificate_status(contract_hash_data(_pair(tenant))[0])
        authorized = await cp.authorize_contract("DE-ABC-C12345678-9", certificate="PEM")
    for answer in (certificate, status):
        assert answer.status == "Failed" and answer.status_info["reason_code"] == "PkiUnavailable"
        assert reason in answer.status_info["additional_info"]
    assert (authorized.certificate_status, authorized.id_token_info["status"]) == (None, "Invalid")
    log = [(r.action, r.backend, r.status) async for r in
           PkiRequest.objects.filter(station=station).order_by("pk")]
    assert log == [("Get15118EVCertificate", "http", "Failed"),
                   ("GetCertificateStatus", "http", "Failed"), ("Authorize", "http", "Failed")]


def _pair(tenant) -> str:
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    return issued.certificate_pem + ca_of(tenant_id=tenant.pk).certificate_pem


# The API and the dashboard -------------------------------------------------------------------
async def test_the_api_shows_the_pki_its_log_and_issues_and_revokes_contracts(server):
    tenant, station, password = _system()
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.get_15118_ev_certificate(ev_exi_request("DE-ABC-C12345678-9"))
        shown = (await api.get("/api/v1/security/pki/")).json()
        log = (await api.get("/api/v1/security/pki/requests/",
                             params={"station": station.identity})).json()["results"]
        issued = await api.post("/api/v1/security/contract-certificates/",
                                json={"emaid": "DE-NEW-CONTRACT"})
        revoked = await api.post(
            f"/api/v1/security/contract-certificates/{issued.json()['id']}/revoke/",
            json={"state": "ContractCancelled"})
        listed = (await api.get("/api/v1/security/contract-certificates/",
                                params={"emaid": "DE-NEW-CONTRACT"})).json()["results"]
    assert shown == {"backend": "builtin", "url": None, "timeout_seconds": None}
    assert [(r["station"], r["action"], r["detail"], r["status"]) for r in log] == [
        (station.identity, "Get15118EVCertificate", "Install", "Accepted")]
    assert issued.status_code == 201 and "BEGIN CERTIFICATE" in issued.json()["certificate_pem"]
    assert revoked.json()["state"] == "ContractCancelled"
    assert [(c["emaid"], c["state"]) for c in listed] == [("DE-NEW-CONTRACT", "ContractCancelled")]


async def test_bad_input_is_a_400_with_the_reason(server):
    tenant, _, _ = _system()
    async with api_client(server, tenant) as api:
        no_emaid = await api.post("/api/v1/security/contract-certificates/", json={})
        long_emaid = await api.post("/api/v1/security/contract-certificates/",
                                    json={"emaid": "X" * 37})
        bad_csr = await api.post("/api/v1/security/contract-certificates/",
                                 json={"emaid": "DE-1", "csr": "not a CSR"})
        issued = (await api.post("/api/v1/security/contract-certificates/",
                                 json={"emaid": "DE-1"})).json()
        bad_state = await api.post(f"/api/v1/security/contract-certificates/{issued['id']}/revoke/",
                                   json={"state": "Valid"})
    assert [r.status_code for r in (no_emaid, long_emaid, bad_csr, bad_state)] == [400] * 4
    assert "emaid" in no_emaid.json() and "emaid" in long_emaid.json()
    assert bad_csr.json() == {"csr": ["The CSR does not parse."]}
    assert "state" in bad_state.json()


async def test_another_tenant_sees_none_of_it_and_an_accountant_only_reads(server):
    tenant, station, password = _system()
    issued = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-ABC-C12345678-9")
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.get_15118_ev_certificate(ev_exi_request("DE-ABC-C12345678-9"))
    other = make_tenant()
    async with api_client(server, other) as api:
        log = (await api.get("/api/v1/security/pki/requests/")).json()["results"]
        contracts = (await api.get("/api/v1/security/contract-certificates/")).json()["results"]
        revoke = await api.post(f"/api/v1/security/contract-certificates/{issued.pk}/revoke/",
                                json={})
    async with api_client(server, tenant, role="accountant") as api:
        read = await api.get("/api/v1/security/pki/requests/")
        write = await api.post("/api/v1/security/contract-certificates/", json={"emaid": "DE-2"})
    assert (log, contracts, revoke.status_code) == ([], [], 404)
    assert read.status_code == 200 and write.status_code == 403
    assert (await ContractCertificate.objects.aget(pk=issued.pk)).state == "Valid"


async def test_the_security_page_shows_the_pki_and_the_station_page_installs_a_v2g_root(server):
    tenant, station, password = _system()
    root = new_ca("Page V2G root")[0]
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.get_15118_ev_certificate(ev_exi_request("DE-ABC-C12345678-9"))
        http = await logged_in(server, member(tenant, Role.MANAGER))
        security = await http.get("/security/")
        page = await http.get(f"/stations/{station.identity}/")
        form = await http.get(f"/stations/{station.identity}/certificates/")
        installed = await post(http, f"/stations/{station.identity}/certificates/install/",
                               {"certificate_type": "V2GRootCertificate", "certificate": root})
        refused = await post(http, f"/stations/{station.identity}/certificates/install/",
                             {"certificate_type": "V2GRootCertificate", "certificate": "junk"})
        listed = await http.get(f"/stations/{station.identity}/certificates/")
    other = await logged_in(server, member(make_tenant(), Role.MANAGER))
    stranger = await other.get(f"/stations/{station.identity}/certificates/")
    assert "built-in <strong>test</strong> PKI" in security.text
    assert "Get15118EVCertificate" in security.text and "DE-ABC-C12345678-9" in security.text
    assert "Root certificates" in page.text
    assert 'value="MORootCertificate"' in form.text and 'value="V2GRootCertificate"' in form.text
    assert installed.status_code == 200 and "Accepted" in installed.text
    assert cp.certificates["V2GRootCertificate"] == [root]
    assert refused.status_code == 400 and "does not parse" in refused.text
    assert "V2GRootCertificate" in listed.text
    assert stranger.status_code == 404


async def test_the_raw_commands_endpoint_refuses_to_install_or_delete_certificates(server):
    tenant, station, password = _system()
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        install = await api.post(url, json={"action": "InstallCertificate", "payload": {
            "certificateType": "V2GRootCertificate", "certificate": new_ca("Raw")[0]}})
        delete = await api.post(url, json={"action": "DeleteCertificate", "payload": {
            "certificateHashData": {"hashAlgorithm": "SHA256", "issuerNameHash": "a",
                                    "issuerKeyHash": "b", "serialNumber": "c"}}})
    assert (install.status_code, delete.status_code) == (400, 400)
    assert "certificates/" in install.json()["action"][0]
    assert cp.certificates["V2GRootCertificate"] == []
