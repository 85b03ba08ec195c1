"""The ORM for station traffic runs on a pool of threads of its own.

Channels' `database_sync_to_async` runs every call on one thread per process, which would
serialize a whole fleet's traffic. Each pool thread keeps its own (persistent) DB connection.
"""

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.OCPP_DB_THREADS,
                                       thread_name_prefix="ocpp-db")
    return _executor


def _run(fn, args, kwargs):
    close_old_connections()  # drops a connection that broke or outlived CONN_MAX_AGE
    return fn(*args, **kwargs)


async def db(fn, *args, **kwargs):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(_run, fn, args, kwargs))
