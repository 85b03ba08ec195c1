"""The device model's dashboard pages (stations/devicemodel/views.py)."""

from django.urls import path

from stations.devicemodel import views

urlpatterns = [
    path("stations/<str:identity>/device-model/", views.device_model,
         name="station-device-model-page"),
    path("stations/<str:identity>/device-model/refresh/", views.device_model_refresh,
         name="station-device-model-refresh"),
    path("stations/<str:identity>/device-model/set/", views.device_model_set,
         name="station-device-model-set"),
]
