"""The pickers' search routes (cpms/pickers.py), GET only, of the signed-in tenant."""

from django.urls import path

from cpms import pickers

urlpatterns = [
    path("pick/id-tags/", pickers.id_tags_pick, name="pick-id-tags"),
    path("pick/stations/", pickers.stations_pick, name="pick-stations"),
]
