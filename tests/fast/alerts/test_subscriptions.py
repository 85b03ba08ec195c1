"""What alerts/subscriptions.py asks for on each event: a follow-up where there is database
work (run on the link's database thread; the live test tests/test_alerts_station.py runs them),
nothing where there is none."""

from types import SimpleNamespace

from alerts import subscriptions
from stations import events

STATION = SimpleNamespace(pk=1, tenant_id=2, identity="CP-1")


def test_a_connect_a_status_and_a_start_each_ask_for_a_follow_up():
    assert callable(subscriptions.on_station_connected(events.StationConnected(STATION)))
    for status in ("Faulted", "Available"):
        assert callable(subscriptions.on_status_changed(
            events.StatusChanged(STATION, 1, 1, status, error_code="GroundFailure")))
    assert callable(subscriptions.on_session_started(events.SessionStarted(STATION, 1, 1, "7")))


def test_only_an_accepted_remote_start_asks_for_a_watch():
    def completed(action, outcome, status):
        return subscriptions.on_command_completed(events.CommandCompleted(
            STATION, action, {"connectorId": 1, "idTag": "A"}, outcome,
            response={"status": status}))
    assert callable(completed("RemoteStartTransaction", "result", "Accepted"))
    assert completed("RemoteStartTransaction", "result", "Rejected") is None
    assert completed("RemoteStartTransaction", "timeout", "Accepted") is None
    assert completed("UnlockConnector", "result", "Accepted") is None


def test_a_stop_without_its_session_asks_for_nothing():
    assert subscriptions.on_session_stopped(events.SessionStopped(STATION, None, "7")) is None
    assert callable(subscriptions.on_session_stopped(events.SessionStopped(STATION, 3, "7")))


def test_every_subscription_is_in_place():
    for event_type, subscriber in subscriptions.SUBSCRIPTIONS:
        assert subscriber in events._subscribers[event_type]
