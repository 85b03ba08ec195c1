"""The reports dashboard pages (docs/reports.md)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports-page"),
    path("reports/stations/<str:identity>/", views.station_report_page, name="station-report-page"),
    path("reports/sites/<int:pk>/", views.site_report_page, name="site-report-page"),
]
