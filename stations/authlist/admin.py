from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.authlist.models import LocalList, LocalListUpdate


class LocalListUpdateInline(admin.TabularInline):
    model = LocalListUpdate
    fk_name = "local_list"
    extra = 0
    can_delete = False
    fields = ("created_at", "update_type", "list_version", "group", "status", "error", "resend_of")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LocalList)
class LocalListAdmin(TenantScopedAdmin):
    """Choose a station's group here; lists are sent through the API."""

    list_display = ("station", "tenant", "group", "version", "confirmed_at", "station_version")
    list_filter = ("tenant",)
    search_fields = ("station__identity", "group")
    fields = ("tenant", "station", "group", "version", "entries_hash", "confirmed_at",
              "station_version", "station_version_at", "snapshot")
    readonly_fields = ("tenant", "station", "version", "entries_hash", "confirmed_at",
                       "station_version", "station_version_at", "snapshot")
    inlines = [LocalListUpdateInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LocalListUpdate)
class LocalListUpdateAdmin(TenantScopedAdmin):
    list_display = ("created_at", "local_list", "update_type", "list_version", "status")
    list_filter = ("tenant", "status", "update_type")
    search_fields = ("local_list__station__identity",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
