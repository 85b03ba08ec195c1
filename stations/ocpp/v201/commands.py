"""The OCPP 2.0.1 words for what the central system asks of a station: the sibling of
stations/ocpp/v16/commands.py.

`call_of` turns a version-neutral request (stations/commands/requests.py) into the 2.0.1 action
and payload; `result_of` turns the station's answer into the neutral result. Both are pure: no
database, no socket (docs/architecture.md, the path of an API command). Both are singledispatch
on the request's type: each topic below registers its requests' `call_of` and, where the answer
says more than a status, its `result_of`, in its own section.
"""

import json
from functools import singledispatch
from importlib import resources

from stations.commands import requests as req
from stations.ocpp.v201 import configuration_keys


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


# Requests -> (action, payload): one registration per request type, in the topic's section -------
@singledispatch
def call_of(request) -> tuple[str, dict]:
    raise TypeError(f"OCPP 2.0.1 has no message for {type(request).__name__}.")


# The answer -> a neutral result: special cases register in the topic's section ------------------
@singledispatch
def result_of(request, action: str, response: dict) -> req.CommandResult:
    """Most answers are a status (and, for a few, more the caller may show)."""
    return req.CommandResult(action=action, status=response.get("status", ""), response=response)


# Station: reset, availability, unlock, triggers, data transfer (control201) ---------------------

def _trigger_messages() -> frozenset[str]:
    """TriggerMessage's requestedMessage enum in the ocpp package's 2.0.1 schema."""
    schema = json.loads(resources.files("ocpp.v201").joinpath(
        "schemas/TriggerMessageRequest.json").read_text())
    return frozenset(schema["definitions"]["MessageTriggerEnumType"]["enum"])


TRIGGERABLE = _trigger_messages()
# 1.6 names a message 2.0.1 calls otherwise: the API takes either for a 2.0.1 station.
TRIGGER_WORDS = {"DiagnosticsStatusNotification": "LogStatusNotification"}


def trigger_word(requested_message: str) -> str:
    """The 2.0.1 name of a message to trigger (ValueError: 2.0.1 cannot trigger it)."""
    word = TRIGGER_WORDS.get(requested_message, requested_message)
    if word not in TRIGGERABLE:
        raise ValueError(f"OCPP 2.0.1 cannot trigger {requested_message}.")
    return word


def _evse(evse_id: int | None, connector_id: int | None = None) -> dict | None:
    """2.0.1's EVSEType; None (no `evse`) for the whole station (EVSE 0 or none)."""
    if not evse_id:
        return None
    return _without_none({"id": evse_id, "connectorId": connector_id})


@call_of.register
def _(request: req.StationReset) -> tuple[str, dict]:
    on_idle = (not request.hard) if request.on_idle is None else request.on_idle
    return "Reset", _without_none({"type": "OnIdle" if on_idle else "Immediate",
                                   "evseId": request.evse_id or None})


@call_of.register
def _(request: req.AvailabilityChange) -> tuple[str, dict]:
    if request.connector_id and not request.evse_id:
        raise ValueError("A connector is named within its EVSE: give the EVSE too.")
    return "ChangeAvailability", _without_none({
        "operationalStatus": "Operative" if request.operative else "Inoperative",
        "evse": _evse(request.evse_id, request.connector_id)})


@call_of.register
def _(request: req.ConnectorUnlock) -> tuple[str, dict]:
    return "UnlockConnector", {"evseId": request.evse_id, "connectorId": request.connector_id}


@call_of.register
def _(request: req.MessageTrigger) -> tuple[str, dict]:
    # 2.0.1 has one TriggerMessage: `extended` asks for nothing more.
    return "TriggerMessage", _without_none({
        "requestedMessage": trigger_word(request.requested_message),
        "evse": _evse(request.evse_id)})


@call_of.register
def _(request: req.DataTransfer) -> tuple[str, dict]:
    return "DataTransfer", _without_none({"vendorId": request.vendor_id,
                                          "messageId": request.message_id, "data": request.data})


# Sessions: remote start and stop (control201) ---------------------------------------------------

def id_token(token: str, token_type: str = "ISO14443") -> dict:
    """2.0.1's IdTokenType: the token and what kind it is."""
    return {"idToken": token, "type": token_type or "ISO14443"}


@call_of.register
def _(request: req.SessionStartRemote) -> tuple[str, dict]:
    if request.remote_start_id is None:
        raise ValueError("A 2.0.1 remote start needs its remoteStartId.")
    profile = request.charging_profile
    if profile is not None:  # stored in 1.6's shape: worded in the smart charging section
        if profile.get("chargingProfilePurpose") != "TxProfile":
            raise ValueError("A remote start's charging profile must be a TxProfile.")
        profile = charging_profile_word(profile)
    return "RequestStartTransaction", _without_none({
        "idToken": id_token(request.id_token, request.token_type),
        "remoteStartId": request.remote_start_id, "evseId": request.evse_id or None,
        "chargingProfile": profile})


@result_of.register
def _(request: req.SessionStartRemote, action: str, response: dict) -> req.CommandResult:
    return req.SessionStartReport(action=action, status=response.get("status", ""),
                                  response=response, remote_start_id=request.remote_start_id)


@call_of.register
def _(request: req.SessionStopRemote) -> tuple[str, dict]:
    # The station made the transaction id, a string (a 1.6 integer id is sent as its digits).
    return "RequestStopTransaction", {"transactionId": str(request.transaction_id)}


# Reservations (control201) ----------------------------------------------------------------------

@call_of.register
def _(request: req.ReservationMake) -> tuple[str, dict]:
    payload = {"id": request.reservation_id, "expiryDateTime": request.expiry_date,
               "idToken": id_token(request.id_token, request.token_type)}
    if request.evse_id:  # 0: any EVSE of the station
        payload["evseId"] = request.evse_id
    if request.connector_type:
        payload["connectorType"] = request.connector_type
    if request.parent_id_token:
        payload["groupIdToken"] = id_token(request.parent_id_token, "Central")
    return "ReserveNow", payload


@call_of.register
def _(request: req.ReservationCancel) -> tuple[str, dict]:
    return "CancelReservation", {"reservationId": request.reservation_id}


# Local authorization list (control201) ----------------------------------------------------------

def _id_token_info(info: dict) -> dict:
    """A stored idTagInfo (1.6 words: status, expiryDate, parentIdTag) as 2.0.1's IdTokenInfo."""
    out = {"status": info["status"]}
    if info.get("expiryDate"):
        out["cacheExpiryDateTime"] = info["expiryDate"]
    if info.get("parentIdTag"):
        out["groupIdToken"] = id_token(info["parentIdTag"], "Central")
    return out


def local_list_entry(entry: dict) -> dict:
    """A stored entry {idTag, idTagInfo?, tokenType?} as 2.0.1's AuthorizationData; without
    idTokenInfo it removes the token in a differential update."""
    out = {"idToken": id_token(entry["idTag"], entry.get("tokenType", "ISO14443"))}
    if entry.get("idTagInfo"):
        out["idTokenInfo"] = _id_token_info(entry["idTagInfo"])
    return out


@call_of.register
def _(request: req.LocalListSend) -> tuple[str, dict]:
    payload: dict = {"versionNumber": request.version,
                     "updateType": "Full" if request.full else "Differential"}
    if request.entries:
        payload["localAuthorizationList"] = [local_list_entry(e) for e in request.entries]
    return "SendLocalList", payload


@call_of.register
def _(request: req.LocalListVersionGet) -> tuple[str, dict]:
    return "GetLocalListVersion", {}


@result_of.register
def _(request: req.LocalListVersionGet, action: str, response: dict) -> req.CommandResult:
    return req.ListVersionReport(action=action, status="Accepted", response=response,
                                 version=response["versionNumber"])


# Firmware and logs (control201) -----------------------------------------------------------------

def _retries(request) -> dict:
    return _without_none({"retries": request.retries, "retryInterval": request.retry_interval})


@call_of.register
def _(request: req.FirmwareUpdate) -> tuple[str, dict]:
    # One message: a signed image carries its signing certificate and signature.
    firmware = {"location": request.location, "retrieveDateTime": request.retrieve_date}
    if request.signing_certificate:
        firmware["signingCertificate"] = request.signing_certificate
    if request.signature:
        firmware["signature"] = request.signature
    if request.install_date:
        firmware["installDateTime"] = request.install_date
    return "UpdateFirmware", {"requestId": request.request_id, "firmware": firmware,
                              **_retries(request)}


@call_of.register
def _(request: req.FirmwarePublish) -> tuple[str, dict]:
    return "PublishFirmware", {"location": request.location, "checksum": request.checksum,
                               "requestId": request.request_id, **_retries(request)}


@call_of.register
def _(request: req.FirmwareUnpublish) -> tuple[str, dict]:
    return "UnpublishFirmware", {"checksum": request.checksum}


@call_of.register
def _(request: req.LogUpload) -> tuple[str, dict]:
    # 1.6's diagnostics are 2.0.1's DiagnosticsLog.
    log_type = "DiagnosticsLog" if request.diagnostics else request.log_type
    log = {"remoteLocation": request.location, **_without_none(
        {"oldestTimestamp": request.oldest, "latestTimestamp": request.latest})}
    return "GetLog", {"logType": log_type, "requestId": request.request_id, "log": log,
                      **_retries(request)}


@result_of.register
def _(request: req.LogUpload, action: str, response: dict) -> req.CommandResult:
    return req.LogUploadReport(action=action, status=response.get("status", ""),
                               response=response, file_name=response.get("filename", ""))


# Authorization cache and running cost (tx201) ---------------------------------------------------
@call_of.register
def _(request: req.CacheClear) -> tuple[str, dict]:
    return "ClearCache", {}


@call_of.register
def _(request: req.SessionCostUpdate) -> tuple[str, dict]:
    # totalCost is a JSON number: the gross amount, which the tariff rounds to its minor unit.
    return "CostUpdated", {"totalCost": float(request.total_cost),
                           "transactionId": request.transaction_id}


@call_of.register
def _(request: req.TransactionStatusGet) -> tuple[str, dict]:
    return "GetTransactionStatus", _without_none({"transactionId": request.transaction_id})


@result_of.register
def _(request: req.TransactionStatusGet, action: str, response: dict) -> req.CommandResult:
    return req.TransactionStatusReport(
        action=action, status="Accepted", response=response,
        ongoing=response.get("ongoingIndicator"), messages_in_queue=response["messagesInQueue"])


# Device model: variables and reports (devmodel201) ----------------------------------------------
def _component(ref: req.VariableRef) -> dict:
    """ComponentType: its name, instance, and EVSE (with a connector within it) if on one."""
    evse = None if ref.evse_id is None else _without_none({"id": ref.evse_id,
                                                           "connectorId": ref.connector_id})
    return _without_none({"name": ref.component, "instance": ref.component_instance or None,
                          "evse": evse})


def _variable(ref: req.VariableRef) -> dict:
    return _without_none({"name": ref.variable, "instance": ref.variable_instance or None})


def variable_ref(item: dict) -> req.VariableRef:
    """The VariableRef of a result, report entry or request item (component, variable and
    attributeType in 2.0.1's words)."""
    component, variable = item["component"], item.get("variable") or {}
    evse = component.get("evse") or {}
    return req.VariableRef(
        component=component["name"], variable=variable.get("name", ""),
        attribute_type=item.get("attributeType", "Actual"),
        component_instance=component.get("instance", ""),
        variable_instance=variable.get("instance", ""),
        evse_id=evse.get("id"), connector_id=evse.get("connectorId"))


def _status_info(result: dict) -> str:
    info = result.get("attributeStatusInfo") or {}
    return ": ".join(part for part in (info.get("reasonCode"), info.get("additionalInfo")) if part)


def _overall(results: tuple[req.VariableResult, ...]) -> str:
    return next((r.status for r in results if r.status != "Accepted"), "Accepted")


@call_of.register
def _(request: req.VariablesGet) -> tuple[str, dict]:
    return "GetVariables", {"getVariableData": [
        {"component": _component(ref), "variable": _variable(ref),
         "attributeType": ref.attribute_type} for ref in request.items]}


@result_of.register
def _(request: req.VariablesGet, action: str, response: dict) -> req.CommandResult:
    results = tuple(req.VariableResult(
        variable=variable_ref(item), status=item["attributeStatus"],
        value=item.get("attributeValue"), status_info=_status_info(item))
        for item in response.get("getVariableResult", []))
    return req.VariablesReport(action=action, status=_overall(results), response=response,
                               results=results)


@call_of.register
def _(request: req.VariablesSet) -> tuple[str, dict]:
    return "SetVariables", {"setVariableData": [
        {"component": _component(item.variable), "variable": _variable(item.variable),
         "attributeType": item.variable.attribute_type, "attributeValue": item.value}
        for item in request.items]}


@result_of.register
def _(request: req.VariablesSet, action: str, response: dict) -> req.CommandResult:
    given = {setting.variable: setting.value for setting in request.items}
    results = []
    for item in response.get("setVariableResult", []):
        ref = variable_ref(item)
        results.append(req.VariableResult(variable=ref, status=item["attributeStatus"],
                                          value=given.get(ref), status_info=_status_info(item)))
    results = tuple(results)
    return req.VariablesSetReport(action=action, status=_overall(results), response=response,
                                  results=results)


@call_of.register
def _(request: req.BaseReportGet) -> tuple[str, dict]:
    return "GetBaseReport", {"requestId": request.request_id, "reportBase": request.report_base}


def _component_variables(refs: tuple[req.VariableRef, ...]) -> list[dict]:
    """ComponentVariableType items (a ref without a variable: the whole component)."""
    return [_without_none({"component": _component(ref),
                           "variable": _variable(ref) if ref.variable else None})
            for ref in refs]


@call_of.register
def _(request: req.ReportGet) -> tuple[str, dict]:
    payload: dict = {"requestId": request.request_id}
    if request.variables:
        payload["componentVariable"] = _component_variables(request.variables)
    if request.criteria:
        payload["componentCriteria"] = list(request.criteria)
    return "GetReport", payload


# Monitoring: monitors, their base and level, monitoring reports (monitoring201) ----------------
def _number(value) -> int | float:
    """A Decimal as a JSON number (an integral one without a fraction)."""
    return int(value) if value == int(value) else float(value)


def _monitor_data(item: req.MonitorSetting) -> dict:
    return _without_none({
        "id": item.monitor_id, "transaction": item.transaction, "value": _number(item.value),
        "type": item.type, "severity": item.severity, "component": _component(item.variable),
        "variable": _variable(item.variable)})


@call_of.register
def _(request: req.MonitorsSet) -> tuple[str, dict]:
    return "SetVariableMonitoring", {"setMonitoringData": [
        _monitor_data(item) for item in request.items]}


def _reason(result: dict) -> str:
    info = result.get("statusInfo") or {}
    return ": ".join(part for part in (info.get("reasonCode"), info.get("additionalInfo")) if part)


@result_of.register
def _(request: req.MonitorsSet, action: str, response: dict) -> req.CommandResult:
    """Results are matched to the settings by position (the station answers in order)."""
    results = tuple(req.MonitorResult(
        setting=setting, status=item["status"], monitor_id=item.get("id"),
        status_info=_reason(item))
        for setting, item in zip(request.items, response.get("setMonitoringResult", []),
                                 strict=False))
    status = next((r.status for r in results if r.status != "Accepted"), "Accepted")
    return req.MonitorsSetReport(action=action, status=status, response=response, results=results)


@call_of.register
def _(request: req.MonitorsClear) -> tuple[str, dict]:
    return "ClearVariableMonitoring", {"id": list(request.monitor_ids)}


@result_of.register
def _(request: req.MonitorsClear, action: str, response: dict) -> req.CommandResult:
    results = tuple((item["id"], item["status"])
                    for item in response.get("clearMonitoringResult", []))
    status = next((s for _, s in results if s != "Accepted"), "Accepted")
    return req.MonitorsClearReport(action=action, status=status, response=response,
                                   results=results)


@call_of.register
def _(request: req.MonitoringBaseSet) -> tuple[str, dict]:
    return "SetMonitoringBase", {"monitoringBase": request.base}


@call_of.register
def _(request: req.MonitoringLevelSet) -> tuple[str, dict]:
    return "SetMonitoringLevel", {"severity": request.severity}


@call_of.register
def _(request: req.MonitoringReportGet) -> tuple[str, dict]:
    payload: dict = {"requestId": request.request_id}
    if request.variables:
        payload["componentVariable"] = _component_variables(request.variables)
    if request.criteria:
        payload["monitoringCriteria"] = list(request.criteria)
    return "GetMonitoringReport", payload


# 1.6 configuration keys as 2.0.1 variables (stations/ocpp/v201/configuration_keys.py): the
# features that read or change a setting by its 1.6 name work for a 2.0.1 station too.
def _key_ref(key: configuration_keys.KeyVariable) -> req.VariableRef:
    return req.VariableRef(component=key.component, variable=key.variable,
                           variable_instance=key.variable_instance)


@call_of.register
def _(request: req.ConfigurationGet) -> tuple[str, dict]:
    keys = ([configuration_keys.variable_of_key(k) for k in request.keys
             if configuration_keys.known(k)] if request.keys else list(configuration_keys.READABLE))
    if not keys:
        raise ValueError("OCPP 2.0.1 has no variable known for any of these 1.6 keys.")
    return call_of(req.VariablesGet(items=tuple(_key_ref(key) for key in keys)))


@result_of.register
def _(request: req.ConfigurationGet, action: str, response: dict) -> req.CommandResult:
    report = result_of(req.VariablesGet(items=()), action, response)
    keys, unknown = [], [k for k in request.keys if not configuration_keys.known(k)]
    for result in report.results:
        key = configuration_keys.key_of_variable(result.variable.component,
                                                 result.variable.variable,
                                                 result.variable.variable_instance)
        if key is None:
            continue
        if result.status == "Accepted":
            keys.append({"key": key.key, "value": key.value_16(result.value or ""),
                         "readonly": False})
        else:
            unknown.append(key.key)
    return req.ConfigurationReport(action=action, status="Accepted", response=response,
                                   keys=tuple(keys), unknown=tuple(unknown))


@call_of.register
def _(request: req.ConfigurationSet) -> tuple[str, dict]:
    key = configuration_keys.variable_of_key(request.key)
    return call_of(req.VariablesSet(items=(req.VariableSetting(
        variable=_key_ref(key), value=key.value_201(request.value)),)))


# SetVariables' attributeStatus in ChangeConfiguration's words.
CONFIGURATION_STATUS = {"Accepted": "Accepted", "RebootRequired": "RebootRequired",
                        "Rejected": "Rejected"}


@result_of.register
def _(request: req.ConfigurationSet, action: str, response: dict) -> req.CommandResult:
    results = response.get("setVariableResult") or [{}]
    status = CONFIGURATION_STATUS.get(results[0].get("attributeStatus", ""), "NotSupported")
    return req.CommandResult(action=action, status=status, response=response)


# Security: certificates, network profile, password (security201) --------------------------------
# The domain names certificate types as 2.0.1 does: its words are the domain's.
def certificate_type_word(certificate_type: str) -> str:
    return certificate_type


def certificate_type_of(word: str) -> str:
    return word


@call_of.register
def _(request: req.CertificateInstall) -> tuple[str, dict]:
    return "InstallCertificate", {"certificateType": request.certificate_type,
                                  "certificate": request.certificate_pem}


@call_of.register
def _(request: req.CertificateIdsGet) -> tuple[str, dict]:
    return "GetInstalledCertificateIds", {"certificateType": [request.certificate_type]}


@result_of.register
def _(request: req.CertificateIdsGet, action: str, response: dict) -> req.CommandResult:
    """2.0.1 answers chains, each with its type: the certificates of the type asked for."""
    chains = response.get("certificateHashDataChain", [])
    return req.CertificateIdsReport(
        action=action, status=response.get("status", ""), response=response,
        hash_data=tuple(chain["certificateHashData"] for chain in chains
                        if chain.get("certificateType") == request.certificate_type))


@call_of.register
def _(request: req.CertificateIdsGetMany) -> tuple[str, dict]:
    if not request.certificate_types:
        return "GetInstalledCertificateIds", {}
    return "GetInstalledCertificateIds", {"certificateType": list(request.certificate_types)}


@result_of.register
def _(request: req.CertificateIdsGetMany, action: str, response: dict) -> req.CommandResult:
    return req.CertificateIdsReport(
        action=action, status=response.get("status", ""), response=response,
        hash_data=tuple(chain["certificateHashData"] | {"certificateType": chain["certificateType"]}
                        for chain in response.get("certificateHashDataChain", [])))


@call_of.register
def _(request: req.CertificateDelete) -> tuple[str, dict]:
    return "DeleteCertificate", {"certificateHashData": request.hash_data}


@call_of.register
def _(request: req.CertificateSend) -> tuple[str, dict]:
    return "CertificateSigned", _without_none({"certificateChain": request.chain_pem,
                                               "certificateType": request.certificate_type})


BASIC_AUTH_PASSWORD = ("SecurityCtrlr", "BasicAuthPassword")
NETWORK_PRIORITY = ("OCPPCommCtrlr", "NetworkConfigurationPriority")


def _variable_set(component: str, variable: str, value: str) -> tuple[str, dict]:
    return "SetVariables", {"setVariableData": [{
        "attributeValue": value, "component": {"name": component},
        "variable": {"name": variable}}]}


def _variable_set_result(action: str, response: dict) -> req.CommandResult:
    """The one attribute's status (Accepted, Rejected, RebootRequired, Unknown...) as the
    result's status."""
    results = response.get("setVariableResult") or [{}]
    return req.CommandResult(action=action, status=results[0].get("attributeStatus", ""),
                             response=response)


@call_of.register
def _(request: req.PasswordSet) -> tuple[str, dict]:
    return _variable_set(*BASIC_AUTH_PASSWORD, request.password)


@result_of.register
def _(request: req.PasswordSet, action: str, response: dict) -> req.CommandResult:
    return _variable_set_result(action, response)


@call_of.register
def _(request: req.NetworkProfileSet) -> tuple[str, dict]:
    return "SetNetworkProfile", {"configurationSlot": request.slot, "connectionData": {
        "ocppVersion": "OCPP20", "ocppTransport": "JSON", "ocppCsmsUrl": request.csms_url,
        "messageTimeout": request.message_timeout, "securityProfile": request.security_profile,
        "ocppInterface": request.interface}}


@call_of.register
def _(request: req.NetworkPrioritySet) -> tuple[str, dict]:
    return _variable_set(*NETWORK_PRIORITY, ",".join(str(slot) for slot in request.slots))


@result_of.register
def _(request: req.NetworkPrioritySet, action: str, response: dict) -> req.CommandResult:
    return _variable_set_result(action, response)



# Smart charging: charging profiles, composite schedule (load201) --------------------------------
# The profiles are stored in OCPP 1.6's shape (stations/smartcharging/models.py) and worded for
# 2.0.1 here: a ChargePointMaxProfile is 2.0.1's ChargingStationMaxProfile, the schedule is a
# list (one schedule, its id the profile's), a TxProfile's transactionId is the station's string.
PURPOSE_WORDS = {"ChargePointMaxProfile": "ChargingStationMaxProfile"}
PURPOSE_OF_WORD = {word: neutral for neutral, word in PURPOSE_WORDS.items()}
_SCHEDULE_FIELDS = ("startSchedule", "duration", "chargingRateUnit", "chargingSchedulePeriod",
                    "minChargingRate")


def purpose_word(purpose: str) -> str:
    """The 2.0.1 name of a profile purpose (TxProfile and TxDefaultProfile keep theirs)."""
    return PURPOSE_WORDS.get(purpose, purpose)


def purpose_of(word: str) -> str:
    """The stored (1.6) name of a 2.0.1 purpose."""
    return PURPOSE_OF_WORD.get(word, word)


def charging_profile_word(profile: dict) -> dict:
    """A stored (1.6-shaped) charging profile as 2.0.1's ChargingProfileType."""
    schedule = profile["chargingSchedule"]
    worded = _without_none({
        "id": profile["chargingProfileId"], "stackLevel": profile["stackLevel"],
        "chargingProfilePurpose": purpose_word(profile["chargingProfilePurpose"]),
        "chargingProfileKind": profile["chargingProfileKind"],
        "recurrencyKind": profile.get("recurrencyKind"), "validFrom": profile.get("validFrom"),
        "validTo": profile.get("validTo")})
    if profile.get("transactionId") is not None:
        worded["transactionId"] = str(profile["transactionId"])
    worded["chargingSchedule"] = [{"id": profile["chargingProfileId"],
                                   **{key: schedule[key] for key in _SCHEDULE_FIELDS if key in schedule}}]
    return worded


@call_of.register
def _(request: req.ChargingProfileSet) -> tuple[str, dict]:
    return "SetChargingProfile", {"evseId": request.evse_id,
                                  "chargingProfile": charging_profile_word(request.profile)}


@call_of.register
def _(request: req.ChargingProfilesClear) -> tuple[str, dict]:
    if request.profile_id is not None:
        return "ClearChargingProfile", {"chargingProfileId": request.profile_id}
    criteria = _without_none({"evseId": request.evse_id,
                              "chargingProfilePurpose": purpose_word(request.purpose) or None,
                              "stackLevel": request.stack_level})
    return "ClearChargingProfile", {"chargingProfileCriteria": criteria} if criteria else {}


@call_of.register
def _(request: req.CompositeScheduleGet) -> tuple[str, dict]:
    return "GetCompositeSchedule", _without_none({"duration": request.duration,
                                                  "evseId": request.evse_id,
                                                  "chargingRateUnit": request.rate_unit or None})


@call_of.register
def _(request: req.ChargingProfilesGet) -> tuple[str, dict]:
    criterion = _without_none({
        "chargingProfilePurpose": purpose_word(request.purpose) or None,
        "stackLevel": request.stack_level,
        "chargingProfileId": list(request.profile_ids) or None,
        "chargingLimitSource": list(request.sources) or None})
    return "GetChargingProfiles", _without_none({"requestId": request.request_id,
                                                 "evseId": request.evse_id,
                                                 "chargingProfile": criterion})


# Display messages (display201) ------------------------------------------------------------------
def _display(request: req.DisplayMessageSet) -> dict | None:
    """The ComponentType of the display to use; None: the station chooses."""
    if not request.display_component:
        return None
    evse = {"id": request.display_evse_id} if request.display_evse_id else None
    return _without_none({"name": request.display_component,
                          "instance": request.display_instance or None, "evse": evse})


@call_of.register
def _(request: req.DisplayMessageSet) -> tuple[str, dict]:
    content = _without_none({"format": request.message_format,
                             "language": request.language or None, "content": request.content})
    return "SetDisplayMessage", {"message": _without_none({
        "id": request.message_id, "priority": request.priority, "state": request.state or None,
        "startDateTime": request.start or None, "endDateTime": request.end or None,
        "transactionId": request.transaction_id or None, "message": content,
        "display": _display(request)})}


@call_of.register
def _(request: req.DisplayMessagesGet) -> tuple[str, dict]:
    return "GetDisplayMessages", _without_none({
        "requestId": request.request_id, "id": list(request.message_ids) or None,
        "priority": request.priority or None, "state": request.state or None})


@call_of.register
def _(request: req.DisplayMessageClear) -> tuple[str, dict]:
    return "ClearDisplayMessage", {"id": request.message_id}


# Customer information (N09/N10) ----------------------------------------------------------------
@call_of.register
def _(request: req.CustomerInformationGet) -> tuple[str, dict]:
    payload = {"requestId": request.request_id, "report": request.report, "clear": request.clear}
    if request.customer_identifier:
        payload["customerIdentifier"] = request.customer_identifier
    if request.id_token:
        payload["idToken"] = id_token(request.id_token, request.id_token_type)
    if request.certificate:
        payload["customerCertificate"] = {word: request.certificate[name]
                                          for name, word in CERTIFICATE_HASH_WORDS.items()}
    return "CustomerInformation", payload


CERTIFICATE_HASH_WORDS = {"hash_algorithm": "hashAlgorithm", "issuer_name_hash": "issuerNameHash",
                          "issuer_key_hash": "issuerKeyHash", "serial_number": "serialNumber"}
