"""A session charging with no meter value for N minutes (docs/alerts.md "Conditions"): the
station may have lost its meter, or the car charges unbilled.

Charging: the session runs (stations/services/session_lifecycle.py `running_sessions`) and
its connector's status is Charging (1.6) or its 2.0.1 chargingState is. Whether a value came
since the cutoff is asked per session through the samples' index on the session (`MeterSample`
(session, measurand, timestamp)), never by scanning the samples table. A session too young to
have sent values yet is not silent. Resolved when values come again or the session ends (the
sweep no longer sees it; a stop resolves it at once, alerts/subscriptions.py)."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q

from alerts import rules
from alerts.models import AlertKind
from alerts.services import AlertRaise, alert_resolve, alerts_raise_many, alerts_resolve_absent
from stations.models import Connector, MeterSample
from stations.services.session_lifecycle import running_sessions

KIND = AlertKind.METER_SILENT
RESOLUTION = "Meter values again, or the session ended"


def session_key(session_id: int) -> str:
    return f"session:{session_id}"


def check(now: datetime) -> None:
    seen = [_raise(session, minutes)
            for minutes, tenants in rules.tenant_groups(KIND)
            for session in _silent_sessions(now - timedelta(minutes=minutes), tenants)]
    alerts_raise_many(kind=KIND, raises=seen, at=now)
    alerts_resolve_absent(kind=KIND, present={(r.tenant_id, r.key) for r in seen},
                          resolution=RESOLUTION, at=now)


def _silent_sessions(cutoff: datetime, tenants: Q) -> list[dict]:
    charging = Q(charging_state="Charging") | Exists(Connector.objects.filter(
        station_id=OuterRef("station_id"), connector_id=OuterRef("connector_id"),
        status="Charging"))
    recent = MeterSample.objects.filter(session_id=OuterRef("pk"), received_at__gte=cutoff)
    return list(running_sessions().filter(tenants, charging, started_at__lt=cutoff)
                .exclude(Exists(recent))
                .values("pk", "tenant_id", "station_id", "station__identity", "connector_id"))


def _raise(session: dict, minutes: int) -> AlertRaise:
    return AlertRaise(
        tenant_id=session["tenant_id"], key=session_key(session["pk"]),
        station_id=session["station_id"],
        title=f"{session['station__identity']}: connector {session['connector_id']} charging "
              f"with no meter value for {minutes} min",
        details={"session_id": session["pk"], "connector_id": session["connector_id"],
                 "minutes": minutes})


def session_ended(*, tenant_id: int, session_id: int) -> None:
    alert_resolve(tenant_id=tenant_id, kind=KIND, key=session_key(session_id),
                  resolution="The session ended")
