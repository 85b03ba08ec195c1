from django.urls import path, re_path

from stations.firmware import api

STATION = r"^stations/(?P<identity>[^/]+)"

urlpatterns = [
    path("firmware/", api.FirmwareFileList.as_view(), name="firmware-files"),
    path("firmware/rollouts/", api.RolloutList.as_view(), name="firmware-rollouts"),
    path("firmware/rollouts/<int:pk>/", api.RolloutDetail.as_view(), name="firmware-rollout"),
    path("firmware/<int:pk>/", api.FirmwareFileDetail.as_view(), name="firmware-file"),
    re_path(STATION + r"/firmware/$", api.StationFirmwareJobs.as_view(), name="station-firmware-jobs"),
    re_path(STATION + r"/firmware/(?P<pk>\d+)/$", api.StationFirmwareJob.as_view(),
            name="station-firmware-job"),
    re_path(STATION + r"/firmware/publications/$", api.StationFirmwarePublications.as_view(),
            name="station-firmware-publications"),
    re_path(STATION + r"/firmware/publications/(?P<pk>\d+)/$", api.StationFirmwarePublication.as_view(),
            name="station-firmware-publication"),
    re_path(STATION + r"/firmware/unpublish/$", api.StationFirmwareUnpublish.as_view(),
            name="station-firmware-unpublish"),
    re_path(STATION + r"/diagnostics/$", api.StationDiagnostics.as_view(), name="station-diagnostics"),
    re_path(STATION + r"/diagnostics/(?P<pk>\d+)/$", api.StationDiagnosticsDetail.as_view(),
            name="station-diagnostics-detail"),
    re_path(STATION + r"/diagnostics/(?P<pk>\d+)/file/$", api.StationDiagnosticsFile.as_view(),
            name="station-diagnostics-file"),
    re_path(STATION + r"/logs/$", api.StationLogs.as_view(), name="station-logs"),
    re_path(STATION + r"/logs/(?P<pk>\d+)/$", api.StationLogDetail.as_view(), name="station-log"),
    re_path(STATION + r"/logs/(?P<pk>\d+)/file/$", api.StationLogFile.as_view(), name="station-log-file"),
]
