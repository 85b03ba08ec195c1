"""Domain events (stations/events.py): subscribers are told in the order they subscribed, their
follow-ups come back to the publisher, a failing subscriber is skipped on the station link but
fails the change inside a transaction; and the apps above the
core react through them: billing prices a closed session after the commit only."""

import pytest

from billing import subscriptions as billing_subscriptions
from stations import events
from stations.models import Station


@pytest.fixture
def subscribed():
    """Subscribe for one test; unsubscribe after it."""
    done = []

    def subscribe(event_type, subscriber):
        events.subscribe(event_type, subscriber)
        done.append((event_type, subscriber))

    yield subscribe
    for event_type, subscriber in done:
        events.unsubscribe(event_type, subscriber)


def _closed(session_id=7):
    return events.SessionClosed(session_id=session_id, station_id=1, reason="operator")


def test_subscribers_are_told_in_order_and_their_follow_ups_come_back(subscribed):
    told = []

    async def follow_up():
        return "done"

    subscribed(events.SessionClosed, lambda event: told.append(("first", event.session_id)))
    subscribed(events.SessionClosed, lambda event: told.append(("second", event.session_id))
               or follow_up)
    assert events.publish(_closed()) == [follow_up]
    assert told == [("first", 7), ("second", 7)]


def test_a_subscriber_is_told_only_of_its_event_type_and_once(subscribed):
    told = []

    def subscriber(event):
        told.append(event)

    subscribed(events.SessionClosed, subscriber)
    subscribed(events.SessionClosed, subscriber)  # twice: still once
    assert events.publish(events.CallSent(station=None, action="Reset", payload={})) == []
    events.publish(_closed())
    assert told == [_closed()]


def test_a_failing_subscriber_is_logged_and_skipped(subscribed, caplog):
    told = []

    def broken(event):
        raise RuntimeError("a bug in one app")

    subscribed(events.SessionClosed, broken)
    subscribed(events.SessionClosed, told.append)
    assert events.publish(_closed()) == []
    assert told == [_closed()]
    assert "broken failed" in caplog.text


@pytest.mark.django_db  # billing's own subscriber queues its task on the commit
def test_in_a_transaction_a_failing_subscriber_fails_the_change(subscribed):
    told = []

    def broken(event):
        raise RuntimeError("a rule of another app that cannot hold")

    subscribed(events.SessionClosed, told.append)
    subscribed(events.SessionClosed, broken)
    with pytest.raises(RuntimeError):
        events.publish_in_transaction(_closed())
    assert told == [_closed()]


@pytest.mark.django_db(transaction=False)
def test_billing_prices_a_closed_session_after_the_commit_only(monkeypatch,
                                                               django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(billing_subscriptions.price_session_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(_closed(session_id=42))
        assert queued == []  # not before the commit
    assert queued == [42]  # once, after it (the live dashboard's callback runs beside it)


def test_billing_asks_to_price_a_stopped_session_after_the_answer(monkeypatch):
    queued = []
    monkeypatch.setattr(billing_subscriptions, "db", lambda fn, **kwargs: queued.append((fn, kwargs)))
    station = Station(pk=3, tenant_id=1, identity="CP-3")
    stopped = events.SessionStopped(station, session_id=9, transaction_id="17")
    late = events.SessionStopped(station, session_id=9, transaction_id="17", completed_late=True)
    follow_ups = events.publish(stopped) + events.publish(late)
    assert queued == []  # nothing before the answer
    billing_follow_ups = [f for f in follow_ups if f.__module__ == billing_subscriptions.__name__]
    for follow_up in billing_follow_ups:
        follow_up()
    assert queued == [
        (billing_subscriptions.session_price_queue, {"station_id": 3, "transaction_id": "17"}),
        (billing_subscriptions.session_price_correct_queue, {"session_id": 9})]
