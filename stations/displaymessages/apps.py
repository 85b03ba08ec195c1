from django.apps import AppConfig


class DisplayMessagesConfig(AppConfig):
    name = "stations.displaymessages"
    label = "displaymessages"

    def ready(self) -> None:
        from stations.displaymessages import ocpp201  # noqa: F401 registers NotifyDisplayMessages
