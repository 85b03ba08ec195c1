from django.apps import AppConfig


class LoadmgmtConfig(AppConfig):
    name = "loadmgmt"

    def ready(self) -> None:
        # Load management reacts to the station core's domain events (loadmgmt/subscriptions.py).
        from loadmgmt import subscriptions

        subscriptions.subscribe()
