"""The station page's forms for a log upload and a driver's data request. Both are checked by
the API's own serializers, so the page and the API accept and refuse the same input."""

from django import forms

from stations.customerinfo.serializers import CustomerInformationCreateSerializer
from stations.firmware.serializers import LogCreateSerializer
from stations.models import IdTokenType

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CERTIFICATE_FIELDS = ("hash_algorithm", "issuer_name_hash", "issuer_key_hash", "serial_number")


def _serializer_errors(form: forms.Form, serializer) -> None:
    if not serializer.is_valid():
        for field, reasons in serializer.errors.items():
            form.add_error(field if field in form.fields else None, " ".join(_flat(reasons)))


def _flat(reasons) -> list[str]:
    """The reasons of a serializer error (nested for the certificate), as texts."""
    if isinstance(reasons, dict):
        return [f"{key}: {text}" for key, value in reasons.items() for text in _flat(value)]
    return [str(reason) for reason in reasons]


class LogRequestForm(forms.Form):
    log_type = forms.ChoiceField(choices=[("DiagnosticsLog", "Diagnostics log"),
                                          ("SecurityLog", "Security log")])
    oldest = forms.DateTimeField(label="Log from (UTC)", required=False, widget=WHEN)
    latest = forms.DateTimeField(label="Log until (UTC)", required=False, widget=WHEN)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "log-%s")  # ids of its own on a page of many forms
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        given = {key: value for key, value in data.items() if value}
        _serializer_errors(self, LogCreateSerializer(data=given))
        return data


class CustomerInformationForm(forms.Form):
    """Name the customer by one of: an identifier, an id token, a certificate's hash data."""

    report = forms.BooleanField(required=False, initial=True, label="Report the data")
    clear = forms.BooleanField(required=False, label="Delete the data")
    id_token = forms.CharField(label="Id token", max_length=36, required=False)
    id_token_type = forms.ChoiceField(label="Token type", required=False,
                                      choices=[("", "as the tenant's token"), *IdTokenType.choices])
    customer_identifier = forms.CharField(label="Or customer identifier", max_length=64, required=False)
    hash_algorithm = forms.ChoiceField(label="Or certificate: hash algorithm", required=False,
                                       choices=[("", "–"), ("SHA256", "SHA256"), ("SHA384", "SHA384"),
                                                ("SHA512", "SHA512")])
    issuer_name_hash = forms.CharField(max_length=128, required=False)
    issuer_key_hash = forms.CharField(max_length=128, required=False)
    serial_number = forms.CharField(max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "customer-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        _serializer_errors(self, CustomerInformationCreateSerializer(data=self.api_data(data)))
        return data

    @staticmethod
    def api_data(data: dict) -> dict:
        """The form's fields as the API takes them."""
        body = {key: data[key] for key in ("report", "clear") if key in data}
        body |= {key: data[key] for key in ("id_token", "id_token_type", "customer_identifier")
                 if data.get(key)}
        if any(data.get(key) for key in CERTIFICATE_FIELDS):
            body["customer_certificate"] = {key: data.get(key, "") for key in CERTIFICATE_FIELDS}
        return body
