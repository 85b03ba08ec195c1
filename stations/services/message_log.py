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
    row.update(message_type=frame.message_type, action=getattr(frame, "action", "") or action,
               unique_id=frame.unique_id, payload=payload)
    return row


def messages_purge(*, older_than_days: int | None = None) -> int:
    days = settings.OCPP_MESSAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    deleted, _ = OcppMessage.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
