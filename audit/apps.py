from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        from audit import subscriptions  # domain events and model changes this app records

        subscriptions.subscribe()
