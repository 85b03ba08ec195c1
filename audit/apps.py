from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        from audit import subscriptions  # noqa: F401  (domain events this app reacts to)
