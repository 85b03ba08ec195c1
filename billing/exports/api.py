"""GET /api/v1/exports/{sessions,energy,revenue}.{csv,json}: streamed exports for accountants."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from billing.exports import csv_stream, energy, revenue, sessions
from billing.exports.csv_stream import csv_chunks, json_chunks, streamed_response
from billing.exports.filters import export_filters

FILTERS = [
    OpenApiParameter("since", str, description="Stopped at or after: an ISO 8601 date or date-time; a date "
                     "or a date-time without offset is local to each station"),
    OpenApiParameter("until", str, description="Stopped before (exclusive): as since"),
    OpenApiParameter("station", str, many=True, description="A station identity (repeatable)"),
]
RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="UTF-8 with BOM, comma separated, "
                                       "a header row, `.` decimals, ISO 8601 times (UTC)"),
    (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="An array of rows"),
    (400, "application/json"): OpenApiResponse(description="A malformed or reversed period, an unknown "
                                               "station, an unknown period kind"),
}


class ExportView(APIView):
    area = "money"
    export_name: str
    cell = staticmethod(csv_stream.plain_cell)

    def perform_content_negotiation(self, request, force=False):
        # An `Accept: text/csv` client gets the file; errors are JSON whatever it accepts.
        return super().perform_content_negotiation(request, force=True)

    def columns_and_rows(self, filters):
        raise NotImplementedError

    def get(self, request, fmt: str):
        filters = export_filters(request.tenant, request.query_params)
        columns, rows = self.columns_and_rows(filters)
        filename = f"{self.export_name}-{request.tenant.slug}.{fmt}"
        if fmt == "json":
            return streamed_response(request._request, json_chunks(columns, rows),
                                     content_type="application/json", filename=filename)
        return streamed_response(request._request, csv_chunks(columns, rows, self.cell),
                                 content_type="text/csv; charset=utf-8", filename=filename)


@extend_schema(parameters=FILTERS, responses=RESPONSES, description=sessions.__doc__)
class SessionsExport(ExportView):
    export_name = "sessions"
    cell = staticmethod(sessions.session_cell)

    def columns_and_rows(self, filters):
        return sessions.COLUMNS, sessions.session_rows(filters)


PERIOD = OpenApiParameter("period", str, enum=[energy.DAY, energy.MONTH], description="Default: day")


@extend_schema(parameters=[*FILTERS, PERIOD], responses=RESPONSES, description=energy.__doc__)
class EnergyExport(ExportView):
    export_name = "energy"
    cell = staticmethod(energy.energy_cell)

    def columns_and_rows(self, filters):
        period = self.request.query_params.get("period") or energy.DAY
        if period not in (energy.DAY, energy.MONTH):
            raise ValidationError({"period": [f"Use {energy.DAY} or {energy.MONTH}."]})
        return energy.energy_columns(period), energy.energy_rows(filters, period=period)


@extend_schema(parameters=FILTERS, responses=RESPONSES, description=revenue.__doc__)
class RevenueExport(ExportView):
    export_name = "revenue"
    cell = staticmethod(revenue.revenue_cell)

    def columns_and_rows(self, filters):
        return revenue.COLUMNS, revenue.revenue_rows(filters)
