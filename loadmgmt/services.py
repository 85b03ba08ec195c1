"""Writes an operator asks of the load manager: a group's stations (joining and leaving), its
failsafe, its measured base load. They queue their follow-ups (profiles sent, taken back, a
rebalance) as tasks once committed; the writes of a running rebalance are in `records.py`."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.services import sessions_snapshot_station
from loadmgmt.allocation import PHASES
from loadmgmt.models import LoadGroup
from loadmgmt.tasks import failsafe_send, request_rebalance, station_moved
from stations.models import Station


def base_load_measured_set(*, group: LoadGroup, currents: dict[int, Decimal],
                           measured_at: datetime | None = None) -> LoadGroup:
    """A measurement of the building's load pushed through the API (per phase, A)."""
    group.base_load_measured = {str(p): str(currents.get(p, Decimal(0))) for p in PHASES}
    group.base_load_measured_at = measured_at or timezone.now()
    group.save(update_fields=["base_load_measured", "base_load_measured_at", "updated_at"])
    return group


def station_group_changed(*, station_id: int, old_group_id: int | None) -> None:
    """A station joined, left or changed its group: once committed, the old group takes its
    profiles back and is rebalanced, the new one gives it the failsafe and is rebalanced."""
    transaction.on_commit(lambda: station_moved.delay(station_id, old_group_id))


def load_group_stations_set(*, group: LoadGroup, stations) -> None:
    """The group's stations are exactly `stations` (of its tenant): those that join or leave
    are handled as `station_group_changed` says."""
    wanted = {s.pk: s for s in stations}
    current = set(group.stations.values_list("pk", flat=True))
    for station_id in current ^ set(wanted):  # their running sessions keep their tariff
        sessions_snapshot_station(station_id=station_id)
    for station_id in current - set(wanted):
        Station.objects.filter(pk=station_id).update(load_group=None)
        station_group_changed(station_id=station_id, old_group_id=group.pk)
    for station_id in set(wanted) - current:
        old = wanted[station_id].load_group_id
        Station.objects.filter(pk=station_id).update(load_group=group)
        station_group_changed(station_id=station_id, old_group_id=old)


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
def load_group_save(*, serializer, tenant) -> LoadGroup:
    """Create or update a group from a valid LoadGroupSerializer (API and dashboard alike):
    stations join and leave through `load_group_stations_set`, a changed failsafe is sent again,
    an edit rebalances the group."""
    creating = serializer.instance is None
    stations = serializer.validated_data.pop("stations", [] if creating else None)
    if creating:
        group = serializer.save(tenant=tenant)
        load_group_stations_set(group=group, stations=stations)
        return group
    failsafe_before = failsafe_of(serializer.instance)
    tariff = serializer.validated_data.get("tariff", serializer.instance.tariff)
    if tariff != serializer.instance.tariff:  # its stations' running sessions keep their tariff
        for station_id in serializer.instance.stations.values_list("pk", flat=True):
            sessions_snapshot_station(station_id=station_id)
    group = serializer.save()
    if stations is not None:
        load_group_stations_set(group=group, stations=stations)
    if failsafe_of(group) != failsafe_before:
        failsafe_resend(group=group)
    request_rebalance(group_id=group.pk, reason="group edited")
    return group
