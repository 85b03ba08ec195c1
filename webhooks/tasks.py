"""Webhook delivery tasks: `deliver` (one delivery, queued when its event commits) and
`deliver_due` (beat, every WEBHOOK_SWEEP_INTERVAL s: retries whose time came, deliveries whose
task was lost). A task takes an id and calls one service; the claim makes a redelivered or
overlapping task harmless (docs/webhooks.md).

On the embedded default Celery runs eagerly, in whatever thread committed: a request, a station
link's DB thread. There the HTTP would hold that thread for up to WEBHOOK_TIMEOUT, so eager
deliveries go to a small pool of threads of their own instead."""

import logging
from concurrent.futures import ThreadPoolExecutor

from celery import shared_task
from django.conf import settings
from django.db import connection

from webhooks import selectors, services

log = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None


@shared_task
def deliver(delivery_id: int) -> str | None:
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task
def deliver_due() -> int:
    due = selectors.deliveries_due()
    deliveries_dispatch(due)
    return len(due)


def deliveries_dispatch(delivery_ids: list[int]) -> None:
    """Queue each delivery: to Celery, or (eager) to this process' delivery threads."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for delivery_id in delivery_ids:
            deliver.delay(delivery_id)
        return
    for delivery_id in delivery_ids:
        _eager_pool().submit(_deliver_eagerly, delivery_id)


def _eager_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=getattr(settings, "WEBHOOK_EAGER_THREADS", 4),
                                   thread_name_prefix="webhooks")
    return _pool


def _deliver_eagerly(delivery_id: int) -> None:
    try:
        deliver.apply(args=[delivery_id])
    except Exception:
        log.exception("Webhook delivery %s failed", delivery_id)
    finally:
        connection.close()
