"""What the live webhook tests share: a server (with a real Celery worker on Redis) whose
deliveries retry within a second, and the retries' sweep that celery beat would queue."""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from tests.conftest import _tmp
from tests.server import Server, server_env, start_celery_worker, start_server
from webhooks.tasks import deliver_due

FAST = {"EMBEDDED_BEAT": "1", "WEBHOOK_BACKOFF_BASE": "0.2", "WEBHOOK_BACKOFF_MAX": "1",
        "WEBHOOK_SWEEP_INTERVAL": "0.5", "WEBHOOK_ALLOW_PRIVATE": "1", "WEBHOOK_TIMEOUT": "5"}


@contextmanager
def webhook_server() -> Iterator[Server]:
    env = server_env() | FAST
    srv = start_server(env, _tmp)
    worker = start_celery_worker(env, _tmp) if os.environ.get("REDIS_URL") else None
    try:
        yield srv
    finally:
        if worker is not None:
            worker.stop()
        srv.stop()


@asynccontextmanager
async def beat() -> AsyncIterator[None]:
    """With Redis, the sweep queued for the worker every half second (celery beat's part); on
    the embedded default the server's own beat runs it."""
    if not os.environ.get("REDIS_URL"):
        yield
        return

    async def tick():
        while True:
            deliver_due.delay()
            await asyncio.sleep(0.5)

    ticking = asyncio.create_task(tick())
    try:
        yield
    finally:
        ticking.cancel()
