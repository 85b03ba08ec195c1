"""An HTTP request's database connection ends with the request.

Under ASGI, Django runs each request's synchronous code in a thread of its own (asgiref's
ThreadSensitiveContext), so a connection kept open for CONN_MAX_AGE is never used again: it
lingers until the garbage collector finds it, and under load (or with the collector tuned for
the station link, cpms/gc_tuning.py) a process runs PostgreSQL out of connections ("sorry, too
many clients already"). The station link's own threads keep theirs (stations/ocpp/dbthreads.py).
"""

from django.core.signals import request_finished
from django.db import connections


def _close_request_connections(**kwargs) -> None:
    connections.close_all()


def close_connections_after_requests() -> None:
    request_finished.connect(_close_request_connections, dispatch_uid="close-request-connections")
