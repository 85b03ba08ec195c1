"""The OCPP 1.6 words for what the central system asks of a station.

`call_of` turns a version-neutral request (stations/commands/requests.py) into the 1.6 action and
payload; `result_of` turns the station's answer into the neutral result. Both are pure: no
database, no socket. `stations.commands.sending.translator_for` picks this module for a 1.6
station; a 2.0.1 adapter offers the same two functions (docs/architecture.md, the path of an API
command).
"""

import json
from functools import singledispatch
from importlib import resources

from stations.commands import requests as req


def _requested_messages(action: str) -> frozenset[str]:
    """The requestedMessage enum of `action`'s schema in the ocpp package: one source of truth."""
    schema = json.loads(resources.files("ocpp.v16").joinpath(f"schemas/{action}.json").read_text())
    prop = schema["properties"]["requestedMessage"]
    if "$ref" in prop:
        prop = schema["definitions"][prop["$ref"].rsplit("/", 1)[-1]]
    return frozenset(prop["enum"])


TRIGGERABLE = _requested_messages("TriggerMessage")
TRIGGERABLE_EXTENDED = _requested_messages("ExtendedTriggerMessage")


def trigger_action(*, requested_message: str, extended: bool = False) -> str:
    """TriggerMessage when it can carry the request and the caller did not ask for the extended one."""
    if extended or requested_message not in TRIGGERABLE:
        return "ExtendedTriggerMessage"
    return "TriggerMessage"


# The domain names root certificates as OCPP 2.0.1 does; 1.6 knows two of them, one by another
# name. A V2G or MO root cannot be installed on a 1.6 station.
CERTIFICATE_TYPES = {"CSMSRootCertificate": "CentralSystemRootCertificate",
                     "ManufacturerRootCertificate": "ManufacturerRootCertificate"}


def certificate_type_word(certificate_type: str) -> str:
    """The 1.6 name of a root certificate's type (ValueError: 1.6 has none for it)."""
    try:
        return CERTIFICATE_TYPES[certificate_type]
    except KeyError:
        raise ValueError(f"OCPP 1.6 has no certificate type {certificate_type}.") from None


def certificate_type_of(word: str) -> str:
    """The domain's name for a 1.6 certificate type (a domain name is kept as it is)."""
    return {v16: neutral for neutral, v16 in CERTIFICATE_TYPES.items()}.get(word, word)


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


# Requests -> (action, payload) -----------------------------------------------------------------
@singledispatch
def call_of(request) -> tuple[str, dict]:
    raise TypeError(f"OCPP 1.6 has no message for {type(request).__name__}.")


@call_of.register
def _(request: req.StationReset) -> tuple[str, dict]:
    if request.evse_id:
        raise ValueError("OCPP 1.6 resets the whole station, not one EVSE.")
    hard = request.hard if request.on_idle is None else not request.on_idle
    return "Reset", {"type": "Hard" if hard else "Soft"}


@call_of.register
def _(request: req.AvailabilityChange) -> tuple[str, dict]:
    if (request.connector_id or 1) != 1:
        raise ValueError("OCPP 1.6 has one connector per EVSE: name the connector as the EVSE.")
    return "ChangeAvailability", {"connectorId": request.evse_id or 0,
                                  "type": "Operative" if request.operative else "Inoperative"}


@call_of.register
def _(request: req.ConnectorUnlock) -> tuple[str, dict]:
    return "UnlockConnector", {"connectorId": request.evse_id}


@call_of.register
def _(request: req.ConfigurationGet) -> tuple[str, dict]:
    return "GetConfiguration", {"key": list(request.keys)} if request.keys else {}


@call_of.register
def _(request: req.ConfigurationSet) -> tuple[str, dict]:
    return "ChangeConfiguration", {"key": request.key, "value": request.value}


@call_of.register
def _(request: req.MessageTrigger) -> tuple[str, dict]:
    action = trigger_action(requested_message=request.requested_message, extended=request.extended)
    return action, _without_none({"requestedMessage": request.requested_message,
                                  "connectorId": request.evse_id})


@call_of.register
def _(request: req.CacheClear) -> tuple[str, dict]:
    return "ClearCache", {}


@call_of.register
def _(request: req.DataTransfer) -> tuple[str, dict]:
    return "DataTransfer", _without_none({"vendorId": request.vendor_id,
                                          "messageId": request.message_id, "data": request.data})


@call_of.register
def _(request: req.SessionStartRemote) -> tuple[str, dict]:
    # A 1.6 idTag carries no token type: the station treats every one alike.
    return "RemoteStartTransaction", _without_none({
        "idTag": request.id_token, "connectorId": request.evse_id,
        "chargingProfile": request.charging_profile})


@call_of.register
def _(request: req.SessionStopRemote) -> tuple[str, dict]:
    # 1.6 transaction ids are the integers we assign (a string id is 2.0.1's: a ValueError).
    return "RemoteStopTransaction", {"transactionId": int(request.transaction_id)}


@call_of.register
def _(request: req.ReservationMake) -> tuple[str, dict]:
    if request.connector_type:
        raise ValueError("OCPP 1.6 reserves a connector, not a connector type.")
    payload = {"connectorId": request.evse_id, "expiryDate": request.expiry_date,
               "idTag": request.id_token, "reservationId": request.reservation_id}
    if request.parent_id_token:
        payload["parentIdTag"] = request.parent_id_token
    return "ReserveNow", payload


@call_of.register
def _(request: req.ReservationCancel) -> tuple[str, dict]:
    return "CancelReservation", {"reservationId": request.reservation_id}


@call_of.register
def _(request: req.LocalListSend) -> tuple[str, dict]:
    payload: dict = {"listVersion": request.version,
                     "updateType": "Full" if request.full else "Differential"}
    if request.entries:  # a 2.0.1 token type (tokenType) is not 1.6's
        payload["localAuthorizationList"] = [
            {key: value for key, value in entry.items() if key != "tokenType"}
            for entry in request.entries]
    return "SendLocalList", payload


@call_of.register
def _(request: req.LocalListVersionGet) -> tuple[str, dict]:
    return "GetLocalListVersion", {}


@call_of.register
def _(request: req.ChargingProfileSet) -> tuple[str, dict]:
    return "SetChargingProfile", {"connectorId": request.evse_id,
                                  "csChargingProfiles": request.profile}


@call_of.register
def _(request: req.ChargingProfilesClear) -> tuple[str, dict]:
    return "ClearChargingProfile", _without_none({
        "id": request.profile_id, "connectorId": request.evse_id,
        "chargingProfilePurpose": request.purpose or None, "stackLevel": request.stack_level})


@call_of.register
def _(request: req.CompositeScheduleGet) -> tuple[str, dict]:
    payload = {"connectorId": request.evse_id, "duration": request.duration}
    if request.rate_unit:
        payload["chargingRateUnit"] = request.rate_unit
    return "GetCompositeSchedule", payload


@call_of.register
def _(request: req.CertificateInstall) -> tuple[str, dict]:
    return "InstallCertificate", {
        "certificateType": certificate_type_word(request.certificate_type),
        "certificate": request.certificate_pem}


@call_of.register
def _(request: req.CertificateIdsGet) -> tuple[str, dict]:
    return "GetInstalledCertificateIds", {
        "certificateType": certificate_type_word(request.certificate_type)}


@call_of.register
def _(request: req.CertificateDelete) -> tuple[str, dict]:
    return "DeleteCertificate", {"certificateHashData": request.hash_data}


@call_of.register
def _(request: req.CertificateSend) -> tuple[str, dict]:
    return "CertificateSigned", {"certificateChain": request.chain_pem}


@call_of.register
def _(request: req.PasswordSet) -> tuple[str, dict]:
    return "ChangeConfiguration", {"key": "AuthorizationKey", "value": request.password}


def _retries(request) -> dict:
    return _without_none({"retries": request.retries, "retryInterval": request.retry_interval})


@call_of.register
def _(request: req.FirmwareUpdate) -> tuple[str, dict]:
    if request.signed:  # the Security extension's message
        return "SignedUpdateFirmware", {
            "requestId": request.request_id,
            "firmware": {"location": request.location, "retrieveDateTime": request.retrieve_date,
                         "signingCertificate": request.signing_certificate,
                         "signature": request.signature,
                         **_without_none({"installDateTime": request.install_date})},
            **_retries(request)}
    return "UpdateFirmware", {"location": request.location, "retrieveDate": request.retrieve_date,
                              **_retries(request)}


@call_of.register
def _(request: req.LogUpload) -> tuple[str, dict]:
    if request.diagnostics:
        return "GetDiagnostics", {"location": request.location, **_without_none(
            {"startTime": request.oldest, "stopTime": request.latest}), **_retries(request)}
    log = {"remoteLocation": request.location, **_without_none(
        {"oldestTimestamp": request.oldest, "latestTimestamp": request.latest})}
    return "GetLog", {"logType": request.log_type, "requestId": request.request_id, "log": log,
                      **_retries(request)}


# The answer -> a neutral result ----------------------------------------------------------------
@singledispatch
def result_of(request, action: str, response: dict) -> req.CommandResult:
    """Most answers are a status (and, for a few, more the caller may show)."""
    return req.CommandResult(action=action, status=response.get("status", ""), response=response)


@result_of.register
def _(request: req.ConfigurationGet, action: str, response: dict) -> req.CommandResult:
    return req.ConfigurationReport(
        action=action, status="Accepted", response=response,
        keys=tuple(response.get("configurationKey", [])),
        unknown=tuple(response.get("unknownKey", [])))


@result_of.register
def _(request: req.SessionStartRemote, action: str, response: dict) -> req.CommandResult:
    """1.6 has no remoteStartId: the session is found by its id tag and connector."""
    return req.SessionStartReport(action=action, status=response.get("status", ""),
                                  response=response)


@result_of.register
def _(request: req.LocalListVersionGet, action: str, response: dict) -> req.CommandResult:
    return req.ListVersionReport(action=action, status="Accepted", response=response,
                                 version=response["listVersion"])


@result_of.register
def _(request: req.CertificateIdsGet, action: str, response: dict) -> req.CommandResult:
    return req.CertificateIdsReport(action=action, status=response.get("status", ""),
                                    response=response,
                                    hash_data=tuple(response.get("certificateHashData", [])))


@result_of.register
def _(request: req.LogUpload, action: str, response: dict) -> req.CommandResult:
    """GetDiagnostics answers only a fileName; GetLog a status and a filename."""
    name = response.get("fileName" if request.diagnostics else "filename", "")
    return req.LogUploadReport(action=action, status=response.get("status", ""),
                               response=response, file_name=name)
