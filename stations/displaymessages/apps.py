from django.apps import AppConfig


class DisplayMessagesConfig(AppConfig):
    name = "stations.displaymessages"
    label = "displaymessages"

    def ready(self) -> None:
        # ocpp201 registers NotifyDisplayMessages; subscriptions listens to stopped sessions.
        from stations.displaymessages import ocpp201, subscriptions  # noqa: F401

        subscriptions.subscribe()
