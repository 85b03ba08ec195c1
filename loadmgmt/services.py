"""Writes of the load manager: allocations, the limits sent with the answers, what it learns of
each station, and a group's measured base load."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.services import sessions_snapshot_station
from loadmgmt.allocation import PHASES, available
from loadmgmt.live import allocation_published
from loadmgmt.models import Allocation, ConnectorLimit, LimitSent, LoadGroup, StationControl
from loadmgmt.selectors import GroupState
from stations.models import ChargingSession, Station
from stations.services.session_lifecycle import session_mark_stale

REFUSALS = {"Rejected", "NotSupported", "CallError", "Timeout"}


def allocation_record(*, state: GroupState, limits: dict, reason: str) -> Allocation:
    allocation = allocation_build(state=state, limits=limits, reason=reason)
    allocation.save()
    allocation_published(allocation)  # the load group pages update live, after commit
    return allocation


def allocation_build(*, state: GroupState, limits: dict, reason: str) -> Allocation:
    spec = state.spec()
    allocated = {p: Decimal(0) for p in PHASES}
    demands = {d.key: d for d in state.demands}
    for key, limit in limits.items():
        for p in demands[key].phases:
            allocated[p] += limit
    connectors = []
    for c in state.connectors:
        demand = demands.get(c.key)
        connectors.append({
            "station": c.station.identity, "connector_id": c.connector_id,
            "transaction_id": c.session.transaction_id if c.session else None,
            "limit": _str(limits.get(c.key)) if demand else None,
            "measured_current": _str(None if c.measured_current is None
                                     else c.measured_current.quantize(Decimal("0.1"))),
            "status": c.status,
            "phases": list(demand.phases) if demand else [],
            "priority": c.priority,
            "steered": c.station.pk in state.steerable,
            "connected": c.station.connected,
        })
    return Allocation(
        group=state.group, reason=reason[:50], max_current=state.cap,
        available=_per_phase(available(spec)), allocated=_per_phase(allocated),
        reserved=_per_phase(state.reserved), base_load=_per_phase(state.base_load),
        connectors=connectors)


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _per_phase(values: dict[int, Decimal]) -> dict[str, str]:
    return {str(p): str(v) for p, v in sorted(values.items())}


@transaction.atomic
def limit_result_record(*, station_id: int, connector_id: int, transaction_id: int | None,
                        purpose: str, limit: Decimal, status: str, profile_id: int | None,
                        allocation_id: int | None, note: str = "", held: bool = False) -> None:
    """A limit sent and its outcome: the log row, the connector's state, and whether the
    station takes our profiles (a refusal makes it counted at its maximum until retried)."""
    now = timezone.now()
    LimitSent.objects.create(allocation_id=allocation_id, station_id=station_id,
                             connector_id=connector_id, transaction_id=transaction_id,
                             purpose=purpose, limit=limit, status=status, profile_id=profile_id)
    if status != "NotConnected":
        ConnectorLimit.objects.update_or_create(
            station_id=station_id, connector_id=connector_id,
            defaults={"transaction_id": transaction_id, "limit": limit, "status": status,
                      "held": held, "updated_at": now})
    if purpose == "TxDefaultProfile" and status in ("Accepted", "Rejected"):
        pass  # says nothing of TxProfiles: some stations take no default but obey a TxProfile
    elif _unknown_transaction(station_id, transaction_id, purpose, status):
        # The station does not know the transaction: the session is stale for the lifecycle
        # rules, and the station is not counted at its maximum for it (docs/sessions.md).
        session_mark_stale(station_id=station_id, transaction_id=transaction_id)
    elif status == "Accepted":
        station_control_update(station_id=station_id, controllable=True)
    elif status in REFUSALS:
        station_control_update(station_id=station_id, controllable=False,
                               reason=f"{purpose} on connector {connector_id}: {note or status}")


def _unknown_transaction(station_id: int, transaction_id: int | None, purpose: str,
                         status: str) -> bool:
    """A TxProfile rejected for a transaction the station has ended: its connector was reported
    free after the start, or the session is closed already (superseded, say)."""
    if purpose != "TxProfile" or status != "Rejected" or transaction_id is None:
        return False
    session = ChargingSession.objects.filter(station_id=station_id, transaction_id=transaction_id).first()
    return session is not None and (session.stopped_at is not None or session.freed_at is not None)


def station_control_update(*, station_id: int, controllable: bool, reason: str = "") -> None:
    StationControl.objects.update_or_create(station_id=station_id, defaults={
        "controllable": controllable, "reason": reason[:200], "checked_at": timezone.now()})


def station_control_reset(*, station_id: int, before: datetime, rate_units: str) -> None:
    """The station takes our profiles again unless it refused one since `before` (a refusal
    that raced this reset stands)."""
    control, _ = StationControl.objects.get_or_create(station_id=station_id)
    control.rate_units = rate_units[:20]
    if control.checked_at is None or control.checked_at < before:
        control.controllable, control.reason = True, ""
    control.save()


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
    from loadmgmt.tasks import station_moved

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
    from loadmgmt.tasks import failsafe_send

    for station_id in group.stations.values_list("pk", flat=True):
        transaction.on_commit(lambda sid=station_id: failsafe_send.delay(sid))


@transaction.atomic
def load_group_save(*, serializer, tenant) -> LoadGroup:
    """Create or update a group from a valid LoadGroupSerializer (API and dashboard alike):
    stations join and leave through `load_group_stations_set`, a changed failsafe is sent again,
    an edit rebalances the group."""
    from loadmgmt.triggers import request_rebalance

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
