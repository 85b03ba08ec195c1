from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        # Billing reacts to the station core's domain events (billing/subscriptions.py).
        from billing import subscriptions

        subscriptions.subscribe()
