"""A remote start the station accepted that never became a session (docs/alerts.md
"Conditions"): the driver stands at the station, the app said "starting", and nothing charges.

An accepted RemoteStartTransaction (1.6) or RequestStartTransaction (2.0.1) is recorded as a
watch (`RemoteStartWatch`, from the CommandCompleted subscription in the process that sent it);
a session started on its connector (1.6) or EVSE (2.0.1), or on any when the start named none,
settles it. Unsettled after the rule's threshold: an alert. A later session there resolves it;
otherwise it stays until acknowledged. Watches are forgotten after KEEP."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from alerts import rules
from alerts.models import AlertKind, RemoteStartWatch
from alerts.services import AlertRaise, alerts_raise_many, alerts_resolve_keys
from stations.models import Station

KIND = AlertKind.REMOTE_START_UNUSED
REMOTE_STARTS = {"RemoteStartTransaction", "RequestStartTransaction"}
KEEP = timedelta(days=7)


def accepted(action: str, outcome: str, response: dict | None) -> bool:
    """Is this CommandCompleted a remote start the station accepted?"""
    return (action in REMOTE_STARTS and outcome == "result"
            and (response or {}).get("status") == "Accepted")


def remote_start_watch(*, station_id: int, action: str, payload: dict,
                       at: datetime) -> RemoteStartWatch:
    station = Station.objects.only("tenant_id").get(pk=station_id)
    if action == "RequestStartTransaction":  # 2.0.1
        place = {"evse_id": payload.get("evseId")}
        id_tag = (payload.get("idToken") or {}).get("idToken", "")
    else:
        place = {"connector_id": payload.get("connectorId")}
        id_tag = payload.get("idTag", "")
    return RemoteStartWatch.objects.create(tenant_id=station.tenant_id, station_id=station_id,
                                           id_tag=id_tag[:36], accepted_at=at, **place)


def remote_start_settle(*, station_id: int, connector_id: int, evse_id: int | None,
                        at: datetime) -> int:
    """A session started on the station: the watches it answers are settled, and the alerts
    of those that were overdue resolved. Returns how many were settled. Most starts have no
    watch: one indexed read then, no transaction."""
    if not RemoteStartWatch.objects.filter(station_id=station_id, settled_at__isnull=True).exists():
        return 0
    return _settle(station_id=station_id, connector_id=connector_id, evse_id=evse_id, at=at)


@transaction.atomic
def _settle(*, station_id: int, connector_id: int, evse_id: int | None, at: datetime) -> int:
    place = (Q(evse_id__isnull=True) | Q(evse_id=evse_id)) if evse_id is not None else Q()
    place &= Q(connector_id__isnull=True) | Q(connector_id=connector_id)
    watches = list(RemoteStartWatch.objects.select_for_update()
                   .filter(place, station_id=station_id, settled_at__isnull=True))
    RemoteStartWatch.objects.filter(pk__in=[w.pk for w in watches]).update(settled_at=at)
    alerts_resolve_keys(kind=KIND, keys={(w.tenant_id, w.key) for w in watches if w.alerted},
                        resolution="A session started there", at=at)
    return len(watches)


def check(now: datetime) -> None:
    due = [watch for minutes, tenants in rules.tenant_groups(KIND)
           for watch in RemoteStartWatch.objects.filter(
               tenants, settled_at__isnull=True, alerted=False,
               accepted_at__lt=now - timedelta(minutes=minutes)).select_related("station")]
    alerts_raise_many(kind=KIND, raises=[_raise(w) for w in due], at=now)
    RemoteStartWatch.objects.filter(pk__in=[w.pk for w in due]).update(alerted=True)
    RemoteStartWatch.objects.filter(accepted_at__lt=now - KEEP).delete()


def _raise(watch: RemoteStartWatch) -> AlertRaise:
    where = (f"EVSE {watch.evse_id}" if watch.evse_id is not None
             else f"connector {watch.connector_id}" if watch.connector_id is not None
             else "any connector")
    return AlertRaise(
        tenant_id=watch.tenant_id, key=watch.key, station_id=watch.station_id,
        title=f"{watch.station.identity}: remote start for {watch.id_tag or 'no id tag'} on "
              f"{where} accepted but no session started",
        details={"id_tag": watch.id_tag, "connector_id": watch.connector_id,
                 "evse_id": watch.evse_id, "accepted_at": watch.accepted_at.isoformat()})
