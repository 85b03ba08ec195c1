from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.firmware.models import FirmwareFile, FirmwareJob, FirmwarePublication, Rollout, UploadRequest
from stations.firmware.services.firmware import firmware_digest


@admin.register(FirmwareFile)
class FirmwareFileAdmin(TenantScopedAdmin):
    list_display = ("name", "version", "tenant", "size", "created_at")
    list_filter = ("tenant",)
    search_fields = ("name", "version")
    readonly_fields = ("size", "sha256", "created_at")

    def save_model(self, request, obj: FirmwareFile, form, change) -> None:
        if "file" in form.changed_data:  # as the API would: size and hash of the image stored
            obj.sha256, obj.size = firmware_digest(obj.file)
        super().save_model(request, obj, form, change)


class ReadOnlyTenantScopedAdmin(TenantScopedAdmin):
    """Jobs and requests are made through the API (which sends them); here they are looked at."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FirmwareJob)
class FirmwareJobAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("id", "station", "firmware", "state", "status", "failure_reason", "sent_at",
                    "finished_at")
    list_filter = ("tenant", "state", "failure", "status")
    search_fields = ("station__identity",)
    exclude = ("token_hash",)


@admin.register(Rollout)
class RolloutAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("id", "firmware", "tenant", "signed", "created_at")
    list_filter = ("tenant",)


@admin.register(UploadRequest)
class UploadRequestAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("id", "station", "kind", "log_type", "state", "status", "failure_reason", "file_name",
                    "received_at")
    list_filter = ("tenant", "kind", "state", "failure")
    search_fields = ("station__identity", "file_name")
    exclude = ("token_hash",)


@admin.register(FirmwarePublication)
class FirmwarePublicationAdmin(ReadOnlyTenantScopedAdmin):
    list_display = ("id", "station", "checksum", "state", "status", "unpublish_status", "sent_at",
                    "finished_at")
    list_filter = ("tenant", "state", "status")
    search_fields = ("station__identity", "checksum")
