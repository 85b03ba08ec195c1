"""Where webhook events come from (webhooks/subscriptions.py): each domain event becomes the
event of its type for the endpoints subscribed to it, one delivery each; nobody subscribed,
nothing written (and, once known, not even a follow-up on the station's link); a burst of
alerts is one summary; a failure here never fails the price, the invoice or the alert.
The link's follow-ups run here on this thread (the live tier runs them on database threads:
tests/test_webhooks_events.py)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.events import AlertsTold
from alerts.models import Alert
from billing.events import InvoiceIssued, SessionPriced
from billing.models import Customer, Invoice, SessionPrice
from stations import events
from stations.models import ChargingSession
from tests.factories import make_station, make_tenant
from webhooks import services, subscriptions
from webhooks.models import WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _here(monkeypatch, settings):
    """The follow-ups' database work on this thread (inside the test's transaction); endpoints
    on 127.0.0.1; what the process knows of who wants what, forgotten."""
    async def on_this_thread(fn, *args, **kwargs):
        return fn(*args, **kwargs)

    monkeypatch.setattr(subscriptions, "db", on_this_thread)
    settings.WEBHOOK_ALLOW_PRIVATE = True
    services._types_cache.clear()
    yield
    services._types_cache.clear()


def endpoint(tenant, *types: str, url: str = "http://127.0.0.1:9/hook"):
    made, _secret = services.endpoint_create(tenant=tenant, url=url, event_types=list(types))
    return made


def run(follow_up) -> None:
    """Run a follow-up to its end here, in this context (an event loop would give it a database
    connection of its own, outside the test's transaction): with `db` on this thread it never
    waits."""
    assert follow_up is not None, "the subscriber asked for nothing to run"
    with pytest.raises(StopIteration):
        follow_up().send(None)


def sent(tenant, type_: str) -> list[WebhookEvent]:
    return list(WebhookEvent.objects.filter(tenant=tenant, type=type_).order_by("created_at"))


@pytest.fixture
def station():
    station, _ = make_station(make_tenant(), "CP-SUB")
    station.ocpp_version = "2.0.1"
    station.save(update_fields=["ocpp_version"])
    return station


def make_session(station, **fields) -> ChargingSession:
    return ChargingSession.objects.create(**{
        "tenant_id": station.tenant_id, "station": station, "connector_id": 1, "evse_id": 1,
        "station_transaction_id": "tx-7", "id_tag": "CARD1", "meter_start": 0, "meter_stop": 5000,
        "started_at": NOW, "stopped_at": NOW + timedelta(minutes=30)} | fields)


def status_changed(station, status: str = "Faulted") -> events.StatusChanged:
    return events.StatusChanged(station=station, connector_id=1, evse_id=1, status=status,
                                error_code="GroundFailure")


# Nobody subscribed ---------------------------------------------------------------------------

def test_with_no_endpoint_a_status_change_writes_nothing(station):
    run(subscriptions.on_status_changed(status_changed(station)))

    assert not WebhookEvent.objects.filter(tenant=station.tenant).exists()


def test_once_the_process_knows_nobody_wants_it_the_link_is_asked_for_nothing(station):
    run(subscriptions.on_status_changed(status_changed(station)))  # learns it on a database thread

    with CaptureQueriesContext(connection) as queries:
        assert subscriptions.on_status_changed(status_changed(station, "Available")) is None
    assert not queries.captured_queries


def test_an_endpoint_taking_other_types_gets_no_status_change(station):
    endpoint(station.tenant, "session.started")

    run(subscriptions.on_status_changed(status_changed(station)))

    assert not sent(station.tenant, "station.status_changed")


def test_another_tenants_endpoint_hears_nothing_of_this_station(station):
    elsewhere = endpoint(make_tenant(), "station.status_changed")

    run(subscriptions.on_status_changed(status_changed(station)))

    assert not WebhookDelivery.objects.filter(endpoint=elsewhere).exists()
    assert not sent(station.tenant, "station.status_changed")


# The station link ----------------------------------------------------------------------------

def test_a_subscribed_status_change_is_one_event_with_one_delivery_per_endpoint(station):
    first = endpoint(station.tenant, "station.status_changed")
    every_type = endpoint(station.tenant, url="http://127.0.0.1:9/all")

    run(subscriptions.on_status_changed(status_changed(station)))

    [event] = sent(station.tenant, "station.status_changed")
    assert event.station_id == station.pk and event.version == 1
    assert event.data == {"station": {"id": station.pk, "identity": "CP-SUB", "ocpp_version": "2.0.1"},
                          "connector_id": 1, "evse_id": 1, "status": "Faulted",
                          "error_code": "GroundFailure"}
    assert {d.endpoint_id for d in event.deliveries.all()} == {first.pk, every_type.pk}
    assert all(d.station_id == station.pk for d in event.deliveries.all())


@pytest.mark.parametrize(("subscriber", "event_type", "type_"), [
    (subscriptions.on_station_connected, events.StationConnected, "station.connected"),
    (subscriptions.on_station_disconnected, events.StationDisconnected, "station.disconnected"),
    (subscriptions.on_station_booted, events.StationBooted, "station.booted"),
])
def test_the_stations_link_events_are_told(station, subscriber, event_type, type_):
    endpoint(station.tenant, type_)

    run(subscriber(event_type(station=station)))

    [event] = sent(station.tenant, type_)
    assert event.data["station"]["identity"] == "CP-SUB" and event.station_id == station.pk


def test_the_event_keeps_the_time_it_happened_not_the_time_it_was_written(station):
    endpoint(station.tenant, "station.connected")
    follow_up = subscriptions.on_station_connected(events.StationConnected(station=station))
    before_the_write = datetime.now(UTC)

    run(follow_up)

    [event] = sent(station.tenant, "station.connected")
    assert event.occurred_at <= before_the_write


def test_a_started_session_is_found_by_the_stations_transaction_id(station):
    endpoint(station.tenant, "session.started")
    session = make_session(station, meter_stop=None, stopped_at=None)

    run(subscriptions.on_session_started(events.SessionStarted(
        station=station, connector_id=1, evse_id=1, transaction_id="tx-7")))

    [event] = sent(station.tenant, "session.started")
    assert event.data["session"]["id"] == session.pk
    assert event.data["session"]["transaction_id"] == "tx-7"


def test_a_stopped_session_tells_its_energy_and_whether_it_came_late(station):
    endpoint(station.tenant, "session.stopped")
    session = make_session(station)

    run(subscriptions.on_session_stopped(events.SessionStopped(
        station=station, session_id=session.pk, transaction_id="tx-7", completed_late=True)))

    [event] = sent(station.tenant, "session.stopped")
    assert event.data["session"]["energy_wh"] == 5000 and event.data["completed_late"] is True


def test_a_session_the_station_no_longer_has_writes_nothing(station):
    endpoint(station.tenant, "session.stopped")

    run(subscriptions.on_session_stopped(events.SessionStopped(
        station=station, session_id=None, transaction_id="unknown")))

    assert not sent(station.tenant, "session.stopped")


# Inside other apps' transactions ---------------------------------------------------------------

def test_a_session_closed_by_the_backend_is_told_in_the_closes_transaction(station):
    endpoint(station.tenant, "session.closed")
    session = make_session(station, closed_reason="station_silent")

    events.publish_in_transaction(events.SessionClosed(session.pk, station.pk, "station_silent"))

    [event] = sent(station.tenant, "session.closed")
    assert event.data["reason"] == "station_silent" and event.station_id == station.pk


def make_price(session) -> SessionPrice:
    return SessionPrice.objects.create(
        session=session, tenant_id=session.tenant_id, currency="EUR", net=Decimal("1.50"),
        vat=Decimal("0.2850"), gross=Decimal("1.7851"), lines=[], energy_wh=Decimal(5000),
        final=True, priced_at=NOW + timedelta(minutes=31))


def test_a_price_is_told_with_its_money_as_strings(station):
    endpoint(station.tenant, "session.priced")
    session = make_session(station)
    make_price(session)

    subscriptions.on_session_priced(SessionPriced(station.tenant_id, session.pk, station.pk))

    [event] = sent(station.tenant, "session.priced")
    assert event.data["price"]["gross"] == "1.79" and event.data["price"]["currency"] == "EUR"
    assert event.occurred_at == NOW + timedelta(minutes=31)


def test_a_price_written_before_the_links_stop_tells_the_stop_first_and_once(station):
    endpoint(station.tenant, "session.stopped", "session.priced")
    session = make_session(station, stop_received_at=NOW + timedelta(minutes=30))
    make_price(session)

    subscriptions.on_session_priced(SessionPriced(station.tenant_id, session.pk, station.pk))
    run(subscriptions.on_session_stopped(events.SessionStopped(
        station=station, session_id=session.pk, transaction_id="tx-7")))

    told = WebhookEvent.objects.filter(tenant=station.tenant).order_by("created_at", "type")
    assert [e.type for e in told] == ["session.stopped", "session.priced"]
    assert WebhookDelivery.objects.filter(tenant=station.tenant).order_by("id")[0].event.type == \
        "session.stopped"


def test_a_stop_told_by_the_link_is_not_told_again_with_its_price(station):
    endpoint(station.tenant, "session.stopped", "session.priced")
    session = make_session(station, stop_received_at=NOW + timedelta(minutes=30))
    make_price(session)

    run(subscriptions.on_session_stopped(events.SessionStopped(
        station=station, session_id=session.pk, transaction_id="tx-7")))
    subscriptions.on_session_priced(SessionPriced(station.tenant_id, session.pk, station.pk))

    assert len(sent(station.tenant, "session.stopped")) == 1
    assert len(sent(station.tenant, "session.priced")) == 1


def test_the_price_of_a_session_the_backend_closed_tells_no_stop(station):
    endpoint(station.tenant, "session.stopped", "session.priced")
    session = make_session(station, closed_reason="station_silent")  # no stop came from the station
    make_price(session)

    subscriptions.on_session_priced(SessionPriced(station.tenant_id, session.pk, station.pk))

    assert not sent(station.tenant, "session.stopped") and sent(station.tenant, "session.priced")


def test_a_failing_payload_never_fails_the_price(station, monkeypatch):
    endpoint(station.tenant, "session.priced")
    session = make_session(station)
    make_price(session)
    monkeypatch.setattr(subscriptions.payloads, "session_priced", _broken)

    subscriptions.on_session_priced(SessionPriced(station.tenant_id, session.pk, station.pk))

    assert not sent(station.tenant, "session.priced")
    assert SessionPrice.objects.filter(session=session).count() == 1  # the transaction still works


def test_an_issued_invoice_is_told(station):
    endpoint(station.tenant, "invoice.issued")
    customer = Customer.objects.create(tenant=station.tenant, name="Carla")
    invoice = Invoice.objects.create(
        tenant=station.tenant, number="2026-000001", customer=customer, buyer_name="Carla",
        seller_name="Operator", issued_at=NOW, period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28), currency="EUR", net=Decimal(1), vat=Decimal("0.19"),
        gross=Decimal("1.19"))

    subscriptions.on_invoice_issued(InvoiceIssued(station.tenant_id, invoice.pk))

    [event] = sent(station.tenant, "invoice.issued")
    assert event.data["invoice"]["number"] == "2026-000001" and event.station_id is None


def make_alerts(station, count: int, kind: str = "station_offline") -> list[Alert]:
    return [Alert.objects.create(tenant=station.tenant, kind=kind, key=f"{kind}:{n}", station=station,
                                 title=f"Alert {n}", opened_at=NOW, last_seen_at=NOW)
            for n in range(count)]


def test_alerts_told_one_by_one_are_one_event_each(station):
    endpoint(station.tenant, "alert.opened", "alert.resolved", "alert.summary")
    opened = make_alerts(station, 2)

    subscriptions.on_alerts_told(AlertsTold(station.tenant_id, tuple(a.pk for a in opened), ()))

    assert [e.data["alert"]["id"] for e in sent(station.tenant, "alert.opened")] == [a.pk for a in opened]
    assert not sent(station.tenant, "alert.summary")


def test_a_burst_of_alerts_is_one_summary(station):
    endpoint(station.tenant, "alert.opened", "alert.summary")
    offline = make_alerts(station, 30)
    faulted = make_alerts(station, 3, "connector_faulted")

    subscriptions.on_alerts_told(AlertsTold(station.tenant_id, tuple(a.pk for a in offline + faulted),
                                            (), summarized=True))

    [summary] = sent(station.tenant, "alert.summary")
    assert summary.data["opened"]["count"] == 33
    assert summary.data["opened"]["by_kind"] == {"connector_faulted": 3, "station_offline": 30}
    assert not sent(station.tenant, "alert.opened")
    assert summary.deliveries.count() == 1


def test_another_tenants_alert_ids_are_not_told(station):
    endpoint(station.tenant, "alert.opened")
    other_station, _ = make_station(make_tenant())
    [foreign] = make_alerts(other_station, 1)

    subscriptions.on_alerts_told(AlertsTold(station.tenant_id, (foreign.pk,), ()))

    assert not sent(station.tenant, "alert.opened")


def _broken(*args, **kwargs):
    raise RuntimeError("a bug in a payload")
