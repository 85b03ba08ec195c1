"""The station page's reservation actions (stations/reservations/views.py)."""

from django.urls import path

from stations.reservations import views

urlpatterns = [
    path("stations/<str:identity>/reservations/", views.reservation_make,
         name="station-reservation-make"),
    path("stations/<str:identity>/reservations/<int:reservation_id>/cancel/",
         views.reservation_cancel, name="station-reservation-cancel"),
]
