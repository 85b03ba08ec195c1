"""The API's answer to a command that reached no usable station answer, wherever it was sent
from: a `CommandFailed` raised in a view or service becomes its status code and body."""

from django.db import DataError
from django.db.models import ProtectedError, RestrictedError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stations.commands.sending import CommandFailed


def exception_handler(exc, context):
    if isinstance(exc, CommandFailed):
        return Response(exc.body, status=exc.status_code)
    if isinstance(exc, OverflowError | DataError):
        # A number or text the database cannot hold (a filter of 1e300, an id past 64 bits) is the
        # request's fault: 400, not 500 (issue 16, finding 13).
        return Response({"detail": "A value is out of the range the server stores."}, status=400)
    if isinstance(exc, ProtectedError | RestrictedError):
        # Deleting what other rows still need (a customer with invoices): a conflict, not a 500.
        rows = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        kinds = ", ".join(sorted({str(row._meta.verbose_name_plural) for row in rows}))
        return Response({"detail": f"It cannot be deleted: {kinds} still refer to it."}, status=409)
    return drf_exception_handler(exc, context)


def command_failures(not_found: str = "No such station in this tenant") -> dict:
    """The OpenAPI responses of an endpoint that sends a CALL to a station."""
    from drf_spectacular.utils import OpenApiResponse

    return {
        404: OpenApiResponse(description=not_found),
        409: OpenApiResponse(description="The station is not connected"),
        502: OpenApiResponse(description="The station answered with a CALLERROR"),
        504: OpenApiResponse(description="No answer in time"),
    }
