"""What the raw `commands/` endpoint refuses to send, for both OCPP versions.

A block that keeps bookkeeping of what it told the station (the local list's version, the
reservations, the station's password and security profile, ...) has its own endpoint; a raw
CALL sent behind its back would leave that bookkeeping wrong. The raw endpoint answers 400 with
a reason naming the endpoint to use instead.

Two small tables, extended by each block with one line:
- `ENDPOINTS`: an action refused whatever its payload -> the endpoint to use (path under
  `/api/v1/stations/<identity>/`).
- `PAYLOAD_CHECKS`: a check of an action's payload for the actions refused only for some
  payloads (a security key in ChangeConfiguration, a secret variable in SetVariables); it
  returns the reason, or "" to let the CALL go.
"""
from collections.abc import Callable

from stations.security.profiles import is_security_key
from stations.services.message_log import secret_variable

ENDPOINTS: dict[str, str] = {
    "SendLocalList": "local-list/",
    "ReserveNow": "reservations/",
    "CancelReservation": "reservations/<id>/ (DELETE)",
    "SetDisplayMessage": "display-messages/",
    "ClearDisplayMessage": "display-messages/<id>/ (DELETE)",
    "SetVariableMonitoring": "device-model/monitors/",
    "ClearVariableMonitoring": "device-model/monitors/clear/",
    "SetMonitoringBase": "device-model/monitors/base/",
    "SetMonitoringLevel": "device-model/monitors/level/",
    "GetLog": "logs/",  # the upload request its file and statuses land on
    "CustomerInformation": "customer-information/",  # the request its report's parts land on
    "UpdateFirmware": "firmware/",
    "SignedUpdateFirmware": "firmware/",
    "PublishFirmware": "firmware/publications/",
    "UnpublishFirmware": "firmware/unpublish/",
    "InstallCertificate": "certificates/",  # the root certificates known on the station
    "DeleteCertificate": "certificates/<id>/ (DELETE)",
    "CertificateSigned": "certificates/renew/ (its CSR is signed by the tenant's CA)",
}


def _security_key(payload: dict) -> str:
    key = payload.get("key")
    if is_security_key(key):
        return f"{key} is changed through the station's password/ or security-profile/ endpoint."
    return ""


def _secret_variable(payload: dict) -> str:
    entries = payload.get("setVariableData")
    if isinstance(entries, list) and any(
            isinstance(entry, dict) and secret_variable(entry.get("component"), entry.get("variable"))
            for entry in entries):
        return "SecurityCtrlr.BasicAuthPassword is changed through the station's password/ endpoint."
    return ""


def _external_constraints(payload: dict) -> str:
    profile = payload.get("chargingProfile")
    if isinstance(profile, dict) and profile.get("chargingProfilePurpose") == (
            "ChargingStationExternalConstraints"):
        return ("A ChargingStationExternalConstraints profile is set on the station by an external "
                "system, never by the CSMS (docs/ocpp201.md, \"External charging limits\").")
    return ""


PAYLOAD_CHECKS: dict[str, Callable[[dict], str]] = {
    "ChangeConfiguration": _security_key,
    "SetVariables": _secret_variable,
    "SetChargingProfile": _external_constraints,
}


def refusal(action: str, payload: dict) -> tuple[str, str] | None:
    """The field to blame ("action" or "payload") and the reason, when the raw endpoint must
    not send this CALL; None when it may."""
    if action in ENDPOINTS:
        return "action", (f"{action} is sent through the station's {ENDPOINTS[action]} endpoint, "
                          "which keeps its bookkeeping.")
    check = PAYLOAD_CHECKS.get(action)
    reason = check(payload) if check else ""
    return ("payload", reason) if reason else None
