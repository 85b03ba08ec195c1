from django.apps import AppConfig


class SmartchargingConfig(AppConfig):
    name = "stations.smartcharging"
    label = "smartcharging"

    def ready(self) -> None:
        from stations.smartcharging import ocpp201  # noqa: F401 registers its OCPP 2.0.1 handler
