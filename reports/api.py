"""The reports API (/api/v1/reports/, docs/reports.md "API"): every station's or site's figures
over a period, and one station's or site's report per day or month. Every role reads (the
"stations" area); money only for the money roles. `?from=&to=&interval=day|month` as the pages;
a period that cannot be read is a 400 with the reason. Another tenant's station or site is a 404."""

from datetime import date
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import selectors
from reports.periods import DAY, MONTH, Period, PeriodError, period_of
from reports.serializers import (
    BucketSerializer,
    FiguresSerializer,
    PeriodSerializer,
    ReportSerializer,
    SiteRowSerializer,
    StationRowSerializer,
)
from stations.models import Location, Station
from tenants.api import TenantListAPIView

PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="First day (YYYY-MM-DD; per month also YYYY-MM). "
                     "Default: 29 days before `to`, or 11 months before it per month"),
    OpenApiParameter("to", str, description="Last day, included (default: today in the tenant's "
                     "time zone); per month, its whole month"),
    OpenApiParameter("interval", str, enum=[DAY, MONTH], description="day (at most 366 days) or "
                     "month (at most 24 months); default day"),
]


def _period(request) -> Period:
    today: date = timezone.now().astimezone(ZoneInfo(request.tenant.timezone or "UTC")).date()
    try:
        return period_of(request.query_params, today)
    except PeriodError as bad:
        raise ValidationError({"period": [str(bad)]}) from None


@extend_schema(parameters=PERIOD_PARAMETERS)
class StationReportsView(TenantListAPIView):
    """Every station in use with its uptime, utilisation, sessions, energy (and revenue) over
    the period, by identity."""

    queryset = Station.objects.none()
    serializer_class = StationRowSerializer

    def tenant_queryset(self, tenant):
        return selectors.station_list(tenant).order_by("identity", "pk")

    def paginate_queryset(self, queryset):
        """Only the page's stations get their figures (reports.selectors.figures_into)."""
        period = _period(self.request)
        page = super().paginate_queryset(queryset)
        return selectors.figures_into(list(page if page is not None else queryset), period)


@extend_schema(parameters=PERIOD_PARAMETERS)
class SiteReportsView(TenantListAPIView):
    """Every site with the figures of its stations over the period, by name."""

    queryset = Location.objects.none()
    serializer_class = SiteRowSerializer

    def tenant_queryset(self, tenant):
        return selectors.site_list(tenant).order_by("name", "pk")

    def paginate_queryset(self, queryset):
        period = _period(self.request)
        page = super().paginate_queryset(queryset)
        return selectors.figures_into(list(page if page is not None else queryset), period, of="site")


def _report(request, view, *, name: str, key: dict, **which) -> Response:
    period = _period(request)
    buckets = selectors.series(request.tenant, period, **which)
    context = {"request": request, "view": view}
    return Response(key | {
        "name": name,
        "period": PeriodSerializer({"start": period.start, "end": period.end,
                                    "interval": period.interval}).data,
        "totals": FiguresSerializer(selectors.totals(buckets), context=context).data,
        "series": BucketSerializer(buckets, many=True, context=context).data})


class StationReportView(APIView):
    """One station's report: its totals over the period and its figures per day or month
    (today computed live)."""

    queryset = Station.objects.none()

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ReportSerializer)
    def get(self, request, identity: str):
        station = get_object_or_404(
            Station.objects.filter(tenant=request.tenant, removed_at__isnull=True).select_related("tenant"),
            identity=identity)
        return _report(request, self, name=station.name, key={"station": station.identity},
                       station=station)


class SiteReportView(APIView):
    """One site's report: the totals of its stations over the period and per day or month."""

    queryset = Location.objects.none()

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ReportSerializer)
    def get(self, request, pk: int):
        site = get_object_or_404(Location.objects.filter(tenant=request.tenant), pk=pk)
        return _report(request, self, name=site.name, key={"site_id": site.pk}, location=site)
