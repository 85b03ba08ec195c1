"""Celery beat for the embedded default: with no Redis there is no `celery beat`, so the server
process runs `CELERY_BEAT_SCHEDULE` itself (tasks run eagerly, on worker threads, so that a
task reaching a station over the in-memory channel layer comes back to this event loop).
Started with the process's presence, on the first station connect; every task runs once then
(work that fell due while the server was down), and on its schedule after."""

import asyncio
import logging
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from celery.schedules import schedule as interval_schedule
from celery.utils.imports import symbol_by_name
from django.conf import settings
from django.utils import timezone

from cpms.celery import app

log = logging.getLogger(__name__)
TICK = 1.0


def enabled() -> bool:
    return settings.CELERY_TASK_ALWAYS_EAGER and settings.EMBEDDED_BEAT


async def run_forever() -> None:
    entries = {name: _schedule_of(entry["schedule"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    last_run = dict.fromkeys(entries, datetime(2000, 1, 1, tzinfo=UTC))  # all due at the start
    while True:
        await asyncio.sleep(TICK)
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            due, _ = entries[name].is_due(last_run[name])
            if not due:
                continue
            last_run[name] = timezone.now()
            try:
                await sync_to_async(_run, thread_sensitive=False)(entry["task"])
            except Exception:
                log.exception("Periodic task %s failed", entry["task"])


def _schedule_of(value):
    return value if hasattr(value, "is_due") else interval_schedule(run_every=value, app=app)


def _run(task_name: str) -> None:
    symbol_by_name(task_name).apply()  # imports the task's module; eager errors propagate
