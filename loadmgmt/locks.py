"""One rebalance of a group at a time, across every process that may run one.

On PostgreSQL (where Celery workers run rebalances in parallel) a session-level advisory lock
keyed by the group; its lock and unlock run on the calling thread's connection, as does every
thread-sensitive ORM call made while it is held. On the embedded default every rebalance runs
on the server's one event loop, so an asyncio lock per group serves."""

import asyncio
from collections import defaultdict
from contextlib import asynccontextmanager

from asgiref.sync import sync_to_async
from django.db import connection

LOCK_NAMESPACE = 0x4C4D  # "LM": advisory locks are (namespace, key) pairs
_local_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)


@asynccontextmanager
async def group_lock(group_id: int):
    if connection.vendor != "postgresql":
        async with _local_locks[group_id]:
            yield
        return
    await sync_to_async(_advisory, thread_sensitive=True)("pg_advisory_lock", group_id)
    try:
        yield
    finally:
        await sync_to_async(_advisory, thread_sensitive=True)("pg_advisory_unlock", group_id)


def _advisory(function: str, group_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_NAMESPACE, group_id])
