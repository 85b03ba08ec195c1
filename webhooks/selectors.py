"""Webhook reads, every one of a tenant's rows (docs/webhooks.md)."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from stations.models import Station
from webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

OPEN = [DeliveryState.PENDING, DeliveryState.FAILED]
SWEEP_BATCH = 500


def endpoints_of(tenant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(tenant=tenant).order_by("pk")


def events_of(tenant) -> QuerySet[WebhookEvent]:
    identity = Station.objects.filter(pk=OuterRef("station_id"), tenant=tenant).values("identity")[:1]
    return WebhookEvent.objects.filter(tenant=tenant).annotate(station_identity=Subquery(identity))


def deliveries_of(tenant) -> QuerySet[WebhookDelivery]:
    return (WebhookDelivery.objects.filter(tenant=tenant).select_related("event")
            .prefetch_related(Prefetch("attempt_log", WebhookAttempt.objects.order_by("at", "pk"))))


def deliveries_due(*, endpoint_id: int | None = None, station_id: int | None = None,
                   limit: int = SWEEP_BATCH) -> list[int]:
    """Open deliveries whose time came, unclaimed, of enabled endpoints, each the head of its
    station's queue (what a claim would take), oldest first."""
    now = timezone.now()
    earlier_open = WebhookDelivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"), station_id=OuterRef("station_id"), id__lt=OuterRef("id"),
        state__in=OPEN)
    due = (WebhookDelivery.objects.filter(state__in=OPEN, next_attempt_at__lte=now, endpoint__enabled=True)
           .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
           .filter(~Exists(earlier_open)))
    if endpoint_id is not None:
        due = due.filter(endpoint_id=endpoint_id)
    if station_id is not None:
        due = due.filter(station_id=station_id)
    return list(due.order_by("id").values_list("id", flat=True)[:limit])
