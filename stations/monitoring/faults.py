"""When a station's event is a fault, as a pure rule (docs/ocpp201.md, monitoring and events).

A 2.0.1 station tells faults as NotifyEvent rather than only as a Faulted StatusNotification:
a component's `Problem` set true, its `AvailabilityState` Faulted, or a monitor of severity up
to FAULT_SEVERITY alerting. Such an event shows as the connector's Faulted status, with its
techCode as the error code; the same component and variable reported again (cleared, Problem
false, another state) ends it. Which event is the component's latest is decided by the
station's timestamps, so retransmissions and events arriving out of order end in one state."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from stations.services.evses import connector_of_evse

FAULT_VARIABLES = ("Problem", "AvailabilityState")
# Whose Problem is a fault of the charging point (a stuck cable lock's is the lock's: G_20).
FAULT_COMPONENTS = ("ChargingStation", "EVSE", "Connector")
FALLBACK_ERROR = "OtherError"  # a fault the station gave no techCode for
ERROR_CODE_LENGTH = 30  # Connector.error_code
MAX_CONNECTOR = 2**31 - 1  # what the connector columns hold


def fault_severity() -> int:
    """A monitor of this severity or worse (0 Danger, 1 Hardware Failure, 2 System Failure by
    default) alerting is a fault."""
    return settings.EVENT_FAULT_SEVERITY


def concerns_faults(*, component: str, variable: str, trigger: str,
                    severity: int | None) -> bool:
    """Whether the event sets or ends a fault of its component (else it is only history)."""
    return (component in FAULT_COMPONENTS and variable in FAULT_VARIABLES) or (
        trigger == "Alerting" and severity is not None and severity <= fault_severity())


def is_fault(*, variable: str, actual_value: str, trigger: str, cleared: bool,
             severity: int | None) -> bool:
    if cleared:
        return False
    if variable == "Problem":
        return actual_value.strip().lower() == "true"
    if variable == "AvailabilityState":
        return actual_value.strip() == "Faulted"
    return trigger == "Alerting" and severity is not None and severity <= fault_severity()


def connector_of(evse_id: int | None, evse_connector_id: int | None) -> int | None:
    """The domain's connector a component's fault shows on (no EVSE: the station, 0; None:
    numbers no EVSE or connector has)."""
    if evse_id is None:
        return 0
    if evse_id < 0 or (evse_connector_id or 0) < 0:
        return None
    connector_id = connector_of_evse(evse_id, evse_connector_id)
    return connector_id if connector_id <= MAX_CONNECTOR else None


def error_code(tech_code: str) -> str:
    return (tech_code or FALLBACK_ERROR)[:ERROR_CODE_LENGTH]


@dataclass(frozen=True)
class Seen:
    """One fault-relevant event of a connector, as the rule needs it."""

    key: tuple  # component, its instance, EVSE, connector in it, variable, its instance
    timestamp: datetime
    event_id: int
    fault: bool
    tech_code: str


def active_fault(seen: list[Seen]) -> Seen | None:
    """The latest fault among the components whose latest event is a fault (None: no fault)."""
    latest: dict[tuple, Seen] = {}
    for event in sorted(seen, key=lambda e: (e.timestamp, e.event_id)):
        latest[event.key] = event
    faults = [event for event in latest.values() if event.fault]
    return max(faults, key=lambda e: (e.timestamp, e.event_id)) if faults else None
