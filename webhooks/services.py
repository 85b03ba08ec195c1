"""Webhook writes: endpoints, the outbox (events and their deliveries), attempts and replays
(docs/webhooks.md).

An event is written in the caller's transaction, in a savepoint of its own, with one delivery per
subscribed endpoint; the deliveries are queued when it commits. A delivery is claimed by a
conditional UPDATE (`claimed_until`) that also refuses it while an earlier delivery of the same
endpoint and station is open: two workers never send one delivery twice, and a station's events
reach an endpoint in order. A succeeded delivery is never claimed again (idempotent by state)."""

import logging
import random
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from alerts.models import AlertKind
from alerts.services import alert_raise, alert_resolve
from webhooks import dispatch, selectors
from webhooks.catalogue import EVENT_TYPES, PAYLOAD_VERSION
from webhooks.crypto import secret_encrypt, secret_new, secret_shown_prefix
from webhooks.delivery import Outcome, delivery_send, url_check
from webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)

TYPES_TTL_SECONDS = 5.0
ROTATION_OVERLAP = timedelta(hours=24)
OPEN = [DeliveryState.PENDING, DeliveryState.FAILED]
ENDPOINT_FIELDS = ("url", "event_types", "description", "enabled")

_types_cache: dict[int, tuple[float, frozenset[str]]] = {}


# --- Who wants what (the event loop asks without touching the database) ----------------------

def webhook_wanted(tenant_id: int, type: str) -> bool | None:
    """From this process' cache only: does an enabled endpoint of the tenant take `type`?
    None when not known (then `webhook_types_of` on a DB thread)."""
    cached = _types_cache.get(tenant_id)
    if cached is None or cached[0] < time.monotonic():
        return None
    return type in cached[1]


def webhook_types_of(tenant_id: int) -> set[str]:
    types: set[str] = set()
    for event_types in WebhookEndpoint.objects.filter(tenant_id=tenant_id, enabled=True) \
            .values_list("event_types", flat=True):
        types |= set(event_types) if event_types else set(EVENT_TYPES)
    _types_cache[tenant_id] = (time.monotonic() + TYPES_TTL_SECONDS, frozenset(types))
    return types


def _types_changed(tenant_id: int) -> None:
    _types_cache.pop(tenant_id, None)
    transaction.on_commit(lambda: _types_cache.pop(tenant_id, None))


def _subscribed(endpoint: WebhookEndpoint, type: str) -> bool:
    return not endpoint.event_types or type in endpoint.event_types


# --- The outbox ------------------------------------------------------------------------------

def webhook_emit(*, tenant_id: int, type: str, data: dict, station_id: int | None = None,
                 occurred_at: datetime | None = None,
                 event_id: uuid.UUID | None = None) -> WebhookEvent | None:
    """Write the event and its deliveries in the caller's transaction; None when no endpoint
    takes it, or when an `event_id` given (an event two paths may write) is written already.
    A failure here is logged and leaves the caller's transaction usable."""
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event type {type!r}")
    try:
        with transaction.atomic():
            endpoints = [e for e in WebhookEndpoint.objects.filter(tenant_id=tenant_id, enabled=True)
                         if _subscribed(e, type)]
            if not endpoints:
                return None
            event = WebhookEvent.objects.create(
                id=event_id or uuid.uuid4(), tenant_id=tenant_id, type=type, version=PAYLOAD_VERSION,
                station_id=station_id, occurred_at=occurred_at or timezone.now(), data=data)
            _deliveries_create([event], endpoints)
            return event
    except Exception as error:
        if event_id is not None and isinstance(error, IntegrityError):
            return None  # the other path wrote it
        log.exception("Webhook event %s of tenant %s not written", type, tenant_id)
        return None


def _deliveries_create(events: list[WebhookEvent], endpoints: Iterable[WebhookEndpoint],
                       *, replay: bool = False) -> list[WebhookDelivery]:
    now = timezone.now()
    endpoints = list(endpoints)
    made = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event=event, tenant_id=event.tenant_id,
                        station_id=event.station_id, replay=replay, next_attempt_at=now)
        for event in events for endpoint in endpoints if replay or _subscribed(endpoint, event.type)])
    _queue_on_commit([d.pk for d in made])
    return made


def _queue_on_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(lambda: dispatch.deliveries_dispatch(delivery_ids))


# --- Endpoints -------------------------------------------------------------------------------

def _types_checked(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"Unknown event types: {', '.join(unknown)}")
    return sorted(set(event_types))


@transaction.atomic
def endpoint_create(*, tenant, url: str, event_types: list[str],
                    description: str = "") -> tuple[WebhookEndpoint, str]:
    """The secret is returned once, here; it is stored encrypted."""
    url_check(url)
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, url=url, event_types=_types_checked(event_types), description=description,
        secret_encrypted=secret_encrypt(secret), secret_prefix=secret_shown_prefix(secret))
    _types_changed(tenant.pk)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, **fields) -> WebhookEndpoint:
    unknown = set(fields) - set(ENDPOINT_FIELDS)
    if unknown:
        raise TypeError(f"Not an endpoint field: {', '.join(sorted(unknown))}")
    enabled = fields.pop("enabled", None)
    if "url" in fields:
        url_check(fields["url"])
    if "event_types" in fields:
        fields["event_types"] = _types_checked(fields["event_types"])
    if enabled is False and endpoint.enabled:
        fields |= {"enabled": False, "disabled_reason": "Disabled by a manager"}
    for name, value in fields.items():
        setattr(endpoint, name, value)
    if fields:  # only these: a worker may have counted failures or disabled it meanwhile
        endpoint.save(update_fields=[*fields, "updated_at"])
    if enabled is True and not endpoint.enabled:
        endpoint_enable(endpoint=endpoint)
    _types_changed(endpoint.tenant_id)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret; the old one signs too (a second `v1=`) for ROTATION_OVERLAP."""
    secret = secret_new()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.secret_prefix = secret_shown_prefix(secret)
    endpoint.save(update_fields=["previous_secret_encrypted", "previous_secret_expires_at",
                                 "secret_encrypted", "secret_prefix", "updated_at"])
    return secret


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Back on: its failures forgotten, its alert resolved, its waiting deliveries sent."""
    current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    current.enabled, current.disabled_reason, current.consecutive_failures = True, "", 0
    current.save(update_fields=["enabled", "disabled_reason", "consecutive_failures", "updated_at"])
    endpoint.refresh_from_db()  # saved, not updated: the audit log records who turned it on
    _alert_resolve(endpoint)
    _types_changed(endpoint.tenant_id)
    _queue_on_commit(list(selectors.deliveries_due(endpoint_id=endpoint.pk)))
    return endpoint


def _endpoint_disable(endpoint: WebhookEndpoint, reason: str) -> bool:
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_reason=reason[:200], updated_at=timezone.now())
    endpoint.refresh_from_db()
    _types_changed(endpoint.tenant_id)
    return bool(disabled)


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    _alert_resolve(endpoint)
    endpoint.delete()
    _types_changed(endpoint.tenant_id)


# --- Replays and tests -----------------------------------------------------------------------

@transaction.atomic
def webhook_replay_event(*, tenant, event_id: uuid.UUID | str, endpoint_id: int | None = None
                         ) -> list[WebhookDelivery]:
    """New deliveries of the same event (same id): to `endpoint_id`, or to every enabled
    endpoint that takes its type. WebhookEvent/WebhookEndpoint.DoesNotExist for another
    tenant's."""
    event = WebhookEvent.objects.get(tenant=tenant, pk=event_id)
    if endpoint_id is not None:
        endpoints = [WebhookEndpoint.objects.get(tenant=tenant, pk=endpoint_id)]
    else:
        endpoints = [e for e in selectors.endpoints_of(tenant).filter(enabled=True)
                     if _subscribed(e, event.type)]
    return _deliveries_create([event], endpoints, replay=True)


@transaction.atomic
def webhook_replay_range(*, tenant, since: datetime, until: datetime, endpoint_id: int | None = None,
                         types: list[str] | None = None) -> int:
    """The tenant's events written in [since, until), oldest first, again to the endpoints that
    take their types (or only `endpoint_id`); how many deliveries were queued."""
    endpoints = selectors.endpoints_of(tenant)
    endpoints = list(endpoints.filter(pk=endpoint_id) if endpoint_id is not None
                     else endpoints.filter(enabled=True))
    if endpoint_id is not None and not endpoints:
        raise WebhookEndpoint.DoesNotExist()
    events = selectors.events_of(tenant).filter(created_at__gte=since, created_at__lt=until)
    if types:
        events = events.filter(type__in=types)
    limit = getattr(settings, "WEBHOOK_REPLAY_MAX", 10_000)
    events = list(events.order_by("created_at", "occurred_at")[:limit])
    made = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event=event, tenant_id=tenant.pk, station_id=event.station_id,
                        replay=True, next_attempt_at=timezone.now())
        for event in events for endpoint in endpoints if _subscribed(endpoint, event.type)])
    _queue_on_commit([d.pk for d in made])
    return len(made)


@transaction.atomic
def webhook_send_test(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint only, whatever it subscribes to."""
    event = WebhookEvent.objects.create(
        tenant_id=endpoint.tenant_id, type="webhook.test", version=PAYLOAD_VERSION,
        occurred_at=timezone.now(),
        data={"endpoint": endpoint.pk, "message": "A test event: your endpoint receives webhooks."})
    return _deliveries_create([event], [endpoint], replay=True)[0]


# --- Delivering ------------------------------------------------------------------------------

def backoff_seconds(attempts: int, *, jitter: float | None = None) -> float:
    """Seconds before the next try after `attempts` failed ones: BASE * 2**(attempts - 1),
    with ±20 % jitter (so a recovering receiver is not hit by every retry at once), capped."""
    jitter = random.uniform(0.8, 1.2) if jitter is None else jitter
    exponent = min(max(attempts, 1) - 1, 64)
    return min(settings.WEBHOOK_BACKOFF_MAX, settings.WEBHOOK_BACKOFF_BASE * 2 ** exponent * jitter)


def claim_lease() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT + 60)


def delivery_claim(*, delivery_id: int) -> datetime | None:
    """Claim a due, open delivery of an enabled endpoint whose station queue has nothing open
    before it: one conditional UPDATE on the row itself (PostgreSQL re-checks its conditions
    against a concurrent claim's committed row). The claim's end, or None."""
    now = timezone.now()
    until = now + claim_lease()
    earlier_open = WebhookDelivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"), station_id=OuterRef("station_id"), id__lt=OuterRef("id"),
        state__in=OPEN)
    endpoint_on = WebhookEndpoint.objects.filter(pk=OuterRef("endpoint_id"), enabled=True)
    claimed = (WebhookDelivery.objects
               .filter(pk=delivery_id, state__in=OPEN, next_attempt_at__lte=now)
               .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
               .filter(Exists(endpoint_on), ~Exists(earlier_open))
               .update(claimed_until=until))
    return until if claimed else None


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Send the delivery once if it can be claimed; its state after, or None when it was not
    ours to send (done already, not due, claimed elsewhere, waiting behind its station's queue)."""
    claim = delivery_claim(delivery_id=delivery_id)
    if claim is None:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint", "event", "tenant").get(pk=delivery_id)
    outcome = delivery_send(delivery)
    state = delivery_record(delivery=delivery, claim=claim, outcome=outcome)
    if state in (DeliveryState.SUCCEEDED, DeliveryState.DEAD) and delivery.station_id is not None:
        _queue_on_commit(selectors.deliveries_due(endpoint_id=delivery.endpoint_id,
                                                  station_id=delivery.station_id)[:1])
    return state


@transaction.atomic
def delivery_record(*, delivery: WebhookDelivery, claim: datetime, outcome: Outcome) -> str:
    """Log the attempt, move the delivery on (succeeded, retry later, or dead), count the
    endpoint's consecutive failures (disabling it past WEBHOOK_DISABLE_AFTER)."""
    now = timezone.now()
    WebhookAttempt.objects.create(delivery=delivery, at=now, status_code=outcome.status_code,
                                  duration_ms=outcome.duration_ms, error=outcome.error[:500],
                                  response_excerpt=outcome.excerpt[:500])
    attempts = delivery.attempts + 1
    if outcome.ok:
        state, fields = DeliveryState.SUCCEEDED, {"delivered_at": now}
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        state, fields = DeliveryState.DEAD, {}
    else:
        state = DeliveryState.FAILED
        fields = {"next_attempt_at": now + timedelta(seconds=backoff_seconds(attempts))}
    WebhookDelivery.objects.filter(pk=delivery.pk, claimed_until=claim).update(
        state=state, attempts=attempts, claimed_until=None, last_status_code=outcome.status_code,
        last_error=outcome.error[:500], last_attempt_at=now, **fields)
    _endpoint_count(delivery.endpoint, ok=outcome.ok, error=outcome.error)
    return state


def _endpoint_count(endpoint: WebhookEndpoint, *, ok: bool, error: str) -> None:
    rows = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if ok:
        if rows.filter(consecutive_failures__gt=0).update(consecutive_failures=0):
            _alert_resolve(endpoint)
        return
    rows.update(consecutive_failures=F("consecutive_failures") + 1)
    failing = rows.filter(enabled=True, consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER)
    if failing.exists():
        reason = f"{settings.WEBHOOK_DISABLE_AFTER} failed attempts in a row; last: {error}"
        if _endpoint_disable(endpoint, reason):
            _alert_raise(endpoint)


def _alert_raise(endpoint: WebhookEndpoint) -> None:
    alert_raise(tenant_id=endpoint.tenant_id, kind=AlertKind.WEBHOOK_FAILING,
                key=f"webhook_endpoint:{endpoint.pk}",
                title=f"Webhook endpoint {endpoint.url} disabled",
                details={"endpoint": endpoint.pk, "url": endpoint.url,
                         "reason": endpoint.disabled_reason})


def _alert_resolve(endpoint: WebhookEndpoint) -> None:
    alert_resolve(tenant_id=endpoint.tenant_id, kind=AlertKind.WEBHOOK_FAILING,
                  key=f"webhook_endpoint:{endpoint.pk}")
