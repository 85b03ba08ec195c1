"""The monitoring and events dashboard pages (stations/monitoring/views.py)."""

from django.urls import path

from stations.monitoring import views

urlpatterns = [
    path("stations/<str:identity>/monitoring/", views.monitors_page,
         name="station-monitoring-page"),
    path("stations/<str:identity>/monitoring/add/", views.monitor_add,
         name="station-monitor-add"),
    path("stations/<str:identity>/monitoring/<int:monitor_id>/clear/", views.monitor_clear,
         name="station-monitor-clear"),
    path("stations/<str:identity>/monitoring/level/", views.monitoring_level,
         name="station-monitoring-level-set"),
    path("stations/<str:identity>/monitoring/base/", views.monitoring_base,
         name="station-monitoring-base-set"),
    path("stations/<str:identity>/monitoring/report/", views.monitoring_report,
         name="station-monitoring-report-ask"),
    path("stations/<str:identity>/events/", views.events_page, name="station-events-page"),
    path("stations/<str:identity>/events/latest/", views.events_latest,
         name="station-events-latest"),
]
