"""Installers onboard stations here: a new station gets a generated password, shown once,
with the OCPP URL to configure in the charger. Staff who are not superusers see only the
tenants they are members of."""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from billing.models import Tariff
from loadmgmt.models import LoadGroup
from stations.authlist.resync import local_lists_resync
from stations.models import ChargingSession, Connector, IdTag, ModelQuirks, Station
from stations.selectors import station_ocpp_url
from stations.serializers import id_tag_exists_error
from stations.services.admission import initial_admission
from stations.services.stations import station_set_password
from stations.tariff_and_group import (
    TARIFF_AND_GROUP,
    station_tariff_and_group_of,
    station_tariff_and_group_set,
)
from tenants.models import Tenant
from tenants.permissions import user_handles_money
from tenants.secrets import hash_password, new_station_password
from tenants.validators import validate_same_tenant


class ScopedListFilters:
    """A ModelAdmin mixin: a list filter on a relation (the tenant, a load group...) offers only
    what the rows this user may see point at, never every tenant's."""

    def get_list_filter(self, request):
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.many_to_one}
        return [(item, admin.RelatedOnlyFieldListFilter) if isinstance(item, str) and item in relations
                else item for item in super().get_list_filter(request)]


class TenantScopedAdmin(ScopedListFilters, admin.ModelAdmin):
    """Rows of the user's tenants only (superusers: all); money fields for money roles only. A
    form's choices for another tenant-owned object (customer, tariff, load group, station...) are
    those of the object's tenant, or of the user's tenants while adding; the models' clean()
    refuses a cross-tenant reference anyway, for superusers too."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(tenant__memberships__user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tenant" and not request.user.is_superuser:
            kwargs["queryset"] = Tenant.objects.filter(memberships__user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        """Without the model's money fields (a tariff, an id tag's customer and free charging) for
        a user without a money role in the tenant, as in the API and the dashboard."""
        fields = super().get_fields(request, obj)
        if user_handles_money(request.user, getattr(obj, "tenant_id", None)):
            return fields
        hidden = getattr(self, "money_fields", None) or getattr(self.model, "money_fields", ())
        return type(fields)(f for f in fields if f not in hidden)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name, field in list(form.base_fields.items()):
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model is not Tenant and _tenant_owned(queryset.model):
                # a copy: a form's declared fields are shared by every form class made from it
                form.base_fields[name] = field = copy.deepcopy(field)
                field.queryset = _of_tenant(queryset, request, obj)
        return form


class ReadOnlyTenantScopedAdmin(TenantScopedAdmin):
    """What the backend writes (alerts, webhook deliveries, the audit log): staff look, of their
    tenants only, and change nothing."""

    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _tenant_owned(model) -> bool:
    return any(f.name == "tenant" and f.many_to_one for f in model._meta.get_fields())


def _of_tenant(queryset, request, obj):
    if obj is not None and getattr(obj, "tenant_id", None) is not None:
        return queryset.filter(tenant_id=obj.tenant_id)
    if request.user.is_superuser:
        return queryset
    return queryset.filter(tenant__memberships__user=request.user)


class ConnectorInline(admin.TabularInline):
    model = Connector
    extra = 0
    can_delete = False
    readonly_fields = ("connector_id", "evse_id", "evse_connector_id", "status", "error_code",
                       "info", "vendor_error_code", "updated_at")
    exclude = ("vendor_id",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _show_password(request, station: Station, password: str) -> None:
    messages.warning(request, format_html(
        "Station <b>{}</b>: OCPP URL <code>{}</code>, user <code>{}</code>, password "
        "<code>{}</code>. The password is shown this once; copy it into the charger now.",
        station.identity, station_ocpp_url(station=station, request=request), station.identity,
        password,
    ))


def _with_ocpp_url_of(request, fields: tuple) -> tuple:
    """`fields` with the OCPP URL as this request reached the server: a display method gets the
    station alone, so the field is a function of the request (the same one for the form's
    fields and its read-only fields)."""
    if not hasattr(request, "station_ocpp_url"):
        @admin.display(description="OCPP URL")
        def ocpp_url(obj: Station) -> str:
            return station_ocpp_url(station=obj, request=request) if obj.pk else "(shown after saving)"
        request.station_ocpp_url = ocpp_url
    return tuple(request.station_ocpp_url if f == "ocpp_url" else f for f in fields)


class StationAdminForm(forms.ModelForm):
    """The station's own fields, with its load group and tariff, which load management and
    billing keep (stations/tariff_and_group.py): shown here as before, set through their services."""

    load_group = forms.ModelChoiceField(queryset=LoadGroup.objects.all(), required=False)
    tariff = forms.ModelChoiceField(queryset=Tariff.objects.filter(superseded_at__isnull=True),
                                    required=False,
                                    help_text="Blank: the load group's, else the tenant's default")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            current = station_tariff_and_group_of(self.instance)
            for name in TARIFF_AND_GROUP:
                self.initial.setdefault(name, current[name].pk if current[name] else None)

    def clean(self):
        """A group or tariff of the station's own tenant only, for superusers too."""
        data = super().clean()
        tenant_id = data["tenant"].pk if data.get("tenant") else self.instance.tenant_id
        try:
            validate_same_tenant(tenant_id, {name: data.get(name) for name in TARIFF_AND_GROUP
                                             if name in self.fields})
        except ValidationError as refused:
            for name, errors in refused.message_dict.items():
                self.add_error(name, errors)
        return data


@admin.register(Station)
class StationAdmin(TenantScopedAdmin):
    form = StationAdminForm
    money_fields = ("tariff",)
    list_display = ("identity", "tenant", "name", "enabled", "is_connected", "vendor", "model",
                    "last_seen")
    list_filter = ("tenant", "enabled", "admission", "ocpp_version", "vendor")
    search_fields = ("identity", "name", "serial_number")
    # Admission is the operator's, through the API or the station page, which also tell the live
    # link and trigger a boot (docs/ocpp201.md): shown here, not set.
    readonly_fields = ("ocpp_url", "vendor", "model", "serial_number", "firmware_version",
                       "last_boot_at", "last_seen", "is_connected", "admission", "ocpp_version",
                       "boot_reason")
    fields = ("tenant", "identity", "name", "enabled", "security_profile", "timezone", "ocpp_url",
              "is_connected", "admission", "max_current", "load_group", "tariff", "file_transfer",
              "vendor", "model", "serial_number", "firmware_version", "ocpp_version", "last_boot_at",
              "boot_reason", "last_seen")
    inlines = [ConnectorInline]
    actions = ["new_password"]
    # The installer's word on the OCPP Security profile the station uses, either way (the API
    # only raises it); a new station starts at 1.
    radio_fields = {"security_profile": admin.HORIZONTAL}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        fields = fields if obj else tuple(f for f in fields if f != "security_profile")
        return _with_ocpp_url_of(request, fields)

    def get_readonly_fields(self, request, obj=None):
        # An identity is what the charger is configured with: it does not change (as in the API).
        return _with_ocpp_url_of(request, self.readonly_fields) + (
            ("tenant", "identity") if obj else ())

    @admin.display(boolean=True, description="connected")
    def is_connected(self, obj: Station) -> bool:
        return obj.connected

    @admin.display(description="OCPP URL")
    def ocpp_url(self, obj: Station) -> str:  # the field's name; pages show _with_ocpp_url_of's
        return station_ocpp_url(station=obj) if obj.pk else "(shown after saving)"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        for name in TARIFF_AND_GROUP:  # a hidden tariff (no money role) stays as it is
            if name not in shown:
                form.base_fields.pop(name, None)
        return form

    def save_model(self, request, obj: Station, form, change) -> None:
        password = None
        if not change:
            password = new_station_password()
            obj.password_hash = hash_password(password)
            obj.admission = initial_admission(obj.tenant)  # the tenant may hold new stations
        super().save_model(request, obj, form, change)
        changed = {name: form.cleaned_data[name] for name in TARIFF_AND_GROUP if name in form.changed_data}
        station_tariff_and_group_set(station=obj, **changed)  # running sessions keep their tariff
        if password:
            _show_password(request, obj, password)

    @admin.action(description="Generate a new password (the old one stops working)")
    def new_password(self, request, queryset) -> None:
        for station in queryset:
            _show_password(request, station, station_set_password(station=station))


class IdTagAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "token_type" in self.fields:  # a form posted without it keeps the tag's (new: ISO14443)
            self.fields["token_type"].required = False

    def clean_token_type(self) -> str:
        return self.cleaned_data.get("token_type") or self.instance.token_type

    def clean(self):
        """One card in any case (OCPP's IdToken is case-insensitive): a clear error, not the
        database constraint's."""
        data = super().clean()
        if data.get("tenant") and data.get("id_tag"):
            same = (IdTag.objects.filter(tenant=data["tenant"]).spelt(data["id_tag"])
                    .exclude(pk=self.instance.pk).first())
            if same is not None:
                self.add_error("id_tag", id_tag_exists_error(same))
        return data


@admin.register(IdTag)
class IdTagAdmin(TenantScopedAdmin):
    form = IdTagAdminForm
    list_display = ("id_tag", "tenant", "name", "token_type", "status", "expiry_date",
                    "parent_id_tag", "max_sessions")
    list_filter = ("tenant", "status", "token_type")
    search_fields = ("id_tag", "name")

    # Stations' local lists follow their tenant's id tags.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        local_lists_resync(tenant_id=obj.tenant_id)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        local_lists_resync(tenant_id=obj.tenant_id)

    def delete_queryset(self, request, queryset) -> None:
        tenant_ids = set(queryset.values_list("tenant_id", flat=True))
        super().delete_queryset(request, queryset)
        for tenant_id in tenant_ids:
            local_lists_resync(tenant_id=tenant_id)


@admin.register(ChargingSession)
class ChargingSessionAdmin(TenantScopedAdmin):
    list_display = ("transaction_id", "station", "connector_id", "id_tag", "started_at",
                    "stopped_at", "energy_wh")
    list_filter = ("tenant",)
    search_fields = ("id_tag", "station__identity")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModelQuirks)
class ModelQuirksAdmin(admin.ModelAdmin):
    """Station models' known deviations: platform-wide, so for superusers only."""

    list_display = ["vendor", "model_prefix", "id_tag_suffix_separator",
                    "tx_profile_after_start_only", "max_profile_on_connector_zero_only", "file_transfer"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission
