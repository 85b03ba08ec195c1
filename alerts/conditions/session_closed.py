"""A session the backend closed (docs/sessions.md, the lifecycle rules; docs/alerts.md
"Conditions"): raised inside the close's transaction, resolved when the station's own stop
arrives later; otherwise it stays open until someone acknowledges it (nothing else tells that
the station's record of it was lost)."""

from alerts.models import AlertKind
from alerts.services import alert_raise, alert_resolve
from stations.models import ChargingSession, CloseReason

KIND = AlertKind.SESSION_CLOSED


def session_key(session_id: int) -> str:
    return f"session:{session_id}"


def session_closed(*, session_id: int, reason: str) -> None:
    session = (ChargingSession.objects.filter(pk=session_id)
               .values("tenant_id", "station_id", "station__identity", "connector_id",
                       "id_tag", "started_at", "stopped_at").first())
    if session is None:
        return
    label = dict(CloseReason.choices).get(reason, reason)
    alert_raise(
        tenant_id=session["tenant_id"], kind=KIND, key=session_key(session_id),
        station_id=session["station_id"],
        title=f"{session['station__identity']}: session {session_id} closed by the backend "
              f"({label})",
        details={"session_id": session_id, "reason": reason,
                 "connector_id": session["connector_id"], "id_tag": session["id_tag"],
                 "started_at": _iso(session["started_at"]),
                 "stopped_at": _iso(session["stopped_at"])})


def session_stopped_late(*, tenant_id: int, session_id: int) -> None:
    alert_resolve(tenant_id=tenant_id, kind=KIND, key=session_key(session_id),
                  resolution="The station's own stop arrived")


def _iso(value) -> str | None:
    return value.isoformat() if value else None
