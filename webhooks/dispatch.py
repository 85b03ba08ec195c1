"""Queueing deliveries by task name (`webhooks.tasks.deliver`), so that the services that queue
them need not import the tasks that call them (docs/webhooks.md).

On the embedded default Celery runs eagerly, in whatever thread committed: a request, a station
link's DB thread. There the HTTP would hold that thread for up to WEBHOOK_TIMEOUT, so eager
deliveries go to a small pool of threads of their own instead."""

import logging
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)
DELIVER = "webhooks.tasks.deliver"
_pool: ThreadPoolExecutor | None = None


def deliveries_dispatch(delivery_ids: list[int]) -> None:
    """Queue each delivery: to Celery, or (eager) to this process' delivery threads."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for delivery_id in delivery_ids:
            current_app.send_task(DELIVER, args=[delivery_id])
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
        symbol_by_name(DELIVER).apply(args=[delivery_id])
    except Exception:
        log.exception("Webhook delivery %s failed", delivery_id)
    finally:
        connection.close()
