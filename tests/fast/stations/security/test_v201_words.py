"""The 2.0.1 words of the security requests (stations/ocpp/v201/commands.py, security section),
pure: each CALL validates against the 2.0.1 schemas, answers become the neutral results, and the
station's password never reaches the frame log (stations/services/message_log.py)."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS
from stations.services.message_log import REDACTED, redacted, secret_variable

HASH = {"hashAlgorithm": "SHA256", "issuerNameHash": "aa", "issuerKeyHash": "bb",
        "serialNumber": "01"}


@pytest.mark.parametrize("request_", [
    req.CertificateInstall(certificate_type="MORootCertificate", certificate_pem="PEM"),
    req.CertificateIdsGet(certificate_type="V2GRootCertificate"),
    req.CertificateDelete(hash_data=HASH),
    req.CertificateSend(chain_pem="PEM", certificate_type="V2GCertificate"),
    req.CertificateSend(chain_pem="PEM"),
    req.PasswordSet(password="x7Gq-2mZ_pL9vR4tK8wB"),
    req.NetworkProfileSet(slot=2, csms_url="wss://cpms.example/ocpp/acme", security_profile=3),
    req.NetworkPrioritySet(slots=(2, 1)),
])
def test_every_security_call_fits_the_2_0_1_schemas(request_):
    action, payload = v201.call_of(request_)
    SCHEMAS.validate(action, payload)


def test_certificate_signed_names_a_type_only_when_asked():
    assert v201.call_of(req.CertificateSend(chain_pem="PEM"))[1] == {"certificateChain": "PEM"}
    assert v201.call_of(req.CertificateSend(chain_pem="PEM", certificate_type="V2GCertificate"))[1] \
        == {"certificateChain": "PEM", "certificateType": "V2GCertificate"}
    assert v16.call_of(req.CertificateSend(chain_pem="PEM", certificate_type="V2GCertificate")) \
        == ("CertificateSigned", {"certificateChain": "PEM"})


def test_the_password_goes_by_each_versions_own_message():
    assert v16.call_of(req.PasswordSet(password="p" * 20)) == (
        "ChangeConfiguration", {"key": "AuthorizationKey", "value": "p" * 20})
    action, payload = v201.call_of(req.PasswordSet(password="p" * 20))
    assert action == "SetVariables"
    assert payload["setVariableData"] == [{"attributeValue": "p" * 20,
                                           "component": {"name": "SecurityCtrlr"},
                                           "variable": {"name": "BasicAuthPassword"}}]


@pytest.mark.parametrize("status", ["Accepted", "Rejected", "RebootRequired", "UnknownVariable"])
def test_a_set_variables_answer_is_its_one_attributes_status(status):
    response = {"setVariableResult": [{"attributeStatus": status,
                                       "component": {"name": "SecurityCtrlr"},
                                       "variable": {"name": "BasicAuthPassword"}}]}
    assert v201.result_of(req.PasswordSet(password="p" * 20), "SetVariables", response).status \
        == status
    assert v201.result_of(req.NetworkPrioritySet(slots=(2, 1)), "SetVariables", response).status \
        == status


def test_installed_certificate_ids_are_those_of_the_type_asked_for():
    other = HASH | {"serialNumber": "02"}
    response = {"status": "Accepted", "certificateHashDataChain": [
        {"certificateType": "V2GRootCertificate", "certificateHashData": HASH},
        {"certificateType": "MORootCertificate", "certificateHashData": other}]}
    report = v201.result_of(req.CertificateIdsGet(certificate_type="V2GRootCertificate"),
                            "GetInstalledCertificateIds", response)
    assert (report.status, report.hash_data) == ("Accepted", (HASH,))
    none = v201.result_of(req.CertificateIdsGet(certificate_type="CSMSRootCertificate"),
                          "GetInstalledCertificateIds", {"status": "NotFound"})
    assert (none.status, none.hash_data) == ("NotFound", ())


def test_the_domains_certificate_types_are_2_0_1s_words():
    for certificate_type in ("CSMSRootCertificate", "V2GRootCertificate", "MORootCertificate"):
        assert v201.certificate_type_word(certificate_type) == certificate_type


@pytest.mark.parametrize("action, payload", [
    ("SetVariables", {"setVariableData": [{"attributeValue": "s3cret-Password-4567",
                                           "component": {"name": "securityctrlr"},
                                           "variable": {"name": "BasicAuthPassword"}}]}),
    ("GetVariables", {"getVariableResult": [{"attributeStatus": "Accepted",
                                             "attributeValue": "s3cret-Password-4567",
                                             "component": {"name": "SecurityCtrlr"},
                                             "variable": {"name": "BasicAuthPassword"}}]}),
])
def test_the_password_is_redacted_from_the_frame_log_in_any_case(action, payload):
    logged = redacted(action, payload)
    assert "s3cret-Password-4567" not in str(logged) and REDACTED in str(logged)


def test_other_variables_are_logged_as_they_are():
    payload = {"setVariableData": [{"attributeValue": "300", "component": {"name": "OCPPCommCtrlr"},
                                    "variable": {"name": "HeartbeatInterval"}}]}
    assert redacted("SetVariables", payload) == payload
    assert secret_variable({"name": "SecurityCtrlr"}, "BasicAuthPassword")
    assert not secret_variable("SecurityCtrlr", {"name": "Identity"})


def test_a_reported_password_is_redacted_from_a_notify_report_too():
    payload = {"requestId": 1, "generatedAt": "2026-01-01T00:00:00Z", "seqNo": 0, "reportData": [
        {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"},
         "variableAttribute": [{"type": "Actual", "value": "s3cret-Password-4567",
                                "mutability": "WriteOnly"}]},
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"},
         "variableAttribute": [{"type": "Actual", "value": "300"}]}]}
    logged = redacted("NotifyReport", payload)
    assert "s3cret-Password-4567" not in str(logged)
    assert logged["reportData"][0]["variableAttribute"][0]["mutability"] == "WriteOnly"
    assert logged["reportData"][1] == payload["reportData"][1]
