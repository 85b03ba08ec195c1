"""Serializer fields and checks for references between one tenant's objects."""

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from tenants.validators import validate_same_tenant


class TenantObjectField(serializers.PrimaryKeyRelatedField):
    """An object of the request's tenant, by id. The lookup is in that tenant's objects only, so
    another tenant's id gets the very words a missing id gets and tells nothing about it."""

    def __init__(self, model: str, *, missing: str, filters: dict | None = None, **kwargs):
        self.model_label, self.filters = model, filters or {}
        kwargs["error_messages"] = {"does_not_exist": missing} | kwargs.get("error_messages", {})
        super().__init__(**kwargs)

    def get_queryset(self):
        model = apps.get_model(self.model_label)
        return model.objects.filter(tenant=self.context["request"].tenant, **self.filters)


class SameTenantSerializer:
    """A ModelSerializer mixin: before anything is saved, the model's own rule
    (`SameTenantReferences`) checks that its references stay inside the tenant it is saved in."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        tenant_id = (self.instance.tenant_id if self.instance is not None
                     else self.context["request"].tenant.pk)
        try:
            validate_same_tenant(tenant_id, {name: attrs[name] for name in self.Meta.model.tenant_references
                                             if name in attrs})
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.message_dict) from None
        return attrs
