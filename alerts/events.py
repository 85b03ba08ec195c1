"""Alerts' events on the core's bus (stations/events.py), for the apps above alerts (webhooks)
and the live dashboard. `AlertOpened`/`AlertResolved` are published inside the transaction that
opened or resolved the alert (alerts/services.py); `AlertsTold` once a delivery round told people
(alerts/delivery.py): integrations hear of alerts at that pace, a burst as one summary."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AlertOpened:
    tenant_id: int
    alert_id: int


@dataclass(frozen=True)
class AlertResolved:
    tenant_id: int
    alert_id: int


@dataclass(frozen=True)
class AlertsTold:
    """One delivery round of a tenant: the alerts opened and resolved it told of; `summarized`:
    there were more than ALERT_BURST_THRESHOLD, so they went out as one summary."""

    tenant_id: int
    opened: tuple[int, ...]
    resolved: tuple[int, ...]
    summarized: bool = False
