from django.apps import AppConfig


class AuthlistConfig(AppConfig):
    name = "stations.authlist"
    label = "authlist"

    def ready(self) -> None:
        from stations.authlist import ocpp16  # noqa: F401 registers its OCPP 1.6 reaction to a boot
