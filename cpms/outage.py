"""While the database or Redis is down, a request that needs them is answered 503 with
Retry-After (issue 16, finding 13), not 500: the client learns that waiting helps and the error
log is not flooded with tracebacks that say the same."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30


def outage_response(exc: BaseException) -> JsonResponse:
    log.warning("answering 503, a backing service is unavailable: %s", exc)
    response = JsonResponse({"detail": "A backing service is unavailable; try again shortly."},
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        return outage_response(exc) if isinstance(exc, OUTAGES) else None
