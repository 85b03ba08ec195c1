from django.urls import re_path

from stations.triggers import api

urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/trigger/$", api.StationTriggerView.as_view(),
            name="station-trigger"),
]
