"""The audit log in the admin: read only, for everyone (no add, change or delete; entries go
only by retention, docs/audit.md). Staff who are not superusers see the entries of the tenants
they manage."""

from django.contrib import admin

from audit.models import AuditEntry
from stations.admin import ReadOnlyTenantScopedAdmin, TenantScopedAdmin
from tenants.models import Role


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ["at", "actor", "via", "action", "object_type", "object_repr", "station_identity",
                    "result", "tenant"]
    list_filter = ["action", "via", "actor_type", "object_type", "tenant"]
    search_fields = ["actor", "object_id", "object_repr", "station_identity", "path", "=request_id"]
    date_hierarchy = "at"
    list_select_related = ["tenant"]

    def get_queryset(self, request):
        """Of the tenants where the user is a manager: the log tells of everyone's work, and the
        API and the dashboard show it to managers only (docs/audit.md)."""
        queryset = super(TenantScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(tenant__memberships__user=request.user,
                               tenant__memberships__role=Role.MANAGER)
