"""Webhooks: a tenant's HTTPS endpoints that subscribe to event types (docs/webhooks.md).

An event is written once, in the transaction of the change it tells of (an outbox row); one
delivery per subscribed endpoint carries it, signed, with retries, in order per station."""

import uuid

from django.db import models
from django.db.models import Q

from tenants.models import Tenant


class WebhookEndpoint(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True,
                                   help_text="Event types it receives (empty: every type)")
    secret_encrypted = models.TextField(editable=False,
                                        help_text="The signing secret, encrypted at rest")
    secret_prefix = models.CharField(max_length=12, editable=False, blank=True)
    previous_secret_encrypted = models.TextField(
        editable=False, blank=True, help_text="After a rotation: the old secret also signs until "
                                              "previous_secret_expires_at")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One thing that happened, as sent: `id` is the event id receivers deduplicate on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="webhook_events")
    type = models.CharField(max_length=50)
    version = models.PositiveSmallIntegerField(default=1)
    station_id = models.IntegerField(null=True, blank=True,
                                     help_text="Deliveries of one station's events keep their order")
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["tenant", "-created_at"], name="webhook_event_tenant")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (retrying)"
    DEAD = "dead", "Gave up"


class WebhookDelivery(models.Model):
    """One event to one endpoint. A replay is a new delivery of the same event."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="webhook_deliveries")
    station_id = models.IntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    replay = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True,
                                         help_text="A worker holds it until then (conditional UPDATE)")
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due",
                         condition=Q(state__in=["pending", "failed"])),
            models.Index(fields=["endpoint", "station_id", "id"], name="webhook_delivery_order"),
            models.Index(fields=["tenant", "-created_at"], name="webhook_delivery_tenant"),
        ]
        ordering = ["-id"]


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
