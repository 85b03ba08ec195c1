from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "stations.reservations"
    label = "reservations"

    def ready(self) -> None:
        from stations.reservations import ocpp201  # noqa: F401 registers its OCPP 2.0.1 handler
