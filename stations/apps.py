from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"

    def ready(self) -> None:
        # The OCPP 1.6 core profile's handlers (stations/ocpp/registry.py); the feature apps
        # register theirs in their own ready().
        from stations.ocpp.v16 import core  # noqa: F401
