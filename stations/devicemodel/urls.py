from django.urls import re_path

from stations.devicemodel import api

urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/device-model/reports/$",
            api.StationDeviceReportsView.as_view(), name="station-device-reports"),
    re_path(r"^stations/(?P<identity>[^/]+)/device-model/get/$",
            api.StationVariablesGetView.as_view(), name="station-variables-get"),
    re_path(r"^stations/(?P<identity>[^/]+)/device-model/set/$",
            api.StationVariablesSetView.as_view(), name="station-variables-set"),
]
