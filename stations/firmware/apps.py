from django.apps import AppConfig


class FirmwareConfig(AppConfig):
    name = "stations.firmware"
    label = "firmware"

    def ready(self) -> None:
        from stations.firmware import ocpp16  # noqa: F401 registers its OCPP 1.6 handlers and reactions
