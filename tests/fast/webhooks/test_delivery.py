"""Delivering (webhooks/services.py `delivery_attempt`, webhooks/delivery.py, webhooks/tasks.py):
signed requests, back-off, dead deliveries, the claim, order per station, idempotency, and an
endpoint disabled (with an alert) after failing too often. HTTP is replaced by a recorder here;
tests/test_webhooks_delivery.py sends real requests."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertKind
from tests.factories import make_station
from webhooks import dispatch, selectors, services, tasks
from webhooks.delivery import Outcome
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.signing import signature_verify

pytestmark = pytest.mark.django_db


class Receiver:
    """Stands in for webhooks.delivery.post: records each request, answers `statuses` in turn."""

    def __init__(self, *statuses: int):
        self.statuses, self.requests = list(statuses), []

    def __call__(self, *, url: str, body: bytes, headers: dict) -> Outcome:
        self.requests.append({"url": url, "body": body, "headers": headers})
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return Outcome(status_code=status, excerpt="ok", duration_ms=3,
                       error="" if status < 300 else f"HTTP {status}")

    @property
    def ids(self) -> list[str]:
        return [json.loads(r["body"])["data"]["n"] for r in self.requests]


@pytest.fixture
def receiver(monkeypatch):
    def answering(*statuses: int) -> Receiver:
        fake = Receiver(*statuses)
        monkeypatch.setattr("webhooks.delivery.post", fake)
        return fake
    return answering


@pytest.fixture
def dispatched(monkeypatch) -> list[int]:
    """The delivery ids queued (to Celery, or the eager threads), instead of queueing them."""
    queued: list[int] = []
    monkeypatch.setattr(dispatch, "deliveries_dispatch", queued.extend)
    return queued


@pytest.fixture
def hook(tenant):
    return services.endpoint_create(tenant=tenant, url="https://hooks.example.com/in", event_types=[])


def emit(tenant, n=0, station=None) -> WebhookDelivery:
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={"n": n},
                                  station_id=station.pk if station else None)
    return event.deliveries.get()


def attempt(delivery: WebhookDelivery) -> str | None:
    return services.delivery_attempt(delivery_id=delivery.pk)


def due_now(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_is_a_signed_post_of_the_envelope(tenant, hook, receiver):
    endpoint, secret = hook
    got = receiver(200)
    delivery = emit(tenant, 7)
    assert attempt(delivery) == "succeeded"
    request = got.requests[0]
    body, headers = request["body"], request["headers"]
    envelope = json.loads(body)
    assert envelope["id"] == str(delivery.event_id) == headers["Webhook-Id"]
    assert (envelope["type"], envelope["version"], envelope["tenant"], envelope["data"]) == \
        ("station.connected", 1, tenant.slug, {"n": 7})
    assert envelope["created_at"].endswith("Z")
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"] == "CPMS-Webhooks/1"
    assert headers["Webhook-Signature"].startswith(f"t={headers['Webhook-Timestamp']},v1=")
    assert signature_verify(secret=secret, header=headers["Webhook-Signature"], body=body)


def test_a_success_is_logged_and_marks_the_delivery_delivered(tenant, hook, receiver):
    receiver(204)
    delivery = emit(tenant)
    attempt(delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 204)
    assert delivery.delivered_at is not None and delivery.claimed_until is None
    log = WebhookAttempt.objects.get(delivery=delivery)
    assert (log.status_code, log.duration_ms, log.response_excerpt) == (204, 3, "ok")


def test_a_failure_is_retried_after_a_back_off(tenant, hook, receiver):
    receiver(500)
    delivery = emit(tenant)
    before = timezone.now()
    assert attempt(delivery) == "failed"
    delivery.refresh_from_db()
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert delivery.attempts == 1 and delivery.last_error == "HTTP 500"
    assert 0.8 * 30 - 1 <= wait <= 1.2 * 30 + 1  # WEBHOOK_BACKOFF_BASE
    assert attempt(delivery) is None  # not due yet


def test_the_back_off_doubles_with_jitter_and_is_capped(settings):
    settings.WEBHOOK_BACKOFF_BASE, settings.WEBHOOK_BACKOFF_MAX = 30.0, 3600.0
    assert [services.backoff_seconds(n, jitter=1.0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff_seconds(40, jitter=1.0) == 3600
    assert 24 <= services.backoff_seconds(1) <= 36


def test_a_delivery_is_dead_after_the_last_attempt(settings, tenant, hook, receiver):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver(503)
    delivery = emit(tenant)
    states = []
    for _ in range(3):
        states.append(attempt(delivery))
        due_now(delivery)
    assert states == ["failed", "failed", "dead"]
    assert attempt(delivery) is None
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 3


def test_a_delivered_event_is_not_sent_again_by_a_redelivered_task(tenant, hook, receiver):
    got = receiver(200)
    delivery = emit(tenant)
    assert tasks.deliver(delivery.pk) == "succeeded"
    assert tasks.deliver(delivery.pk) is None
    assert len(got.requests) == 1


def test_a_claimed_delivery_cannot_be_claimed_again_until_its_claim_ends(tenant, hook):
    delivery = emit(tenant)
    assert services.delivery_claim(delivery_id=delivery.pk) is not None
    assert services.delivery_claim(delivery_id=delivery.pk) is None
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1))  # its worker died
    assert services.delivery_claim(delivery_id=delivery.pk) is not None


def test_a_stations_second_event_waits_while_its_first_is_failing(tenant, hook, receiver):
    got = receiver(500, 200)
    station, _ = make_station(tenant)
    first, second = emit(tenant, 1, station), emit(tenant, 2, station)
    assert attempt(first) == "failed"
    assert attempt(second) is None  # waits behind the first
    assert services.delivery_claim(delivery_id=second.pk) is None
    due_now(first)
    assert attempt(first) == "succeeded"
    assert attempt(second) == "succeeded"
    assert got.ids == [1, 1, 2]


def test_a_dead_delivery_stops_holding_its_station_queue(settings, tenant, hook, receiver):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver(500)
    station, _ = make_station(tenant)
    first, second = emit(tenant, 1, station), emit(tenant, 2, station)
    assert attempt(first) == "dead"
    assert selectors.deliveries_due() == [second.pk]


def test_the_next_of_a_station_queue_is_queued_when_the_head_is_done(
        tenant, hook, receiver, dispatched, django_capture_on_commit_callbacks):
    receiver(200)
    station, _ = make_station(tenant)
    first, second = emit(tenant, 1, station), emit(tenant, 2, station)
    with django_capture_on_commit_callbacks(execute=True):
        attempt(first)
    assert dispatched == [second.pk]


def test_events_without_a_station_and_other_stations_do_not_wait(tenant, hook, receiver):
    receiver(500)
    station, _ = make_station(tenant)
    other, _ = make_station(tenant)
    failing = emit(tenant, 1, station)
    attempt(failing)
    loose, elsewhere = emit(tenant, 2), emit(tenant, 3, other)
    assert set(selectors.deliveries_due()) == {loose.pk, elsewhere.pk}


def test_each_endpoint_has_its_own_station_queue(tenant, hook, receiver):
    receiver(500)
    station, _ = make_station(tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={"n": 1},
                                  station_id=station.pk)
    first = event.deliveries.get()
    attempt(first)
    second_endpoint, _ = services.endpoint_create(tenant=tenant, url="https://b.example.com/",
                                                  event_types=[])
    later = emit_to_all(tenant, station)
    assert set(selectors.deliveries_due()) == {later[second_endpoint.pk]}


def emit_to_all(tenant, station) -> dict[int, int]:
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={"n": 2},
                                  station_id=station.pk)
    return {d.endpoint_id: d.pk for d in event.deliveries.all()}


def test_an_endpoint_failing_too_often_is_disabled_with_an_alert(settings, tenant, hook, receiver):
    settings.WEBHOOK_DISABLE_AFTER = 3
    endpoint, _ = hook
    receiver(500)
    deliveries = [emit(tenant, n) for n in range(4)]
    for delivery in deliveries[:3]:
        attempt(delivery)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "3 failed attempts" in endpoint.disabled_reason
    alert = Alert.objects.get(tenant=tenant, kind=AlertKind.WEBHOOK_FAILING)
    assert alert.key == f"webhook_endpoint:{endpoint.pk}" and alert.state == "open"
    assert attempt(deliveries[3]) is None  # kept, not sent
    assert WebhookDelivery.objects.get(pk=deliveries[3].pk).state == "pending"


def test_enabling_resets_the_failures_resolves_the_alert_and_sends_what_waited(
        settings, tenant, hook, receiver, dispatched, django_capture_on_commit_callbacks):
    settings.WEBHOOK_DISABLE_AFTER = 1
    endpoint, _ = hook
    receiver(500)
    waiting = [emit(tenant, 1), emit(tenant, 2)]
    attempt(waiting[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_enable(endpoint=endpoint)
    assert (endpoint.enabled, endpoint.consecutive_failures, endpoint.disabled_reason) == (True, 0, "")
    assert Alert.objects.get(tenant=tenant, kind=AlertKind.WEBHOOK_FAILING).state == "resolved"
    assert dispatched == [waiting[1].pk]


def test_a_success_forgets_the_failures(tenant, hook, receiver):
    endpoint, _ = hook
    receiver(500, 200)
    delivery = emit(tenant)
    attempt(delivery)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    due_now(delivery)
    attempt(delivery)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_an_address_that_became_private_is_not_called(settings, tenant, hook, receiver):
    endpoint, _ = hook
    got = receiver(200)
    endpoint.url = "https://127.0.0.1/in"
    endpoint.save()
    settings.WEBHOOK_ALLOW_PRIVATE = False
    delivery = emit(tenant)
    assert attempt(delivery) == "failed"
    delivery.refresh_from_db()
    assert "loopback, private or link-local" in delivery.last_error and got.requests == []


def test_a_secret_that_cannot_be_decrypted_fails_the_attempt_with_the_reason(tenant, hook, receiver):
    endpoint, _ = hook
    got = receiver(200)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted="garbage")
    delivery = emit(tenant)
    assert attempt(delivery) == "failed"
    delivery.refresh_from_db()
    assert "rotate it" in delivery.last_error and got.requests == []


def test_the_sweep_takes_due_deliveries_only(tenant, hook, receiver, dispatched):
    receiver(500)
    retrying, fresh = emit(tenant, 1), emit(tenant, 2)
    attempt(retrying)
    assert tasks.deliver_due() == 1
    assert dispatched == [fresh.pk]


def test_another_tenants_deliveries_are_not_in_its_list(tenant, other_tenant, hook):
    emit(tenant)
    assert not selectors.deliveries_of(other_tenant).exists()
