"""The Security extension in the admin, each tenant's staff seeing their own tenants only.
Records here are written by the backend (station messages, API commands): read-only, except
that a certificate record may be deleted. The CA's private key is never shown."""

from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.security import services
from stations.security.models import (
    CertificateAuthority,
    ContractCertificate,
    InstalledCertificate,
    IssuedCertificate,
    PkiRequest,
    SecurityCommand,
    SecurityEvent,
    UploadedCertificateAuthority,
)


class ReadOnlyAdmin(TenantScopedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "station", "type", "critical", "tech_info", "tenant")
    list_filter = ("critical", "type", "tenant")
    search_fields = ("station__identity", "type", "tech_info")
    date_hierarchy = "received_at"
    list_select_related = ("station", "tenant")


@admin.register(SecurityCommand)
class SecurityCommandAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "station", "action", "detail", "status", "tenant")
    list_filter = ("action", "status", "tenant")
    search_fields = ("station__identity", "detail")
    list_select_related = ("station", "tenant")


@admin.register(IssuedCertificate)
class IssuedCertificateAdmin(ReadOnlyAdmin):
    list_display = ("station", "serial_number", "not_before", "not_after", "delivery_status",
                    "created_at", "tenant")
    list_filter = ("delivery_status", "tenant")
    search_fields = ("station__identity", "serial_number")
    list_select_related = ("station", "tenant")


@admin.register(InstalledCertificate)
class InstalledCertificateAdmin(ReadOnlyAdmin):
    list_display = ("station", "certificate_type", "serial_number", "install_status", "installed",
                    "delete_status", "updated_at", "tenant")
    list_filter = ("certificate_type", "installed", "tenant")
    search_fields = ("station__identity", "serial_number")
    list_select_related = ("station", "tenant")


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "created_at")
    exclude = ("private_key_pem",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # every certificate it issued would stop working


@admin.register(UploadedCertificateAuthority)
class UploadedCertificateAuthorityAdmin(ReadOnlyAdmin):
    """Uploaded through the API or the dashboard (which check them); deletable here too."""

    list_display = ("subject", "name", "fingerprint_sha256", "not_after", "created_at", "tenant")
    list_filter = ("tenant",)
    search_fields = ("subject", "name", "fingerprint_sha256")
    list_select_related = ("tenant",)

    def delete_model(self, request, obj) -> None:
        services.uploaded_ca_delete(authority=obj)  # and the links it opened close

    def delete_queryset(self, request, queryset) -> None:
        for authority in queryset:
            services.uploaded_ca_delete(authority=authority)


@admin.register(PkiRequest)
class PkiRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "station", "action", "backend", "detail", "status", "tenant")
    list_filter = ("action", "status", "backend", "tenant")
    search_fields = ("station__identity", "detail")
    list_select_related = ("station", "tenant")


@admin.register(ContractCertificate)
class ContractCertificateAdmin(ReadOnlyAdmin):
    """The built-in test PKI's contracts (docs/pki.md): issued and revoked through the API."""

    list_display = ("emaid", "serial_number", "state", "not_after", "created_at", "tenant")
    list_filter = ("state", "tenant")
    search_fields = ("emaid", "serial_number")
