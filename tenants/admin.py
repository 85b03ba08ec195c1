from django.contrib import admin, messages

from tenants.models import ApiToken, Membership, Tenant
from tenants.secrets import api_key_hash, new_api_key


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "timezone", "max_sessions_per_id_tag", "new_stations_pending",
                    "created_at")
    search_fields = ("slug", "name")
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "tenant", "name", "role", "created_at", "last_used_at", "revoked")
    list_filter = ("role", "revoked")
    fields = ("tenant", "name", "role", "revoked", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if not change:
            key = new_api_key()
            obj.prefix, obj.key_hash = key[:8], api_key_hash(key)
            messages.warning(request, f"API key (shown once, copy it now): {key}")
        super().save_model(request, obj, form, change)
