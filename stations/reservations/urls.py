from django.urls import re_path

from stations.reservations import api

urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/reservations/$", api.ReservationsView.as_view(),
            name="station-reservations"),
    re_path(r"^stations/(?P<identity>[^/]+)/reservations/(?P<reservation_id>[0-9]+)/$",
            api.ReservationView.as_view(), name="station-reservation"),
]
