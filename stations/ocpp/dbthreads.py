"""The ORM for station traffic runs on a pool of threads of its own, and the group commit on a
thread of its own.

Channels' `database_sync_to_async` runs every call on one thread per process, which would
serialize a whole fleet's traffic. Each pool thread keeps its own (persistent) DB connection.
"""

import asyncio
import functools
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

from django.conf import settings
from django.db import close_old_connections, connection

# A thread's connection is checked (and replaced when broken or older than CONN_MAX_AGE) before
# its first use after this many idle seconds, and after any thread's connection failed (a
# restarted PostgreSQL drops them all). Checking before every call cost a `SELECT 1` round
# trip per call, a measurable share of a station worker's database time (bench/README.md).
CHECK_AFTER_IDLE_SECONDS = 5.0

_executor: ThreadPoolExecutor | None = None
_background_executor: ThreadPoolExecutor | None = None
_writer_executor: ThreadPoolExecutor | None = None
_in_background: ContextVar[bool] = ContextVar("ocpp_db_in_background", default=False)
_thread = threading.local()
_failures = 0  # connections that failed in this process; a thread checks when it sees a new one


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.OCPP_DB_THREADS,
                                       thread_name_prefix="ocpp-db")
    return _executor


def _background_pool() -> ThreadPoolExecutor:
    global _background_executor
    if _background_executor is None:
        _background_executor = ThreadPoolExecutor(
            max_workers=settings.OCPP_DB_BACKGROUND_THREADS, thread_name_prefix="ocpp-db-later")
    return _background_executor


def _writer_pool() -> ThreadPoolExecutor:
    global _writer_executor
    if _writer_executor is None:
        _writer_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocpp-writer")
    return _writer_executor


def _check_due(now: float) -> bool:
    return (getattr(_thread, "failures_seen", 0) != _failures
            or now - getattr(_thread, "used_at", 0.0) > CHECK_AFTER_IDLE_SECONDS
            or (connection.close_at is not None and now >= connection.close_at))


def _run(fn, args, kwargs):
    global _failures
    if _check_due(time.monotonic()):
        _thread.failures_seen = _failures
        close_old_connections()
        # Django tests only a connection it saw fail; this one may have died unseen (PostgreSQL
        # restarted, or ended it), and raw psycopg work (COPY) skips Django's health check.
        if connection.connection is not None and not connection.is_usable():
            connection.close()
    try:
        return fn(*args, **kwargs)
    except Exception as error:
        # A connection-level error Django's wrapper never saw (psycopg's COPY on the raw
        # cursor) leaves errors_occurred unset: other threads' connections may have died with
        # this one (PostgreSQL restarted, or ended them), so every thread checks its own.
        if _connection_error(error):
            _failures += 1
        raise
    finally:
        _thread.used_at = time.monotonic()
        if connection.errors_occurred:  # e.g. the connection died: every thread checks its own
            _failures += 1


def _connection_error(error: Exception) -> bool:
    """Django's and the drivers' OperationalError and InterfaceError (by name: the driver's own
    classes are not Django's)."""
    return any(kind.__name__ in ("OperationalError", "InterfaceError") for kind in type(error).__mro__)


async def db(fn, *args, **kwargs):
    """Run `fn` on a DB thread: the pool of work a station waits for (a handshake, an answer),
    or, inside `in_background`, the pool of what comes after the answer."""
    loop = asyncio.get_running_loop()
    pool = _background_pool() if _in_background.get() else _pool()
    return await loop.run_in_executor(pool, functools.partial(_run, fn, args, kwargs))


async def in_background(work: Awaitable):
    """Await `work` (a follow-up, run as a task of its own) with its `db` calls on the pool of
    their own: in a reconnect storm every connect's follow-ups (its connection period, its
    offline alert, its load group) queued before the next stations' handshakes, which daphne
    refuses after 5 s (bench/README.md, issue 22)."""
    _in_background.set(True)  # in this task's own copy of the context
    return await work


async def db_writer(fn, *args, **kwargs):
    """`db` on the group commit's own thread (stations/ocpp/writer.py): a batch never waits in
    the pool's queue behind a reconnect storm's handshakes (a thousand a second), which held the
    boots and statuses of a ramp-up for seconds (bench/README.md, issue 22)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_writer_pool(), functools.partial(_run, fn, args, kwargs))
