from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from stations import api

router = DefaultRouter()
router.register("stations", api.StationViewSet, basename="station")
router.register("id-tags", api.IdTagViewSet, basename="idtag")
router.register("sessions", api.SessionViewSet, basename="session")

urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/messages/$", api.StationMessagesView.as_view(),
            name="station-messages"),
    re_path(r"^stations/(?P<identity>[^/]+)/commands/$", api.StationCommandView.as_view(),
            name="station-commands"),
    re_path(r"^stations/(?P<identity>[^/]+)/device-model/$", api.StationDeviceModel.as_view(),
            name="station-device-model"),
    path("", include("stations.firmware.urls")),
    path("", include("stations.customerinfo.urls")),  # stations/<identity>/customer-information/
    path("", include("stations.authlist.urls")),
    path("", include("stations.reservations.urls")),
    path("", include("stations.smartcharging.urls")),
    path("", include("stations.security.urls")),
    path("", include("loadmgmt.urls")),
    path("", include("stations.triggers.urls")),  # POST stations/<identity>/trigger/
    path("", include("stations.devicemodel.urls")),  # stations/<identity>/device-model/...
    path("", include("stations.monitoring.urls")),  # device-model/monitors/..., events/
    path("", include("stations.displaymessages.urls")),  # stations/<identity>/display-messages/
    *router.urls,
]
