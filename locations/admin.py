"""Sites in the admin: the tenant's only (TenantScopedAdmin), for staff; operators use the
dashboard's Sites pages (docs/locations.md)."""

from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.models import Location


@admin.register(Location)
class LocationAdmin(TenantScopedAdmin):
    list_display = ("name", "tenant", "city", "country", "latitude", "longitude")
    list_filter = ("tenant", "country")
    search_fields = ("name", "city", "address", "postal_code")
