"""The station page's forms for publishing an image on a local controller (2.0.1), checked by
the API's own serializers so the page and the API accept and refuse the same input."""

from django import forms

from stations.firmware.serializers import FirmwarePublicationCreateSerializer, UnpublishSerializer


class _SerializerChecked(forms.Form):
    serializer_class: type = FirmwarePublicationCreateSerializer

    def clean(self) -> dict:
        data = {k: v for k, v in super().clean().items() if v not in (None, "")}
        checked = self.serializer_class(data=data)
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
