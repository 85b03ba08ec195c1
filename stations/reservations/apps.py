from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "stations.reservations"
    label = "reservations"
