from django.apps import AppConfig


class FirmwareConfig(AppConfig):
    name = "stations.firmware"
    label = "firmware"

    def ready(self) -> None:
        # registers its OCPP 1.6 and 2.0.1 handlers and reactions
        from stations.firmware import ocpp16, ocpp201, security_events  # noqa: F401
