"""The audit log in the admin: read only, for everyone (no add, change or delete; entries go
only by retention, docs/audit.md). Staff who are not superusers see their tenants' entries."""

from django.contrib import admin

from audit.models import AuditEntry
from stations.admin import ReadOnlyTenantScopedAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ["at", "actor", "via", "action", "object_type", "object_repr", "station_identity",
                    "result", "tenant"]
    list_filter = ["action", "via", "actor_type", "object_type", "tenant"]
    search_fields = ["actor", "object_id", "object_repr", "station_identity", "path", "=request_id"]
    date_hierarchy = "at"
    list_select_related = ["tenant"]
