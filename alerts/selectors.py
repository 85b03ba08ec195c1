"""Reading alerts: every query takes the tenant (or a station, itself a tenant's), so no tenant
ever sees another's alerts (docs/alerts.md)."""

from datetime import datetime

from django.db.models import Q, QuerySet

from alerts.models import Alert, AlertState, StationMute


def alerts_of(tenant_id: int, *, state: str | None = None, kind: str | None = None,
              station_id: int | None = None) -> QuerySet[Alert]:
    """The tenant's alerts, newest first, optionally of one state, kind or station."""
    alerts = Alert.objects.filter(tenant_id=tenant_id).select_related("station")
    if state:
        alerts = alerts.filter(state=state)
    if kind:
        alerts = alerts.filter(kind=kind)
    if station_id is not None:
        alerts = alerts.filter(station_id=station_id)
    return alerts


def open_alert_count(tenant_id: int) -> int:
    """Open alerts no one acknowledged yet: the header's badge."""
    return Alert.objects.filter(tenant_id=tenant_id, state=AlertState.OPEN,
                                acknowledged_at__isnull=True).count()


def station_alerts(station_id: int, limit: int = 10) -> list[Alert]:
    """A station's latest alerts, open or resolved (its page)."""
    return list(Alert.objects.filter(station_id=station_id).order_by("-opened_at")[:limit])


def mute_in_force(now: datetime) -> Q:
    return Q(until__isnull=True) | Q(until__gt=now)


def station_muted(station_id: int, now: datetime) -> bool:
    return StationMute.objects.filter(mute_in_force(now), station_id=station_id).exists()


def stations_muted(station_ids: set[int], now: datetime) -> set[int]:
    """Which of the stations are muted at `now` (one query, for sweeps)."""
    return set(StationMute.objects.filter(mute_in_force(now), station_id__in=station_ids)
               .values_list("station_id", flat=True))
