from django.urls import re_path

from stations.authlist import api

urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/local-list/$", api.LocalListView.as_view(),
            name="station-local-list"),
    re_path(r"^stations/(?P<identity>[^/]+)/local-list/version/$",
            api.LocalListVersionView.as_view(), name="station-local-list-version"),
]
