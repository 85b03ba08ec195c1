from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from stations.models import OcppMessage, Station
from stations.ocpp.frames import Call, CallError, CallResult


def message_row(*, station: Station, direction: str, frame: Call | CallResult | CallError | None,
                at: datetime, action: str = "", raw: str = "") -> dict:
    """The log row (OcppMessage fields) of one frame; `frame` is None for input that was no
    OCPP frame at all."""
    row = {"tenant_id": station.tenant_id, "station_id": station.pk, "direction": direction,
           "message_type": None, "action": action, "unique_id": "", "payload": None,
           "raw": raw[:10000], "created_at": at}
    if frame is None:
        return row
    if isinstance(frame, CallError):
        payload = {"errorCode": frame.code, "errorDescription": frame.description,
                   "errorDetails": frame.details}
    else:
        payload = frame.payload
    action = getattr(frame, "action", "") or action
    row.update(message_type=frame.message_type, action=action, unique_id=frame.unique_id,
               payload=_redacted(action, payload))
    return row


SECRET_KEYS = frozenset({"authorizationkey"})  # a station's Basic-auth password (Security ext.)
REDACTED = "(redacted)"


def _redacted(action: str, payload):
    """The payload without the station password a ChangeConfiguration sets (or a station that
    should not reports in GetConfiguration): the log is listed through the API, passwords are not."""
    if not isinstance(payload, dict) or action not in ("ChangeConfiguration", "GetConfiguration"):
        return payload
    if str(payload.get("key", "")).lower() in SECRET_KEYS:
        return payload | {"value": REDACTED}
    keys = payload.get("configurationKey")
    if isinstance(keys, list):
        return payload | {"configurationKey": [
            k | {"value": REDACTED} if isinstance(k, dict) and str(k.get("key", "")).lower() in SECRET_KEYS
            else k for k in keys]}
    return payload


def messages_purge(*, older_than_days: int | None = None) -> int:
    days = settings.OCPP_MESSAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    deleted, _ = OcppMessage.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
