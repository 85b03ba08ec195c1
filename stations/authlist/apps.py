from django.apps import AppConfig


class AuthlistConfig(AppConfig):
    name = "stations.authlist"
    label = "authlist"

    def ready(self) -> None:
        # Registers its reactions to a boot, one module per OCPP version.
        from stations.authlist import ocpp16, ocpp201  # noqa: F401
