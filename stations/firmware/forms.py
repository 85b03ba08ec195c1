"""The station page's forms for a firmware update (either version) and for publishing an image on
a local controller (2.0.1), checked by the API's own serializers so the page and the API accept
and refuse the same input."""

from types import SimpleNamespace

from django import forms

from stations.firmware.models import FirmwareFile
from stations.firmware.serializers import (
    FirmwareJobCreateSerializer,
    FirmwarePublicationCreateSerializer,
    UnpublishSerializer,
)
from tenants.models import Tenant

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _SerializerChecked(forms.Form):
    serializer_class: type = FirmwarePublicationCreateSerializer

    def serializer_context(self) -> dict:
        return {}

    def clean(self) -> dict:
        data = {k: v for k, v in super().clean().items() if v not in (None, "")}
        checked = self.serializer_class(data=data, context=self.serializer_context())
        if not checked.is_valid():
            for field, reasons in checked.errors.items():
                self.add_error(field if field in self.fields else None, " ".join(map(str, reasons)))
            return data
        return dict(checked.validated_data)


class PublishForm(_SerializerChecked):
    location = forms.CharField(max_length=512, help_text="Where the controller fetches the image")
    checksum = forms.CharField(label="MD5 checksum", max_length=32, help_text="32 hex digits")
    retries = forms.IntegerField(min_value=0, max_value=1000, required=False)
    retry_interval = forms.IntegerField(label="Retry interval (s)", min_value=0, max_value=86400,
                                        required=False)


class UnpublishForm(_SerializerChecked):
    serializer_class = UnpublishSerializer
    checksum = forms.CharField(label="MD5 checksum", max_length=32)


class FirmwareUpdateForm(_SerializerChecked):
    """UpdateFirmware (SignedUpdateFirmware on 1.6 when signed) of one of the tenant's images."""

    serializer_class = FirmwareJobCreateSerializer
    firmware = forms.ModelChoiceField(queryset=FirmwareFile.objects.none(), label="Image")
    retrieve_date = forms.DateTimeField(label="Fetch from (UTC)", required=False, widget=WHEN)
    install_date = forms.DateTimeField(label="Install from (UTC)", required=False, widget=WHEN,
                                       help_text="Signed and 2.0.1 updates")
    retries = forms.IntegerField(min_value=0, max_value=1000, required=False)
    retry_interval = forms.IntegerField(label="Retry interval (s)", min_value=0, max_value=86400,
                                        required=False)
    signed = forms.BooleanField(required=False, help_text="A signed image goes signed anyway")

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["firmware"].queryset = FirmwareFile.objects.filter(tenant=tenant)

    def serializer_context(self) -> dict:
        return {"request": SimpleNamespace(tenant=self.tenant)}

    def clean(self) -> dict:
        if isinstance(self.cleaned_data.get("firmware"), FirmwareFile):
            self.cleaned_data["firmware"] = self.cleaned_data["firmware"].pk  # the API takes its id
        return super().clean()
