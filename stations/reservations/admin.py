from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.reservations.models import Reservation


@admin.register(Reservation)
class ReservationAdmin(TenantScopedAdmin):
    """Reservations are made and cancelled through the API (the station must answer)."""

    list_display = ("reservation_id", "station", "tenant", "connector_id", "id_tag", "expiry_date",
                    "status", "cancel_status", "session")
    list_filter = ("tenant", "status")
    search_fields = ("station__identity", "id_tag")
    date_hierarchy = "expiry_date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
