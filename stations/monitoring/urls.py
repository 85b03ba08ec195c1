from django.urls import re_path

from stations.monitoring import api

MONITORS = r"^stations/(?P<identity>[^/]+)/device-model/monitors/"

urlpatterns = [
    re_path(MONITORS + r"$", api.StationMonitorsView.as_view(), name="station-monitors"),
    re_path(MONITORS + r"clear/$", api.StationMonitorsClearView.as_view(),
            name="station-monitors-clear"),
    re_path(MONITORS + r"base/$", api.StationMonitoringBaseView.as_view(),
            name="station-monitoring-base"),
    re_path(MONITORS + r"level/$", api.StationMonitoringLevelView.as_view(),
            name="station-monitoring-level"),
    re_path(MONITORS + r"report/$", api.StationMonitoringReportView.as_view(),
            name="station-monitoring-report"),
    re_path(r"^stations/(?P<identity>[^/]+)/events/$", api.StationEventListView.as_view(),
            name="station-events"),
]
