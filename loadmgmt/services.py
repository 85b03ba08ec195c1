"""Writes an operator asks of the load manager: a group's stations (joining and leaving), its
failsafe, its measured base load. They queue their follow-ups (profiles sent, taken back, a
rebalance) as tasks once committed; the writes of a running rebalance are in `records.py`."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from loadmgmt.allocation import PHASES
from loadmgmt.events import StationGroupChanging
from loadmgmt.models import LoadGroup, LoadGroupMember
from loadmgmt.tasks import failsafe_send, request_rebalance, station_moved
from stations import events
from stations.models import Station
from tenants.models import Tenant
from tenants.validators import validate_same_tenant


def base_load_measured_set(*, group: LoadGroup, currents: dict[int, Decimal],
                           measured_at: datetime | None = None) -> LoadGroup:
    """A measurement of the building's load pushed through the API (per phase, A)."""
    group.base_load_measured = {str(p): str(currents.get(p, Decimal(0))) for p in PHASES}
    group.base_load_measured_at = measured_at or timezone.now()
    group.save(update_fields=["base_load_measured", "base_load_measured_at", "updated_at"])
    return group


@transaction.atomic
def station_group_set(*, station: Station, group: LoadGroup | None) -> None:
    """The station joins `group` (of its own tenant), changes to it, or leaves its group (None).
    Its running sessions keep their tariff (a group's tariff may be theirs: StationGroupChanging
    tells billing before the change is written); once committed, the old group takes its
    profiles back and is rebalanced, the new one gives it the failsafe and is rebalanced."""
    if group is not None:
        validate_same_tenant(station.tenant_id, {"load_group": group})
    current = LoadGroupMember.objects.select_for_update().filter(station_id=station.pk).first()
    old_group_id = current.group_id if current else None
    if old_group_id == (group.pk if group else None):
        return
    events.publish_in_transaction(StationGroupChanging(
        station_id=station.pk, tenant_id=station.tenant_id, group_id_before=old_group_id,
        group_id_after=group.pk if group else None))
    if group is None:
        current.delete()
    else:
        LoadGroupMember.objects.update_or_create(station_id=station.pk, defaults={"group": group})
    transaction.on_commit(lambda: station_moved.delay(station.pk, old_group_id))


def load_group_stations_set(*, group: LoadGroup, stations) -> None:
    """The group's stations are exactly `stations` (of its tenant): those that join or leave
    do as `station_group_set` says."""
    wanted = {s.pk: s for s in stations}
    current = set(group.stations.values_list("pk", flat=True))
    for station in Station.objects.filter(pk__in=current - set(wanted)):
        station_group_set(station=station, group=None)
    for station_id in set(wanted) - current:
        station_group_set(station=wanted[station_id], group=group)


@transaction.atomic
def load_group_stations_add(*, group: LoadGroup, stations) -> None:
    """`stations` (of its tenant) join the group, leaving any other (`station_group_set`)."""
    for station in stations:
        station_group_set(station=station, group=group)


@transaction.atomic
def load_group_stations_remove(*, group: LoadGroup, station_ids) -> int:
    """Those of `station_ids` that are the group's leave it; how many did."""
    leaving = list(Station.objects.filter(pk__in=station_ids, load_group_membership__group=group))
    for station in leaving:
        station_group_set(station=station, group=None)
    return len(leaving)


def load_group_delete(*, group: LoadGroup) -> None:
    """Its stations leave it first (their load profiles are taken back)."""
    with transaction.atomic():
        load_group_stations_set(group=group, stations=[])
        group.delete()


FAILSAFE_FIELDS = ("failsafe_current", "phases", "voltage")


def failsafe_of(group: LoadGroup) -> tuple:
    return tuple(getattr(group, name) for name in FAILSAFE_FIELDS)


def failsafe_resend(*, group: LoadGroup) -> None:
    """The failsafe changed: each station of the group gets the new one (once committed)."""
    for station_id in group.stations.values_list("pk", flat=True):
        transaction.on_commit(lambda sid=station_id: failsafe_send.delay(sid))


@transaction.atomic
def load_group_create(*, tenant: Tenant, stations=(), **fields) -> LoadGroup:
    """A new group of the tenant with its `stations` (API and dashboard alike; the values
    validated by LoadGroupSerializer): they join as `load_group_stations_set` says."""
    group = LoadGroup.objects.create(tenant=tenant, **fields)
    load_group_stations_set(group=group, stations=stations)
    return group


@transaction.atomic
def load_group_update(*, group: LoadGroup, stations=None, **fields) -> LoadGroup:
    """Change the group's fields and, unless None, its stations (who join and leave as
    `load_group_stations_set` says): a changed failsafe is sent again, and the group is
    rebalanced. (Its tariff is billing's: billing.services.group_tariff_set.)"""
    failsafe_before = failsafe_of(group)
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    if stations is not None:
        load_group_stations_set(group=group, stations=stations)
    if failsafe_of(group) != failsafe_before:
        failsafe_resend(group=group)
    request_rebalance(group_id=group.pk, reason="group edited")
    return group
