"""The OCPP frame log: one row per frame in or out, listed through the API and the dashboard.

A row is made where a frame meets the database, so its text is made storable here (NUL and
lone surrogates, which one station's frame could otherwise use to fail every batch it shares
with other tenants' rows), its size bounded (a station decides how big its frames are), and the
station's password and the file transfer tokens left out."""

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from stations.firmware.tokens import payload_without_token
from stations.models import OcppMessage, Station
from stations.ocpp.frames import Call, CallError, CallResult, clean, clean_text, may_be_unstorable
from stations.security.profiles import configuration_key

RAW_MAX_CHARS = 10000
TRUNCATED_HEAD_CHARS = 1000  # of a truncated payload's JSON text, kept to tell what it was


def message_row(*, station: Station, direction: str, frame: Call | CallResult | CallError | None,
                at: datetime, action: str = "", raw: str = "", text: str | None = None) -> dict:
    """The log row (OcppMessage fields) of one frame; `frame` is None for input that was no
    OCPP frame at all (then `raw` is that input). `text` is the frame as sent or received, if
    known: it sizes the payload and spares cleaning text that cannot need it."""
    row = {"tenant_id": station.tenant_id, "station_id": station.pk, "direction": direction,
           "message_type": None, "action": clean_text(action), "unique_id": "", "payload": None,
           "raw": clean_text(raw[:RAW_MAX_CHARS]), "created_at": at}
    if frame is None:
        return row
    if isinstance(frame, CallError):
        payload = {"errorCode": frame.code, "errorDescription": frame.description,
                   "errorDetails": frame.details}
    else:
        payload = frame.payload
    action = getattr(frame, "action", "") or action
    row.update(message_type=frame.message_type, action=clean_text(action),
               unique_id=clean_text(frame.unique_id), payload=_stored(action, payload, text))
    return row


def _stored(action: str, payload, text: str | None):
    """The payload as the log keeps it: storable, redacted, and within the size limit (beyond
    it, still JSON: a note of its size and its first characters)."""
    if text is None or may_be_unstorable(text):
        payload = clean(payload)
    payload = redacted(action, payload)
    limit = settings.OCPP_MESSAGE_LOG_MAX_BYTES
    if text is not None and len(text) * 4 <= limit:  # UTF-8 takes at most 4 bytes a character
        return payload
    dumped = json.dumps(payload, default=str, ensure_ascii=False)
    size = len(dumped.encode())
    if size <= limit:
        return payload
    return {"_truncated": True, "bytes": size, "head": dumped[:TRUNCATED_HEAD_CHARS]}


# Configuration keys whose value is a secret (lower case: OCPP keys are case-insensitive).
SECRET_KEYS = frozenset({"authorizationkey"})  # a station's Basic-auth password (Security ext.)
REDACTED = "(redacted)"


def redacted(action: str, payload):
    """The payload without the station password a ChangeConfiguration sets (or a station that
    should not reports in GetConfiguration), nor the token in a file transfer's location: the
    log is listed through the API, secrets are not (nor in the audit log's commands)."""
    if isinstance(payload, dict) and action in SECRET_VARIABLE_LISTS:
        return _without_secret_variables(payload, SECRET_VARIABLE_LISTS[action])
    if isinstance(payload, dict) and action == "NotifyReport":
        return _report_without_secrets(payload)
    if not isinstance(payload, dict) or action not in ("ChangeConfiguration", "GetConfiguration"):
        return payload_without_token(action, payload)
    if _secret(payload):
        return payload | {"value": REDACTED}
    keys = payload.get("configurationKey")
    if isinstance(keys, list):
        return payload | {"configurationKey": [k | {"value": REDACTED} if _secret(k) else k
                                               for k in keys]}
    return payload


# OCPP 2.0.1: the variables whose value is a secret, (component, variable) in lower case, and
# the lists of SetVariables/GetVariables (request and answer alike) that may carry them.
SECRET_VARIABLES = frozenset({("securityctrlr", "basicauthpassword")})
SECRET_VARIABLE_LISTS = {"SetVariables": ("setVariableData", "setVariableResult"),
                         "GetVariables": ("getVariableData", "getVariableResult")}


def secret_variable(component: object, variable: object) -> bool:
    """Whether a 2.0.1 variable holds a secret (the station's Basic-auth password): never
    logged nor stored in the device model. Names as dicts ({"name": ...}) or strings."""
    def name(part: object) -> str:
        return configuration_key(part.get("name", "") if isinstance(part, dict) else part)
    return (name(component), name(variable)) in SECRET_VARIABLES


def _without_secret_variables(payload: dict, lists: tuple[str, ...]) -> dict:
    redacted = dict(payload)
    for name in lists:
        entries = payload.get(name)
        if isinstance(entries, list):
            redacted[name] = [
                entry | {"attributeValue": REDACTED}
                if isinstance(entry, dict) and "attributeValue" in entry
                and secret_variable(entry.get("component"), entry.get("variable")) else entry
                for entry in entries]
    return redacted


def _report_without_secrets(payload: dict) -> dict:
    """A NotifyReport part without the value of a secret variable (a station should report the
    WriteOnly password without one; one that does not is not logged with it either)."""
    entries = payload.get("reportData")
    if not isinstance(entries, list):
        return payload
    return payload | {"reportData": [
        entry | {"variableAttribute": [
            attribute | {"value": REDACTED} if isinstance(attribute, dict) and "value" in attribute
            else attribute for attribute in entry["variableAttribute"]]}
        if isinstance(entry, dict) and isinstance(entry.get("variableAttribute"), list)
        and secret_variable(entry.get("component"), entry.get("variable")) else entry
        for entry in entries]}


def _secret(entry) -> bool:
    return isinstance(entry, dict) and configuration_key(entry.get("key", "")) in SECRET_KEYS


def messages_purge(*, older_than_days: int | None = None) -> int:
    days = settings.OCPP_MESSAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    deleted, _ = OcppMessage.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
