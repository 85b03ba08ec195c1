"""Webhooks in the admin: read-only (writes go through the API and the dashboard, whose
services encrypt the secret, validate the address and queue deliveries)."""

from django.contrib import admin

from stations.admin import ReadOnlyTenantScopedAdmin
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ["url", "tenant", "enabled", "consecutive_failures", "updated_at"]
    list_filter = ["enabled", "tenant"]
    exclude = ["secret_encrypted", "previous_secret_encrypted"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ["id", "type", "tenant", "station_id", "occurred_at"]
    list_filter = ["type", "tenant"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ["id", "endpoint", "event", "state", "attempts", "next_attempt_at", "last_status_code"]
    list_filter = ["state", "tenant"]
