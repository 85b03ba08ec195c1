"""The 2.0.1 words for the version-neutral requests of the station, sessions, reservations, local
list and firmware topics (stations/ocpp/v201/commands.py, control201's sections): each request
becomes a CALL valid under the 2.0.1 schema, each answer the neutral result, and what 2.0.1
cannot carry is refused before anything is sent (docs/api.md, OCPP 2.0.1 stations). Pure: no
database, no socket."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS


def _valid(action: str, payload: dict, *, response: bool = False) -> dict:
    SCHEMAS.validate(action, payload, response=response)
    SCHEMAS.check_integers(action, payload, response=response)
    return payload


CALLS = [
    (req.StationReset(hard=True), "Reset", {"type": "Immediate"}),
    (req.StationReset(hard=False), "Reset", {"type": "OnIdle"}),
    (req.StationReset(hard=True, on_idle=True), "Reset", {"type": "OnIdle"}),
    (req.StationReset(hard=False, evse_id=2, on_idle=False), "Reset",
     {"type": "Immediate", "evseId": 2}),
    (req.AvailabilityChange(operative=False), "ChangeAvailability",
     {"operationalStatus": "Inoperative"}),
    (req.AvailabilityChange(operative=False, evse_id=0), "ChangeAvailability",
     {"operationalStatus": "Inoperative"}),
    (req.AvailabilityChange(operative=True, evse_id=2), "ChangeAvailability",
     {"operationalStatus": "Operative", "evse": {"id": 2}}),
    (req.AvailabilityChange(operative=False, evse_id=1, connector_id=2), "ChangeAvailability",
     {"operationalStatus": "Inoperative", "evse": {"id": 1, "connectorId": 2}}),
    (req.ConnectorUnlock(evse_id=1), "UnlockConnector", {"evseId": 1, "connectorId": 1}),
    (req.ConnectorUnlock(evse_id=2, connector_id=2), "UnlockConnector",
     {"evseId": 2, "connectorId": 2}),
    (req.MessageTrigger(requested_message="Heartbeat"), "TriggerMessage",
     {"requestedMessage": "Heartbeat"}),
    (req.MessageTrigger(requested_message="MeterValues", evse_id=1), "TriggerMessage",
     {"requestedMessage": "MeterValues", "evse": {"id": 1}}),
    (req.MessageTrigger(requested_message="StatusNotification", evse_id=1, extended=True),
     "TriggerMessage", {"requestedMessage": "StatusNotification", "evse": {"id": 1}}),
    (req.MessageTrigger(requested_message="TransactionEvent", evse_id=0), "TriggerMessage",
     {"requestedMessage": "TransactionEvent"}),
    (req.MessageTrigger(requested_message="DiagnosticsStatusNotification"), "TriggerMessage",
     {"requestedMessage": "LogStatusNotification"}),
    (req.DataTransfer(vendor_id="com.example"), "DataTransfer", {"vendorId": "com.example"}),
    (req.DataTransfer(vendor_id="com.example", message_id="ping", data="{}"), "DataTransfer",
     {"vendorId": "com.example", "messageId": "ping", "data": "{}"}),
    (req.SessionStartRemote(id_token="APP-USER", remote_start_id=41), "RequestStartTransaction",
     {"idToken": {"idToken": "APP-USER", "type": "ISO14443"}, "remoteStartId": 41}),
    (req.SessionStartRemote(id_token="EMAID1", token_type="eMAID", evse_id=2, remote_start_id=7),
     "RequestStartTransaction",
     {"idToken": {"idToken": "EMAID1", "type": "eMAID"}, "remoteStartId": 7, "evseId": 2}),
    (req.SessionStopRemote(transaction_id="b7e2-11"), "RequestStopTransaction",
     {"transactionId": "b7e2-11"}),
    (req.SessionStopRemote(transaction_id=17), "RequestStopTransaction", {"transactionId": "17"}),
    (req.ReservationMake(reservation_id=3, evse_id=1, id_token="TAG1",
                         expiry_date="2026-05-01T12:00:00Z"), "ReserveNow",
     {"id": 3, "evseId": 1, "idToken": {"idToken": "TAG1", "type": "ISO14443"},
      "expiryDateTime": "2026-05-01T12:00:00Z"}),
    (req.ReservationMake(reservation_id=4, evse_id=0, id_token="TAG1", parent_id_token="FLEET",
                         expiry_date="2026-05-01T12:00:00Z", token_type="KeyCode"), "ReserveNow",
     {"id": 4, "idToken": {"idToken": "TAG1", "type": "KeyCode"},
      "groupIdToken": {"idToken": "FLEET", "type": "Central"},
      "expiryDateTime": "2026-05-01T12:00:00Z"}),
    (req.ReservationCancel(reservation_id=3), "CancelReservation", {"reservationId": 3}),
    (req.LocalListVersionGet(), "GetLocalListVersion", {}),
    (req.LocalListSend(version=5, full=True), "SendLocalList",
     {"versionNumber": 5, "updateType": "Full"}),
    (req.LocalListSend(version=6, full=False, entries=(
        {"idTag": "TAG1", "idTagInfo": {"status": "Accepted", "expiryDate": "2027-01-01T00:00:00Z",
                                        "parentIdTag": "FLEET"}},
        {"idTag": "TAG2"})), "SendLocalList",
     {"versionNumber": 6, "updateType": "Differential", "localAuthorizationList": [
         {"idToken": {"idToken": "TAG1", "type": "ISO14443"},
          "idTokenInfo": {"status": "Accepted", "cacheExpiryDateTime": "2027-01-01T00:00:00Z",
                          "groupIdToken": {"idToken": "FLEET", "type": "Central"}}},
         {"idToken": {"idToken": "TAG2", "type": "ISO14443"}}]}),
    (req.FirmwareUpdate(request_id=9, location="https://files.example/fw.bin",
                        retrieve_date="2026-05-01T12:00:00Z", retries=3, retry_interval=60),
     "UpdateFirmware",
     {"requestId": 9, "firmware": {"location": "https://files.example/fw.bin",
                                   "retrieveDateTime": "2026-05-01T12:00:00Z"},
      "retries": 3, "retryInterval": 60}),
    (req.FirmwareUpdate(request_id=10, location="https://files.example/fw.bin",
                        retrieve_date="2026-05-01T12:00:00Z", signed=True,
                        signing_certificate="-----BEGIN CERTIFICATE-----", signature="c2ln"),
     "UpdateFirmware",
     {"requestId": 10, "firmware": {"location": "https://files.example/fw.bin",
                                    "retrieveDateTime": "2026-05-01T12:00:00Z",
                                    "signingCertificate": "-----BEGIN CERTIFICATE-----",
                                    "signature": "c2ln"}}),
    (req.LogUpload(request_id=11, location="ftp://logs.example/"), "GetLog",
     {"logType": "DiagnosticsLog", "requestId": 11, "log": {"remoteLocation": "ftp://logs.example/"}}),
    (req.LogUpload(request_id=12, location="ftp://logs.example/", diagnostics=False,
                   log_type="SecurityLog", oldest="2026-04-01T00:00:00Z", retries=1), "GetLog",
     {"logType": "SecurityLog", "requestId": 12, "retries": 1,
      "log": {"remoteLocation": "ftp://logs.example/", "oldestTimestamp": "2026-04-01T00:00:00Z"}}),
]


@pytest.mark.parametrize(("request_", "action", "payload"), CALLS)
def test_each_request_is_its_2_0_1_call_valid_under_the_schema(request_, action, payload):
    assert v201.call_of(request_) == (action, payload)
    _valid(action, payload)


@pytest.mark.parametrize("request_", [
    req.AvailabilityChange(operative=False, connector_id=2),  # a connector without its EVSE
    req.MessageTrigger(requested_message="SignChargePointCertificate"),  # 1.6 only
    req.SessionStartRemote(id_token="APP-USER"),  # no remoteStartId
    req.SessionStartRemote(id_token="APP-USER", remote_start_id=1, charging_profile={
        "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {}}),
])
def test_what_2_0_1_cannot_carry_is_a_value_error(request_):
    with pytest.raises(ValueError):
        v201.call_of(request_)


def test_every_message_2_0_1_can_trigger_is_its_schema_s():
    assert {"LogStatusNotification", "TransactionEvent", "SignV2GCertificate",
            "PublishFirmwareStatusNotification"} <= v201.TRIGGERABLE
    assert "DiagnosticsStatusNotification" not in v201.TRIGGERABLE
    assert v201.trigger_word("DiagnosticsStatusNotification") == "LogStatusNotification"


def test_a_status_answer_is_a_plain_result():
    answer = _valid("Reset", {"status": "Scheduled"}, response=True)
    result = v201.result_of(req.StationReset(hard=False), "Reset", answer)
    assert (type(result), result.status, result.response) == (req.CommandResult, "Scheduled", answer)


def test_a_remote_start_answer_carries_its_remote_start_id():
    answer = _valid("RequestStartTransaction", {"status": "Accepted"}, response=True)
    result = v201.result_of(req.SessionStartRemote(id_token="T", remote_start_id=41),
                            "RequestStartTransaction", answer)
    assert (result.status, result.remote_start_id) == ("Accepted", 41)


def test_the_list_version_is_read_from_version_number():
    answer = _valid("GetLocalListVersion", {"versionNumber": 4}, response=True)
    result = v201.result_of(req.LocalListVersionGet(), "GetLocalListVersion", answer)
    assert (result.status, result.version) == ("Accepted", 4)


def test_a_log_upload_answer_names_its_file():
    answer = _valid("GetLog", {"status": "Accepted", "filename": "diag.zip"}, response=True)
    result = v201.result_of(req.LogUpload(request_id=1, location="ftp://x/"), "GetLog", answer)
    assert (result.status, result.file_name) == ("Accepted", "diag.zip")


def test_1_6_refuses_what_only_2_0_1_says_and_keeps_its_words_otherwise():
    with pytest.raises(ValueError):
        v16.call_of(req.StationReset(hard=True, evse_id=1))
    with pytest.raises(ValueError):
        v16.call_of(req.AvailabilityChange(operative=False, evse_id=1, connector_id=2))
    assert v16.call_of(req.StationReset(hard=True, on_idle=True)) == ("Reset", {"type": "Soft"})
    assert v16.call_of(req.AvailabilityChange(operative=True, evse_id=1, connector_id=1)) == (
        "ChangeAvailability", {"connectorId": 1, "type": "Operative"})
    result = v16.result_of(req.SessionStartRemote(id_token="T", remote_start_id=3),
                           "RemoteStartTransaction", {"status": "Accepted"})
    assert (result.status, result.remote_start_id) == ("Accepted", None)


def test_a_remote_start_s_tx_profile_is_worded_for_2_0_1():
    stored = {"chargingProfileId": 5, "stackLevel": 1, "chargingProfilePurpose": "TxProfile",
              "chargingProfileKind": "Relative",
              "chargingSchedule": {"chargingRateUnit": "A",
                                   "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]}}
    action, payload = v201.call_of(req.SessionStartRemote(id_token="T", evse_id=1, remote_start_id=9,
                                                         charging_profile=stored))
    _valid(action, payload)
    profile = payload["chargingProfile"]
    assert (profile["id"], profile["chargingProfilePurpose"], profile["chargingSchedule"][0]["id"]) == (
        5, "TxProfile", 5)
    assert "transactionId" not in profile
