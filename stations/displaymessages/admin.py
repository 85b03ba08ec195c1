from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.displaymessages.models import DisplayMessage, DisplayMessageReport


@admin.register(DisplayMessage)
class DisplayMessageAdmin(TenantScopedAdmin):
    """Messages are set and cleared through the API or the station page (the station answers)."""

    list_display = ("message_id", "station", "tenant", "priority", "state", "content", "status",
                    "answer", "origin", "created_at")
    list_filter = ("tenant", "status", "priority")
    search_fields = ("station__identity", "content")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DisplayMessageReport)
class DisplayMessageReportAdmin(TenantScopedAdmin):
    list_display = ("request_id", "station", "tenant", "status", "parts", "requested_at",
                    "completed_at")
    list_filter = ("tenant", "status")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
