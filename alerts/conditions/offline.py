"""A station offline longer than its tenant's threshold (docs/alerts.md "Conditions").

Offline: it connected at least once (`last_seen` set) and is not connected now, i.e. it holds no
channel, or the server process holding it no longer beats (a crashed server's stations keep
their channel but are gone: `Station.connected`). Disabled and Rejected stations are not
watched. The sweep opens every alert in one bulk write: a server restart that drops 10,000
stations is a few queries (bench/README.md). A station that connects again resolves its alert
at once (alerts/subscriptions.py); the sweep resolves what it no longer sees as well."""

from datetime import datetime, timedelta

from django.db.models import Q

from alerts import rules
from alerts.models import AlertKind
from alerts.services import AlertRaise, alert_resolve, alerts_raise_many, alerts_resolve_absent
from stations.models import ServerProcess, Station

KIND = AlertKind.STATION_OFFLINE
RESOLUTION = "Online again"


def station_key(station_id: int) -> str:
    return f"station:{station_id}"


def check(now: datetime) -> None:
    saved, default = rules.saved_rules_of_kind(KIND), rules.default_rule(KIND)
    seen = [_raise(s, now) for s in _offline_stations(now, saved.values(), default)
            if _due(s, now, saved.get(s["tenant_id"], default))]
    alerts_raise_many(kind=KIND, raises=seen, at=now)
    alerts_resolve_absent(kind=KIND, present={(r.tenant_id, r.key) for r in seen},
                          resolution=RESOLUTION, at=now)


def _offline_stations(now: datetime, saved, default: rules.Rule) -> list[dict]:
    shortest = min(rules.threshold_of(rule) for rule in [default, *saved])
    gone = (Q(channel_name="") | Q(server_process__isnull=True)
            | Q(server_process__last_beat__lt=ServerProcess.alive_cutoff()))
    return list(Station.objects.filter(gone, enabled=True, last_seen__isnull=False,
                                       last_seen__lt=now - timedelta(minutes=shortest))
                .exclude(admission="Rejected")
                .values("pk", "tenant_id", "identity", "last_seen", "ocpp_version"))


def _due(station: dict, now: datetime, rule: rules.Rule) -> bool:
    return rule.enabled and station["last_seen"] < now - timedelta(minutes=rules.threshold_of(rule))


def _raise(station: dict, now: datetime) -> AlertRaise:
    since = station["last_seen"]
    return AlertRaise(
        tenant_id=station["tenant_id"], key=station_key(station["pk"]), station_id=station["pk"],
        title=f"Station {station['identity']} offline since {since:%Y-%m-%d %H:%M} UTC",
        details={"last_seen": since.isoformat(), "ocpp_version": station["ocpp_version"]})


def station_online(*, tenant_id: int, station_id: int, connected_at: datetime) -> None:
    """Its socket was accepted at `connected_at`: its offline alert opened before then, if any,
    is resolved now. One opened since is about a later drop (in a storm this runs a while after
    the connect, when the station may be gone again)."""
    alert_resolve(tenant_id=tenant_id, kind=KIND, key=station_key(station_id),
                  resolution=RESOLUTION, opened_before=connected_at)
