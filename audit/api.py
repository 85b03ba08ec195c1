"""The audit log's API (docs/audit.md, docs/api.md): read-only, managers only, the caller's
tenant only. The list, one entry, and the streamed exports take the same filters
(audit/filters.py), read in the tenant's time zone."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from audit import exports, selectors
from audit.filters import AuditEntryFilter
from audit.models import AuditEntry
from audit.serializers import AuditEntrySerializer
from billing.exports.csv_stream import csv_chunks, json_chunks, streamed_response
from tenants.api import TenantReadOnlyModelViewSet
from tenants.models import Role
from tenants.permissions import token_role


class ManagerOnly(permissions.BasePermission):
    """A manager's token of the request's tenant: the log tells of everyone's work."""

    message = "Only a manager's token reads the audit log."

    def has_permission(self, request, view) -> bool:
        return (getattr(request._request, "tenant", None) is not None
                and token_role(request) == Role.MANAGER)


class InTenantZone:
    # Dates and date-times without an offset in the filters are the tenant's wall-clock times.

    def filter_queryset(self, queryset):
        with timezone.override(ZoneInfo(self.request.tenant.timezone or "UTC")):
            return super().filter_queryset(queryset)


class AuditEntryViewSet(InTenantZone, TenantReadOnlyModelViewSet):
    """The tenant's audit log, newest first: who wrote what, when, from where, with what result."""

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    permission_classes = [ManagerOnly]

    def tenant_queryset(self, tenant):
        return selectors.audit_entries(tenant=tenant)


def _filter_parameters() -> list[OpenApiParameter]:
    parameters = []
    for name, field in AuditEntryFilter.base_filters.items():
        choices = field.extra.get("choices")
        parameters.append(OpenApiParameter(
            name, str, description=str(field.label or ""),
            enum=[value for value, _ in choices] if choices else None))
    return parameters


EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description=(
        "UTF-8 with BOM, comma separated, a header row, ISO 8601 times (UTC), `changes` as JSON "
        "text")),
    (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="An array of entries"),
    (400, "application/json"): OpenApiResponse(description="A bad filter, with the reason"),
}


@extend_schema(parameters=_filter_parameters(), responses=EXPORT_RESPONSES,
               description=exports.__doc__)
class AuditExport(APIView):
    permission_classes = [ManagerOnly]

    def perform_content_negotiation(self, request, force=False):
        # An `Accept: text/csv` client gets the file; errors are JSON whatever it accepts.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, fmt: str):
        tenant = request.tenant
        with timezone.override(ZoneInfo(tenant.timezone or "UTC")):
            filterset = AuditEntryFilter(request.query_params,
                                         queryset=selectors.audit_entries(tenant=tenant))
            if not filterset.is_valid():
                raise ValidationError(filterset.errors)
            entries = filterset.qs
        rows = exports.entry_rows(entries)
        filename = f"audit-{tenant.slug}.{fmt}"
        if fmt == "json":
            return streamed_response(request._request, json_chunks(exports.COLUMNS, rows),
                                     content_type="application/json", filename=filename)
        return streamed_response(request._request, csv_chunks(exports.COLUMNS, rows, exports.entry_cell),
                                 content_type="text/csv; charset=utf-8", filename=filename)
