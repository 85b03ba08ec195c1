"""Load groups for installers and managers: the cap, the stations sharing it, its tariff (billing's,
set through billing's service as the API does), and the record of what the load manager did
(allocations and the limits sent, read-only)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from billing.models import Tariff
from billing.selectors import group_tariff_of
from billing.services import group_tariff_set
from loadmgmt.models import Allocation, LimitSent, LoadGroup, LoadGroupMember, StationControl
from loadmgmt.services import load_group_delete
from loadmgmt.tasks import request_rebalance
from stations.admin import ScopedListFilters, TenantScopedAdmin
from tenants.validators import validate_same_tenant


class MemberInline(admin.TabularInline):
    model = LoadGroupMember
    verbose_name, verbose_name_plural = "station", "stations"
    fields = ("station", "station_name", "max_current")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a station joins a group from its own page (or the API)

    @admin.display(description="name")
    def station_name(self, member: LoadGroupMember) -> str:
        return member.station.name

    @admin.display(description="max current")
    def max_current(self, member: LoadGroupMember):
        return member.station.max_current


class LoadGroupAdminForm(forms.ModelForm):
    """The group's own fields, with its tariff, which billing keeps (billing.LoadGroupTariff):
    shown here as before, set through `group_tariff_set`."""

    tariff = forms.ModelChoiceField(queryset=Tariff.objects.filter(superseded_at__isnull=True),
                                    required=False, help_text="For its stations that have none of their own")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tariff = group_tariff_of(group_id=self.instance.pk)
            self.initial.setdefault("tariff", tariff.pk if tariff else None)

    def clean(self):
        """A tariff of the group's own tenant only, for superusers too."""
        data = super().clean()
        tenant_id = data["tenant"].pk if data.get("tenant") else self.instance.tenant_id
        if "tariff" in self.fields:
            try:
                validate_same_tenant(tenant_id, {"tariff": data.get("tariff")})
            except ValidationError as refused:
                self.add_error("tariff", refused.message_dict["tariff"])
        return data


@admin.register(LoadGroup)
class LoadGroupAdmin(TenantScopedAdmin):
    form = LoadGroupAdminForm
    money_fields = ("tariff",)
    list_display = ("name", "tenant", "max_current", "phases", "min_current", "failsafe_current",
                    "base_load_source", "updated_at")
    list_filter = ("tenant",)
    search_fields = ("name",)
    readonly_fields = ("base_load_measured", "base_load_measured_at", "created_at", "updated_at")
    inlines = [MemberInline]
    actions = ["rebalance_now"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        shown = kwargs.get("fields")  # None: the admin asks which fields the form has
        if shown is not None and "tariff" not in shown:
            form.base_fields.pop("tariff", None)  # a hidden tariff (no money role) stays as it is
        return form

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "tariff" in form.changed_data:  # running sessions keep their tariff
            group_tariff_set(group=obj, tariff=form.cleaned_data["tariff"])
        if change:
            request_rebalance(group_id=obj.pk, reason="group edited")

    def delete_model(self, request, obj) -> None:
        load_group_delete(group=obj)  # its stations leave it first

    @admin.action(description="Rebalance now")
    def rebalance_now(self, request, queryset) -> None:
        for group in queryset:
            request_rebalance(group_id=group.pk, reason="on demand")


class RecordAdmin(ScopedListFilters, admin.ModelAdmin):
    """What the load manager recorded: read-only, scoped to the user's tenants."""

    tenant_path = ""  # the lookup from a row to its tenant

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.tenant_path}__memberships__user": request.user})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Allocation)
class AllocationAdmin(RecordAdmin):
    tenant_path = "group__tenant"
    list_display = ("group", "created_at", "reason", "max_current")
    list_filter = ("group",)


@admin.register(LimitSent)
class LimitSentAdmin(RecordAdmin):
    tenant_path = "station__tenant"
    list_display = ("station", "connector_id", "station_transaction_id", "purpose", "limit",
                    "status", "sent_at")
    list_filter = ("status", "purpose")
    search_fields = ("station__identity", "=station_transaction_id")


@admin.register(StationControl)
class StationControlAdmin(RecordAdmin):
    tenant_path = "station__tenant"
    list_display = ("station", "controllable", "rate_units", "reason", "checked_at")
    list_filter = ("controllable",)
