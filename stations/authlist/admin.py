from django import forms
from django.contrib import admin

from stations.admin import TenantScopedAdmin
from stations.authlist.models import LocalList, LocalListUpdate
from stations.authlist.resync import local_lists_resync
from stations.models import IdTag


class LocalListForm(forms.ModelForm):
    class Meta:
        model = LocalList
        fields = ["group"]

    def clean_group(self) -> str:
        group = self.cleaned_data["group"]
        if not group:
            return group
        tag = IdTag.objects.filter(tenant_id=self.instance.tenant_id).spelt(group).first()
        if tag is None:
            raise forms.ValidationError("No id tag of this station's tenant has this id.")
        return tag.id_tag


class LocalListUpdateInline(admin.TabularInline):
    model = LocalListUpdate
    fk_name = "local_list"
    extra = 0
    can_delete = False
    fields = ("created_at", "update_type", "list_version", "group", "status", "error", "resend_of")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LocalList)
class LocalListAdmin(TenantScopedAdmin):
    """Choose a station's group here: the station gets its members as a differential update."""

    form = LocalListForm

    list_display = ("station", "tenant", "group", "version", "confirmed_at", "station_version")
    list_filter = ("tenant",)
    search_fields = ("station__identity", "group")
    fields = ("tenant", "station", "group", "version", "entries_hash", "confirmed_at",
              "station_version", "station_version_at", "snapshot")
    readonly_fields = ("tenant", "station", "version", "entries_hash", "confirmed_at",
                       "station_version", "station_version_at", "snapshot")
    inlines = [LocalListUpdateInline]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "group" in form.changed_data:
            local_lists_resync(tenant_id=obj.tenant_id)


@admin.register(LocalListUpdate)
class LocalListUpdateAdmin(TenantScopedAdmin):
    list_display = ("created_at", "local_list", "update_type", "list_version", "status")
    list_filter = ("tenant", "status", "update_type")
    search_fields = ("local_list__station__identity",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
