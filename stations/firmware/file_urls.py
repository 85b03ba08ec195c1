"""Mounted at /ocpp-files/ by cpms/urls.py: what stations fetch and upload."""

from django.urls import path

from stations.firmware import views

urlpatterns = [
    path("firmware/<str:token>/<str:filename>", views.firmware_download, name="firmware-download"),
    path("upload/<str:token>/", views.upload, name="ocpp-upload"),
]
