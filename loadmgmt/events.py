"""The events load management publishes, for the apps above it (billing) to react without
load management importing them. The mechanism is the core's (stations/events.py: subscribe in
`AppConfig.ready()`, `publish` calls each subscriber at once); docs/architecture.md lists who
listens."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StationGroupChanging:
    """A station is about to join a load group, change to another or leave its group
    (synchronous, inside the change's transaction, before the change is written): what decides
    its tariff may change with its group, so billing lets its running sessions keep theirs
    (billing/subscriptions.py)."""

    station_id: int
    tenant_id: int
    group_id_before: int | None
    group_id_after: int | None
