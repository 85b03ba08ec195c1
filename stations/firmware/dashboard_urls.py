"""The station page's firmware publishing actions (stations/firmware/dashboard.py)."""

from django.urls import path

from stations.firmware import dashboard

urlpatterns = [
    path("stations/<str:identity>/firmware/publish/", dashboard.publish,
         name="station-firmware-publish"),
    path("stations/<str:identity>/firmware/unpublish/", dashboard.unpublish,
         name="station-firmware-unpublish-page"),
]
