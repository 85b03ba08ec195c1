"""The station page's firmware update and publishing actions (stations/firmware/dashboard.py)."""

from django.urls import path

from stations.firmware import dashboard

urlpatterns = [
    path("stations/<str:identity>/firmware/update/", dashboard.update,
         name="station-firmware-update"),
    path("stations/<str:identity>/firmware/publish/", dashboard.publish,
         name="station-firmware-publish"),
    path("stations/<str:identity>/firmware/unpublish/", dashboard.unpublish,
         name="station-firmware-unpublish-page"),
]
