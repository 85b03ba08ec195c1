from django.contrib import admin

from billing.models import Customer, Invoice, InvoiceLine, Seller, SessionPrice, Tariff
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


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0
    can_delete = False
    fields = ("position", "description", "quantity", "unit_price", "net", "vat_rate", "vat", "gross")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(TenantScopedAdmin):
    """Read-only: an issued invoice never changes (a correction is a credit note, through the API)."""

    list_display = ("number", "tenant", "kind", "buyer_name", "issued_at", "period_start", "period_end",
                    "gross", "currency")
    list_filter = ("tenant", "kind")
    search_fields = ("number", "buyer_name")
    inlines = [InvoiceLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Seller)
class SellerAdmin(TenantScopedAdmin):
    list_display = ("__str__", "tenant", "vat_id", "email", "invoice_prefix")
    search_fields = ("legal_name", "vat_id")
