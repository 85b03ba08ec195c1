"""Alerts in the admin, for staff looking into an incident: read-only. Alerts are opened and
resolved by their conditions, acknowledged and muted from the dashboard and the API, and rules
changed there too (alerts/services.py validates them; docs/alerts.md)."""

from django.contrib import admin

from alerts.models import Alert, AlertNotification, AlertRule, StationMute
from stations.admin import ReadOnlyTenantScopedAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("opened_at", "tenant", "kind", "severity", "station", "title", "state",
                    "occurrences", "acknowledged_by", "muted")
    list_filter = ("tenant", "state", "kind", "severity")
    search_fields = ("title", "key", "station__identity")
    date_hierarchy = "opened_at"


@admin.register(AlertRule)
class AlertRuleAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("tenant", "kind", "enabled", "threshold", "severity", "email", "notify_roles")
    list_filter = ("tenant", "kind")


@admin.register(StationMute)
class StationMuteAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("station", "tenant", "until", "reason", "created_by", "created_at")
    list_filter = ("tenant",)


@admin.register(AlertNotification)
class AlertNotificationAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("sent_at", "tenant", "subject", "recipients", "summarized", "error")
    list_filter = ("tenant", "summarized")
