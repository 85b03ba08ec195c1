"""GET /api/v1/tenant/export/ (managers' tokens): the whole tenant as one zip archive;
GET /api/v1/exports/meter-values.csv: meter values (docs/portability.md)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from billing.exports.csv_stream import csv_chunks, streamed_response
from billing.exports.filters import export_filters
from portability import meter_values
from portability.export import archive_name, export_archive
from tenants.models import Role
from tenants.permissions import request_role


class ManagersOnly(BasePermission):
    """The archive holds everything, money and people included: a manager's token only."""

    message = "Only a manager's token may export the whole tenant."

    def has_permission(self, request, view) -> bool:
        return request_role(request) == Role.MANAGER


class Downloads(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The file whatever the client accepts; errors are JSON.
        return super().perform_content_negotiation(request, force=True)


@extend_schema(responses={
    (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The export archive"),
    (403, "application/json"): OpenApiResponse(description="Not a manager's token")},
    description="The tenant's full export archive: JSON Lines files, the stored files and a manifest "
                "(docs/portability.md). Streamed.")
class TenantExport(Downloads):
    area = "stations"

    def get_permissions(self):
        return [*super().get_permissions(), ManagersOnly()]

    def get(self, request):
        return streamed_response(request._request, export_archive(tenant=request.tenant),
                                 content_type="application/zip", filename=archive_name(request.tenant))


@extend_schema(parameters=[
    OpenApiParameter("since", str, description="Sampled at or after: an ISO 8601 date or date-time; without "
                     "an offset, in the tenant's time zone"),
    OpenApiParameter("until", str, description="Sampled before (exclusive): as since"),
    OpenApiParameter("station", str, many=True, description="A station identity (repeatable)")],
    responses={(200, "text/csv"): OpenApiResponse(
        OpenApiTypes.BINARY, description="UTF-8 with BOM, comma separated, a header row, `.` decimals, "
                                         "ISO 8601 times (UTC)"),
               (400, "application/json"): OpenApiResponse(description="A malformed or reversed period, an "
                                                          "unknown station")},
    description=meter_values.__doc__)
class MeterValuesExport(Downloads):
    area = "stations"

    def get(self, request):
        filters = export_filters(request.tenant, request.query_params)
        chunks = csv_chunks(meter_values.COLUMNS, meter_values.meter_value_rows(filters),
                            meter_values.meter_value_cell)
        return streamed_response(request._request, chunks, content_type="text/csv; charset=utf-8",
                                 filename=f"meter-values-{request.tenant.slug}.csv")
