"""Load management listens to the station core through domain events (stations/events.py):
what a station reports may call for a rebalance of its group (loadmgmt/reactions.py decides),
and the limits of our TxProfiles that went out tell when a car draws less than it may.
Subscribed in LoadmgmtConfig.ready(); each subscriber runs on the station link's event loop and
returns the follow-up the link runs after its answer, or None. What load management remembers
of a station between its messages lives in the link's memo (stations/ocpp/link.py)."""

from loadmgmt import reactions
from stations import events
from stations.events import FollowUp

APP = "loadmgmt"


def _memo(event) -> dict:
    # An event published outside a station link (a test, a script) has no link: nothing to keep.
    return event.link.memo_of(APP) if event.link is not None else {}


def on_station_booted(event: events.StationBooted) -> FollowUp | None:
    return reactions.on_boot(event.station, _memo(event))


def on_status_changed(event: events.StatusChanged) -> FollowUp | None:
    return reactions.on_status(event.station, event.connector_id, event.status, _memo(event))


def on_session_started(event: events.SessionStarted) -> FollowUp | None:
    return reactions.on_transaction(event.station, started=True, memo=_memo(event))


def on_session_stopped(event: events.SessionStopped) -> FollowUp | None:
    return reactions.on_transaction(event.station, started=False, memo=_memo(event))


def on_meter_values(event: events.MeterValuesReceived) -> FollowUp | None:
    # Limits are per EVSE (the key our profile was noted under), whichever of its connectors
    # charges; a 1.6 connector is its own EVSE, and the station's meter (0) is EVSE 0.
    key = event.evse_id or event.connector_id
    return reactions.on_meter_values(event.station, key, event.samples, _memo(event))


def on_charging_limit_changed(event: events.ChargingLimitChanged) -> FollowUp | None:
    return reactions.on_charging_limit(event.station, event.cleared, _memo(event))


def on_charging_needs_received(event: events.ChargingNeedsReceived) -> FollowUp | None:
    return reactions.on_charging_needs(event.station, event.evse_id, _memo(event))


def on_call_sent(event: events.CallSent) -> None:
    if event.action == "SetChargingProfile" and event.payload is not None:
        reactions.profile_sent(event.station, event.payload, _memo(event))


SUBSCRIPTIONS = (
    (events.StationBooted, on_station_booted),
    (events.StatusChanged, on_status_changed),
    (events.SessionStarted, on_session_started),
    (events.SessionStopped, on_session_stopped),
    (events.MeterValuesReceived, on_meter_values),
    (events.CallSent, on_call_sent),
    (events.ChargingLimitChanged, on_charging_limit_changed),
    (events.ChargingNeedsReceived, on_charging_needs_received),
)


def subscribe() -> None:
    for event_type, subscriber in SUBSCRIPTIONS:
        events.subscribe(event_type, subscriber)
