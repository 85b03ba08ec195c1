from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"

    def ready(self) -> None:
        # The OCPP 1.6 and 2.0.1 cores' handlers (stations/ocpp/registry.py); the feature apps
        # register theirs in their own ready().
        from stations.customerinfo import ocpp201 as customer_information_201  # noqa: F401
        from stations.dashboard import live_events  # the live dashboard's session and meter events
        from stations.monitoring import ocpp201 as monitoring_201  # noqa: F401
        from stations.ocpp.v16 import core  # noqa: F401
        from stations.ocpp.v201 import core as core_201  # noqa: F401
        from stations.ocpp.v201 import device_model  # noqa: F401
        from stations.ocpp.v201 import notify_event as notify_event_201  # noqa: F401
        from stations.ocpp.v201 import transactions as transactions_201  # noqa: F401
        live_events.subscribe()
        from stations import connection_history  # noqa: F401  (ConnectionPeriod rows: reports)
