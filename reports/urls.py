"""The reports API routes (under /api/v1/; docs/reports.md "API")."""

from django.urls import path

from reports import api

urlpatterns = [
    path("reports/stations/", api.StationReportsView.as_view(), name="report-stations"),
    path("reports/stations/<str:identity>/", api.StationReportView.as_view(), name="report-station"),
    path("reports/sites/", api.SiteReportsView.as_view(), name="report-sites"),
    path("reports/sites/<int:pk>/", api.SiteReportView.as_view(), name="report-site"),
]
