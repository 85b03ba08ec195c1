"""The load manager's Celery tasks, and `request_rebalance`, the one way synchronous code (the
API, the admin, services, the beat) asks for a group's rebalance: it claims the group
(`records.rebalance_claim`) and only the claimant queues a run, after a short debounce, once
committed. Tasks take ids and call the rebalance engine; a redelivered task allocates anew."""

from asgiref.sync import async_to_sync
from celery import shared_task
from django.conf import settings
from django.db import transaction

from loadmgmt.models import LoadGroup
from loadmgmt.rebalance import afailsafe_send, astation_moved, rebalance
from loadmgmt.records import rebalance_claim


def request_rebalance(*, group_id: int, reason: str) -> bool:
    """From synchronous code (API views, services, tasks). True if a run was queued."""
    if not rebalance_claim(group_id=group_id):
        return False
    transaction.on_commit(lambda: rebalance_group.apply_async(
        (group_id, reason), countdown=settings.LOAD_REBALANCE_DEBOUNCE))
    return True


@shared_task
def rebalance_group(group_id: int, reason: str) -> int | None:
    """Allocate the group and bring its stations to the result; returns the allocation's id.
    Runs one at a time per group (loadmgmt/locks.py); a redelivered task just allocates anew."""
    allocation = rebalance(group_id, reason)
    return allocation.pk if allocation else None


@shared_task
def rebalance_all() -> int:
    """Celery beat: every group with stations is rebalanced (measured draws move, offline
    stations come and go, refused stations are tried again). Returns how many were queued."""
    groups = LoadGroup.objects.filter(stations__isnull=False).distinct().values_list("pk", flat=True)
    return sum(request_rebalance(group_id=pk, reason="periodic") for pk in groups)


@shared_task
def station_moved(station_id: int, old_group_id: int | None) -> None:
    async_to_sync(astation_moved)(station_id, old_group_id)


@shared_task
def failsafe_send(station_id: int) -> bool:
    """Give a station of a group its failsafe default (if it is connected); True if accepted."""
    return async_to_sync(afailsafe_send)(station_id)
