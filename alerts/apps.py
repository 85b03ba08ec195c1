from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self) -> None:
        from alerts import subscriptions  # noqa: F401  (domain events this app reacts to)
