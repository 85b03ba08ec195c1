from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from webhooks import subscriptions  # noqa: F401  (domain events this app reacts to)
