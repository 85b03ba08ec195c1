"""The 1.6 words for the version-neutral requests (stations/ocpp/v16/commands.py): each request
becomes the CALL the services sent before they were neutral, valid under the 1.6 schema, and
each answer comes back as the neutral result. Pure: no database, no socket."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import schemas
from stations.ocpp.v16.commands import call_of, certificate_type_of, result_of, trigger_action

PROFILE = {"chargingProfileId": 7, "stackLevel": 1, "chargingProfilePurpose": "TxProfile",
           "chargingProfileKind": "Absolute",
           "chargingSchedule": {"chargingRateUnit": "A",
                                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]}}

CALLS = [
    (req.StationReset(hard=True), "Reset", {"type": "Hard"}),
    (req.StationReset(hard=False), "Reset", {"type": "Soft"}),
    (req.AvailabilityChange(operative=False), "ChangeAvailability",
     {"connectorId": 0, "type": "Inoperative"}),
    (req.AvailabilityChange(operative=True, evse_id=2), "ChangeAvailability",
     {"connectorId": 2, "type": "Operative"}),
    (req.ConnectorUnlock(evse_id=1), "UnlockConnector", {"connectorId": 1}),
    (req.ConfigurationGet(), "GetConfiguration", {}),
    (req.ConfigurationGet(keys=("HeartbeatInterval",)), "GetConfiguration",
     {"key": ["HeartbeatInterval"]}),
    (req.ConfigurationSet(key="MeterValueSampleInterval", value="15"), "ChangeConfiguration",
     {"key": "MeterValueSampleInterval", "value": "15"}),
    (req.MessageTrigger(requested_message="Heartbeat"), "TriggerMessage",
     {"requestedMessage": "Heartbeat"}),
    (req.MessageTrigger(requested_message="StatusNotification", evse_id=1, extended=True),
     "ExtendedTriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1}),
    (req.MessageTrigger(requested_message="SignChargePointCertificate"), "ExtendedTriggerMessage",
     {"requestedMessage": "SignChargePointCertificate"}),
    (req.CacheClear(), "ClearCache", {}),
    (req.DataTransfer(vendor_id="com.example"), "DataTransfer", {"vendorId": "com.example"}),
    (req.DataTransfer(vendor_id="com.example", message_id="ping", data="{}"), "DataTransfer",
     {"vendorId": "com.example", "messageId": "ping", "data": "{}"}),
    (req.SessionStartRemote(id_token="APP-USER"), "RemoteStartTransaction", {"idTag": "APP-USER"}),
    (req.SessionStartRemote(id_token="APP-USER", evse_id=1, charging_profile=PROFILE),
     "RemoteStartTransaction", {"idTag": "APP-USER", "connectorId": 1, "chargingProfile": PROFILE}),
    (req.SessionStopRemote(transaction_id="42"), "RemoteStopTransaction", {"transactionId": 42}),
    (req.ReservationMake(reservation_id=3, evse_id=1, id_token="TAG", expiry_date="2026-12-06T13:00:00Z"),
     "ReserveNow", {"connectorId": 1, "expiryDate": "2026-12-06T13:00:00Z", "idTag": "TAG",
                    "reservationId": 3}),
    (req.ReservationMake(reservation_id=3, evse_id=0, id_token="TAG", parent_id_token="FLEET",
                         expiry_date="2026-12-06T13:00:00Z"),
     "ReserveNow", {"connectorId": 0, "expiryDate": "2026-12-06T13:00:00Z", "idTag": "TAG",
                    "reservationId": 3, "parentIdTag": "FLEET"}),
    (req.ReservationCancel(reservation_id=3), "CancelReservation", {"reservationId": 3}),
    (req.LocalListSend(version=4, full=True), "SendLocalList",
     {"listVersion": 4, "updateType": "Full"}),
    (req.LocalListSend(version=5, full=False, entries=({"idTag": "TAG"},)), "SendLocalList",
     {"listVersion": 5, "updateType": "Differential", "localAuthorizationList": [{"idTag": "TAG"}]}),
    (req.LocalListVersionGet(), "GetLocalListVersion", {}),
    (req.ChargingProfileSet(evse_id=1, profile=PROFILE | {"transactionId": 9}), "SetChargingProfile",
     {"connectorId": 1, "csChargingProfiles": PROFILE | {"transactionId": 9}}),
    (req.ChargingProfilesClear(), "ClearChargingProfile", {}),
    (req.ChargingProfilesClear(profile_id=7), "ClearChargingProfile", {"id": 7}),
    (req.ChargingProfilesClear(evse_id=0, purpose="TxDefaultProfile", stack_level=5),
     "ClearChargingProfile", {"connectorId": 0, "chargingProfilePurpose": "TxDefaultProfile",
                              "stackLevel": 5}),
    (req.CompositeScheduleGet(evse_id=1, duration=60), "GetCompositeSchedule",
     {"connectorId": 1, "duration": 60}),
    (req.CompositeScheduleGet(evse_id=1, duration=60, rate_unit="W"), "GetCompositeSchedule",
     {"connectorId": 1, "duration": 60, "chargingRateUnit": "W"}),
    (req.CertificateInstall(certificate_type="CSMSRootCertificate", certificate_pem="PEM"),
     "InstallCertificate", {"certificateType": "CentralSystemRootCertificate", "certificate": "PEM"}),
    (req.CertificateIdsGet(certificate_type="ManufacturerRootCertificate"),
     "GetInstalledCertificateIds", {"certificateType": "ManufacturerRootCertificate"}),
    (req.CertificateSend(chain_pem="CHAIN"), "CertificateSigned", {"certificateChain": "CHAIN"}),
    (req.FirmwareUpdate(request_id=5, location="https://cpms.example/fw/5/t",
                        retrieve_date="2026-12-06T12:00:00Z", retries=3),
     "UpdateFirmware", {"location": "https://cpms.example/fw/5/t",
                        "retrieveDate": "2026-12-06T12:00:00Z", "retries": 3}),
    (req.FirmwareUpdate(request_id=5, location="https://cpms.example/fw/5/t",
                        retrieve_date="2026-12-06T12:00:00Z", retry_interval=60, signed=True,
                        signing_certificate="CERT", signature="SIG"),
     "SignedUpdateFirmware", {"requestId": 5,
                              "firmware": {"location": "https://cpms.example/fw/5/t",
                                           "retrieveDateTime": "2026-12-06T12:00:00Z",
                                           "signingCertificate": "CERT", "signature": "SIG"},
                              "retryInterval": 60}),
    (req.LogUpload(request_id=6, location="https://cpms.example/up/6/t"), "GetDiagnostics",
     {"location": "https://cpms.example/up/6/t"}),
    (req.LogUpload(request_id=6, location="https://cpms.example/up/6/t",
                   oldest="2026-12-01T00:00:00Z", latest="2026-12-02T00:00:00Z", retries=1),
     "GetDiagnostics", {"location": "https://cpms.example/up/6/t", "startTime": "2026-12-01T00:00:00Z",
                        "stopTime": "2026-12-02T00:00:00Z", "retries": 1}),
    (req.LogUpload(request_id=7, location="https://cpms.example/up/7/t", diagnostics=False,
                   log_type="SecurityLog", oldest="2026-12-01T00:00:00Z"),
     "GetLog", {"logType": "SecurityLog", "requestId": 7,
                "log": {"remoteLocation": "https://cpms.example/up/7/t",
                        "oldestTimestamp": "2026-12-01T00:00:00Z"}}),
]


@pytest.mark.parametrize(("request_", "action", "payload"), CALLS,
                         ids=[f"{type(c[0]).__name__}-{i}" for i, c in enumerate(CALLS)])
def test_each_request_becomes_the_1_6_call_and_passes_its_schema(request_, action, payload):
    assert call_of(request_) == (action, payload)
    assert list(call_of(request_)[1]) == list(payload)  # the frame's key order too
    schemas.validate(action, payload)


def test_a_certificate_to_delete_is_named_by_its_hash_data():
    hash_data = {"hashAlgorithm": "SHA256", "issuerNameHash": "a" * 64, "issuerKeyHash": "b" * 64,
                 "serialNumber": "01"}
    assert call_of(req.CertificateDelete(hash_data=hash_data)) == (
        "DeleteCertificate", {"certificateHashData": hash_data})


def test_a_request_1_6_has_no_message_for_is_refused():
    with pytest.raises(TypeError, match="no message for str"):
        call_of("Reboot")


def test_the_standard_trigger_is_used_unless_only_the_extended_one_has_the_message():
    assert trigger_action(requested_message="MeterValues") == "TriggerMessage"
    assert trigger_action(requested_message="MeterValues", extended=True) == "ExtendedTriggerMessage"
    assert trigger_action(requested_message="LogStatusNotification") == "ExtendedTriggerMessage"


def test_an_answer_with_a_status_becomes_a_result_with_that_status_and_the_raw_answer():
    result = result_of(req.StationReset(hard=False), "Reset", {"status": "Rejected"})
    assert result == req.CommandResult(action="Reset", status="Rejected",
                                       response={"status": "Rejected"})
    data = result_of(req.DataTransfer(vendor_id="v"), "DataTransfer",
                     {"status": "Accepted", "data": "pong"})
    assert (data.status, data.response["data"]) == ("Accepted", "pong")


def test_an_answer_without_a_status_has_an_empty_one():
    schedule = {"status": "Accepted", "connectorId": 1}
    assert result_of(req.CompositeScheduleGet(evse_id=1, duration=60), "GetCompositeSchedule",
                     schedule).response == schedule
    assert result_of(req.CacheClear(), "ClearCache", {}).status == ""


def test_a_configuration_answer_becomes_the_keys_and_the_unknown_names():
    answer = {"configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "60"},
                                   {"key": "NumberOfConnectors", "readonly": True}],
              "unknownKey": ["Colour"]}
    report = result_of(req.ConfigurationGet(), "GetConfiguration", answer)
    assert isinstance(report, req.ConfigurationReport)
    assert report.keys == ({"key": "HeartbeatInterval", "readonly": False, "value": "60"},
                           {"key": "NumberOfConnectors", "readonly": True})
    assert report.unknown == ("Colour",) and report.status == "Accepted"
    empty = result_of(req.ConfigurationGet(keys=("Colour",)), "GetConfiguration", {})
    assert (empty.keys, empty.unknown) == ((), ())


def test_a_list_version_answer_becomes_the_version():
    report = result_of(req.LocalListVersionGet(), "GetLocalListVersion", {"listVersion": -1})
    assert isinstance(report, req.ListVersionReport) and report.version == -1


def test_an_installed_certificates_answer_becomes_their_hash_data():
    hash_data = [{"hashAlgorithm": "SHA256", "issuerNameHash": "a", "issuerKeyHash": "b",
                  "serialNumber": "01"}]
    report = result_of(req.CertificateIdsGet(certificate_type="CSMSRootCertificate"),
                       "GetInstalledCertificateIds",
                       {"status": "Accepted", "certificateHashData": hash_data})
    assert report.status == "Accepted" and report.hash_data == tuple(hash_data)
    none = result_of(req.CertificateIdsGet(certificate_type="CSMSRootCertificate"),
                     "GetInstalledCertificateIds", {"status": "NotFound"})
    assert none.hash_data == ()


def test_a_log_upload_answer_becomes_the_file_name_and_the_status():
    diagnostics = result_of(req.LogUpload(request_id=1, location="x"), "GetDiagnostics",
                            {"fileName": "diag.zip"})
    log = result_of(req.LogUpload(request_id=2, location="x", diagnostics=False,
                                  log_type="DiagnosticsLog"), "GetLog", {"status": "Rejected"})
    assert isinstance(diagnostics, req.LogUploadReport)
    assert (diagnostics.file_name, diagnostics.status) == ("diag.zip", "")
    assert (log.file_name, log.status) == ("", "Rejected")


def test_a_root_certificate_type_has_its_1_6_name_and_the_ones_1_6_lacks_are_refused():
    assert call_of(req.CertificateIdsGet(certificate_type="CSMSRootCertificate")) == (
        "GetInstalledCertificateIds", {"certificateType": "CentralSystemRootCertificate"})
    assert certificate_type_of("CentralSystemRootCertificate") == "CSMSRootCertificate"
    assert certificate_type_of("ManufacturerRootCertificate") == "ManufacturerRootCertificate"
    with pytest.raises(ValueError):
        call_of(req.CertificateInstall(certificate_type="V2GRootCertificate", certificate_pem="PEM"))
