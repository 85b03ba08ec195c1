"""Charging profiles and clearings as history: read-only, each staff member sees their tenants'."""

from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.smartcharging.models import (
    ChargingNeeds,
    ChargingProfile,
    EVChargingSchedule,
    ExternalChargingLimit,
    ProfileClearing,
    ProfileReport,
    SchedulePeriod,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SchedulePeriodInline(ReadOnly, admin.TabularInline):
    model = SchedulePeriod
    extra = 0
    can_delete = False


@admin.register(ChargingProfile)
class ChargingProfileAdmin(ReadOnly, TenantScopedAdmin):
    list_display = ("charging_profile_id", "station", "connector_id", "purpose", "stack_level",
                    "status", "failure", "waiting_for", "installed", "ended", "sent_at")
    list_filter = ("tenant", "purpose", "installed", "status")
    search_fields = ("station__identity", "=charging_profile_id", "=transaction_id",
                     "=station_transaction_id")
    list_select_related = ("station",)
    inlines = [SchedulePeriodInline]


@admin.register(ProfileClearing)
class ProfileClearingAdmin(ReadOnly, TenantScopedAdmin):
    list_display = ("station", "charging_profile_id", "connector_id", "purpose", "stack_level",
                    "status", "failure", "sent_at")
    list_filter = ("tenant", "status")
    search_fields = ("station__identity",)
    list_select_related = ("station",)


@admin.register(ProfileReport)
class ProfileReportAdmin(ReadOnly, TenantScopedAdmin):
    """GetChargingProfiles asked of 2.0.1 stations and the profiles they reported."""

    list_display = ("station", "request_id", "evse_id", "status", "failure", "parts",
                    "requested_at", "completed_at")
    list_filter = ("tenant", "status")
    search_fields = ("station__identity",)
    list_select_related = ("station",)


@admin.register(ExternalChargingLimit)
class ExternalChargingLimitAdmin(ReadOnly, TenantScopedAdmin):
    """Limits external systems set on 2.0.1 stations (NotifyChargingLimit), as the stations told."""

    list_display = ("station", "evse_id", "source", "grid_critical", "received_at", "ended",
                    "ended_at")
    list_filter = ("tenant", "source", "ended")
    search_fields = ("station__identity",)
    list_select_related = ("station",)


@admin.register(ChargingNeeds)
class ChargingNeedsAdmin(ReadOnly, TenantScopedAdmin):
    """What ISO 15118 cars asked through 2.0.1 stations (NotifyEVChargingNeeds)."""

    list_display = ("station", "evse_id", "session", "departure_time", "energy_amount_wh",
                    "ev_max_current", "status", "received_at")
    list_filter = ("tenant", "status", "requested_energy_transfer")
    search_fields = ("station__identity",)
    list_select_related = ("station",)


@admin.register(EVChargingSchedule)
class EVChargingScheduleAdmin(ReadOnly, TenantScopedAdmin):
    """The schedules ISO 15118 cars proposed (NotifyEVChargingSchedule) and our answers."""

    list_display = ("station", "evse_id", "session", "status", "reason", "received_at")
    list_filter = ("tenant", "status")
    search_fields = ("station__identity",)
    list_select_related = ("station",)
