"""Webhooks in the admin: read-only (writes go through the API and the dashboard, whose
services encrypt the secret, validate the address and queue deliveries)."""

from django.contrib import admin

from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "tenant", "enabled", "consecutive_failures", "updated_at"]
    list_filter = ["enabled", "tenant"]
    exclude = ["secret_encrypted", "previous_secret_encrypted"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "tenant", "station_id", "occurred_at"]
    list_filter = ["type", "tenant"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "endpoint", "event", "state", "attempts", "next_attempt_at", "last_status_code"]
    list_filter = ["state", "tenant"]
