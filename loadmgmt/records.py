"""What the load manager records while it runs: each allocation, each limit sent with the
station's answer, what it learns of a station (the rate unit it takes, whether it obeys), and the
claim on a group's next rebalance.

These writes sit below `rebalance.py`, which calls them; the writes an operator asks for (a
group's stations, its failsafe) are in `services.py`, above the tasks they queue. The layers of
loadmgmt, each importing only those before it: models, allocation (pure), external_limits,
selectors, live, records, rebalance, tasks, services, reactions, subscriptions
(docs/architecture.md)."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loadmgmt.allocation_feed import allocation_published, limit_published
from loadmgmt.models import Allocation, ConnectorLimit, LimitSent, LoadGroup, StationControl
from loadmgmt.selectors import GroupState, allocation_build
from stations.selectors import sessions_by_transaction_id
from stations.services.session_lifecycle import session_mark_stale

REFUSALS = {"Rejected", "NotSupported", "CallError", "Timeout"}
STALE_CLAIM = timedelta(seconds=60)


def allocation_record(*, state: GroupState, limits: dict, reason: str) -> Allocation:
    allocation = allocation_build(state=state, limits=limits, reason=reason)
    allocation.save()
    allocation_published(allocation)  # the load group pages update live, after commit
    return allocation


@transaction.atomic
def limit_result_record(*, station_id: int, connector_id: int, transaction_id: int | str | None,
                        purpose: str, limit: Decimal, status: str, profile_id: int | None,
                        allocation_id: int | None, note: str = "", held: bool = False) -> None:
    """A limit sent and its outcome: the log row, the connector's state, and whether the
    station takes our profiles (a refusal makes it counted at its maximum until retried)."""
    now = timezone.now()
    # 1.6: our integer (also as a string); 2.0.1: the station's string only.
    ids = {"transaction_id": transaction_id if isinstance(transaction_id, int) else None,
           "station_transaction_id": "" if transaction_id is None else str(transaction_id)}
    LimitSent.objects.create(allocation_id=allocation_id, station_id=station_id,
                             connector_id=connector_id, **ids,
                             purpose=purpose, limit=limit, status=status, profile_id=profile_id)
    if status != "NotConnected":
        ConnectorLimit.objects.update_or_create(
            station_id=station_id, connector_id=connector_id,
            defaults={**ids, "limit": limit, "status": status, "held": held, "updated_at": now})
        limit_published(station_id=station_id, connector_id=connector_id)  # the card, live
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


def _unknown_transaction(station_id: int, transaction_id: int | str | None, purpose: str,
                         status: str) -> bool:
    """A TxProfile rejected (or refused before it went out: our check wants a running
    transaction) for a transaction the station has ended: its connector was reported free after
    the start, or the session is closed already (superseded, say). A rebalance reads the group
    before it sends, so a session may end in between."""
    if purpose != "TxProfile" or status not in ("Rejected", "CallError") or transaction_id is None:
        return False
    session = sessions_by_transaction_id(station_id=station_id, transaction_id=transaction_id).first()
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


def rebalance_claim(*, group_id: int) -> bool:
    """Claim the group's next rebalance with a conditional UPDATE (`rebalance_due_at` from NULL,
    or from a claim so old its task must have been lost): only the claimant queues a run, so a
    burst of triggers makes one."""
    now = timezone.now()
    return bool(LoadGroup.objects
                .filter(Q(rebalance_due_at__isnull=True) | Q(rebalance_due_at__lt=now - STALE_CLAIM),
                        pk=group_id)
                .update(rebalance_due_at=now))
