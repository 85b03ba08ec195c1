"""The station page's local list actions (stations/authlist/views.py)."""

from django.urls import path

from stations.authlist import views

urlpatterns = [
    path("stations/<str:identity>/local-list/send/", views.local_list_send_full,
         name="station-local-list-send"),
    path("stations/<str:identity>/local-list/version/", views.local_list_version_ask,
         name="station-local-list-version"),
]
