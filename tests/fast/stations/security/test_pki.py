"""The ISO 15118 PKI in process (docs/pki.md): the built-in test PKI's verdicts and OCSP answers
follow each contract's last state whatever the order of issues, revocations and cancellations
(Hypothesis), and the HTTP adapter turns every answer out of contract from a real HTTP server
(not JSON, an unknown status, Accepted without its payload, nobody listening) into a PkiError.
The live path: tests/test_iso15118_201.py."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.x509 import ocsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.security import pki
from stations.security.models import ContractCertificate
from stations.security.pki.base import PkiError
from stations.security.pki.builtin import (
    BuiltinPki,
    contract_certificate_issue,
    contract_certificate_revoke,
)
from stations.security.pki.http_backend import HttpPki
from stations.security.services import ca_of
from stations.simulator.v201.security import contract_hash_data

pytestmark = pytest.mark.django_db
VERDICT = {ContractCertificate.VALID: "Accepted", ContractCertificate.REVOKED: "CertificateRevoked",
           ContractCertificate.CANCELLED: "ContractCancelled"}
_examples = iter(range(10**6))

changes = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(
    [ContractCertificate.REVOKED, ContractCertificate.CANCELLED])), max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=changes)
def test_verdicts_and_ocsp_follow_each_contracts_last_state(tenant, history):
    backend, example = BuiltinPki(), next(_examples)
    authority = ca_of(tenant_id=tenant.pk).certificate_pem
    contracts = [contract_certificate_issue(tenant_id=tenant.pk, emaid=f"DE-H{example}-{n}")
                 for n in range(3)]
    expected = [ContractCertificate.VALID] * 3
    for index, state in history:
        contract_certificate_revoke(certificate=contracts[index], state=state)
        expected[index] = state
    for contract, state in zip(contracts, expected, strict=True):
        chain = contract.certificate_pem + authority
        data = contract_hash_data(chain)
        by_hash = backend.authorize_contract(tenant_id=tenant.pk, emaid=contract.emaid,
                                             hash_data=data)
        by_chain = backend.authorize_contract(tenant_id=tenant.pk, emaid=contract.emaid,
                                              certificate=chain)
        status = backend.get_certificate_status(tenant_id=tenant.pk, ocsp_request_data=data[0])
        good = ocsp.load_der_ocsp_response(base64.b64decode(status.ocsp_result)).certificate_status
        assert by_hash == by_chain == VERDICT[state]
        assert (good == ocsp.OCSPCertStatus.GOOD) == (state == ContractCertificate.VALID)


def test_another_tenants_pki_knows_none_of_its_contracts(tenant, other_tenant):
    contract = contract_certificate_issue(tenant_id=tenant.pk, emaid="DE-OWN")
    chain = contract.certificate_pem + ca_of(tenant_id=tenant.pk).certificate_pem
    backend = BuiltinPki()
    assert backend.authorize_contract(tenant_id=other_tenant.pk, emaid="DE-OWN",
                                      hash_data=contract_hash_data(chain)) == "NoCertificateAvailable"
    assert backend.authorize_contract(tenant_id=other_tenant.pk, emaid="DE-OWN",
                                      certificate=chain) == "CertChainError"
    assert backend.get_certificate_status(tenant_id=other_tenant.pk,
                                          ocsp_request_data=contract_hash_data(chain)[0]).status == "Failed"


def test_the_setting_picks_the_backend(settings):
    assert isinstance(pki.backend(), BuiltinPki)
    settings.PKI_BACKEND, settings.PKI_HTTP_URL = "http", "https://pki.example"
    assert isinstance(pki.backend(), HttpPki)
    assert pki.settings_shown() == {"backend": "http", "url": "https://pki.example",
                                    "timeout_seconds": settings.PKI_HTTP_TIMEOUT}


# The HTTP adapter against a real HTTP server -------------------------------------------------
class Answering(BaseHTTPRequestHandler):
    body = b"{}"

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(Answering.body)))
        self.end_headers()
        self.wfile.write(Answering.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_pki():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield HttpPki(url=f"http://127.0.0.1:{server.server_address[1]}", token="", timeout=1.0)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("body, problem", [
    (b"<html>", "not JSON"), (b"[1]", "not a JSON object"),
    (json.dumps({"status": "Maybe"}).encode(), "'Maybe'"),
    (json.dumps({"status": "Accepted"}).encode(), "without an exiResponse"),
])
def test_an_answer_out_of_contract_is_a_pki_error(tenant, http_pki, body, problem):
    Answering.body = body
    with pytest.raises(PkiError, match=problem):
        http_pki.get_15118_ev_certificate(tenant_id=tenant.pk, schema_version="x",
                                          action="Install", exi_request="RVhJ")


def test_a_failed_answer_and_a_verdict_pass_through(tenant, http_pki):
    Answering.body = json.dumps({"status": "Failed", "reason": "no contract"}).encode()
    failed = http_pki.get_certificate_status(tenant_id=tenant.pk, ocsp_request_data={})
    Answering.body = json.dumps({"status": "ContractCancelled"}).encode()
    assert (failed.status, failed.reason) == ("Failed", "no contract")
    assert http_pki.authorize_contract(tenant_id=tenant.pk, emaid="DE-1",
                                       certificate="PEM") == "ContractCancelled"


def test_nobody_listening_is_a_pki_error(tenant):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    port = server.server_address[1]
    server.server_close()
    with pytest.raises(PkiError, match="could not be reached"):
        HttpPki(url=f"http://127.0.0.1:{port}", timeout=1.0).authorize_contract(
            tenant_id=tenant.pk, emaid="DE-1", certificate="PEM")


def test_a_ca_certificate_is_no_contract(tenant):
    authority = ca_of(tenant_id=tenant.pk).certificate_pem
    assert BuiltinPki().authorize_contract(tenant_id=tenant.pk, emaid="DE-1",
                                           certificate=authority) == "CertChainError"


def test_a_defect_of_the_pki_is_still_an_answer(tenant, monkeypatch):
    from stations.security import iso15118
    from tests.factories import make_station

    def broken(self, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(BuiltinPki, "get_certificate_status", broken)
    station, _ = make_station(tenant)
    answer = iso15118.certificate_status_answer(station=station, payload={"ocspRequestData": {
        "hashAlgorithm": "SHA256", "issuerNameHash": "a", "issuerKeyHash": "b",
        "serialNumber": "c", "responderURL": "http://ocsp.invalid/"}})
    assert answer == {"status": "Failed", "statusInfo": {
        "reasonCode": "PkiUnavailable", "additionalInfo": "The PKI failed: RuntimeError"}}


@pytest.mark.parametrize("environ, message", [
    ({"PKI_BACKEND": "hubject"}, "builtin or http"),
    ({"PKI_BACKEND": "http"}, "needs PKI_HTTP_URL"),
    ({"PKI_BACKEND": "http", "PKI_HTTP_URL": "http://pki.example", "DJANGO_DEBUG": "0"},
     "must be https://"),
])
def test_a_pki_setting_that_cannot_work_fails_the_start(environ, message):
    from tests.fast.cpms.test_settings import load_settings

    code, loaded = load_settings(**environ)
    assert code == 3 and message in loaded["message"]
