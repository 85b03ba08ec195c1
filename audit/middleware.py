"""Every request runs in an audit context (audit/context.py): the model changes it makes are
recorded as its operator's (audit/capture.py), with its address, method and path.

A write no model signal tells of (a queryset's `.update()`, `bulk_create`, raw SQL) would leave
no trace: an unsafe request that succeeded (2xx/3xx) and wrote no entry gets one `request` entry
instead, naming the view, the object of its URL, the answer's status and the names (never the
values) of the fields it sent (docs/audit.md). So every successful write leaves a row, even one
that changed nothing."""

import json

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponseBase
from django.http.request import RawPostDataException

from audit.context import AuditContext, opened, request_context
from audit.services import audit_request_record

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_FIELDS = frozenset({"csrfmiddlewaretoken"})
MAX_FIELDS = 50


class AuditMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        with opened(request_context(request)) as context:
            response = self.get_response(request)
        if fallback_due(context, response):
            fallback_record(context, request, response)
        return response

    async def __acall__(self, request: HttpRequest):
        with opened(request_context(request)) as context:
            response = await self.get_response(request)
        if fallback_due(context, response):
            await sync_to_async(fallback_record)(context, request, response)
        return response


def fallback_due(context: AuditContext, response: HttpResponseBase) -> bool:
    return context.method in UNSAFE and context.entries == 0 and 200 <= response.status_code < 400


def fallback_record(context: AuditContext, request: HttpRequest, response: HttpResponseBase) -> None:
    match = request.resolver_match
    kwargs = match.kwargs if match else {}
    object_id = kwargs.get("pk") or (list(kwargs.values())[-1] if kwargs else "")
    audit_request_record(context=context, view=(match.view_name if match else "")[:100],
                         object_id=str(object_id), fields=sent_fields(request),
                         status=response.status_code)


def sent_fields(request: HttpRequest) -> list[str]:
    """The names of the fields a request sent: a form's, or a JSON object's when its body is
    still readable (DRF reads a JSON body as a stream)."""
    try:
        names = list(request.POST.keys()) + list(request.FILES.keys())
        body = None if names else json.loads(request.body or b"null")
    except (RawPostDataException, ValueError, SuspiciousOperation):
        names, body = [], None
    if isinstance(body, dict):
        names = list(body.keys())
    return sorted({str(name)[:100] for name in names if name not in NOT_FIELDS})[:MAX_FIELDS]
