from django.contrib import admin

from billing.models import Customer, SessionPrice, Tariff
from stations.admin import TenantScopedAdmin


@admin.register(Tariff)
class TariffAdmin(TenantScopedAdmin):
    """Read-only here: tariffs are made and edited through the API, which validates their elements
    and versions a tariff in use."""

    list_display = ("name", "tenant", "version", "currency", "vat_rate", "is_default", "superseded_at")
    list_filter = ("tenant", "is_default")
    search_fields = ("name",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(TenantScopedAdmin):
    list_display = ("name", "tenant", "email", "vat_id")
    list_filter = ("tenant",)
    search_fields = ("name", "email", "vat_id")


@admin.register(SessionPrice)
class SessionPriceAdmin(TenantScopedAdmin):
    list_display = ("session", "tenant", "tariff", "free", "gross", "currency", "final", "priced_at")
    list_filter = ("tenant", "final", "free")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
