"""Forms of the money pages. They parse what the browser sends; the rules are the API's: each
form's data goes through the API's serializer (see cpms/dashboard.py serializer_into_form)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cpms.dashboard import Form
from cpms.pickers import PickerInput
from cpms.widgets import FastSelect
from stations.models import IdTagStatus, IdTokenType

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 12, "decimal_places": 4, "min_value": Decimal(0)}


class SessionFilterForm(Form):
    """The sessions list's (and its CSV's) filters. The station is typed or picked
    (cpms/pickers.py: a fleet has thousands, never one <select>) and must be one of `stations`,
    the tenant's (removed ones too: their sessions stay listed); it cleans to the identity as
    stored. The id tag stays free text: a session may carry a tag the tenant never registered."""

    since = forms.DateField(required=False, widget=DATE, label="Started from")
    until = forms.DateField(required=False, widget=DATE, label="Started until")
    station = forms.CharField(required=False, max_length=64, widget=PickerInput("stations"),
                              help_text="Type to search; blank: any station.")
    id_tag = forms.CharField(required=False, max_length=36, label="Id tag")
    customer = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any customer",
                                      widget=FastSelect)  # hundreds of customers (cpms/widgets.py)

    def __init__(self, *args, stations, customers=None, pick_id_tags: bool = False, **kwargs):
        """`stations`: the tenant's stations (a queryset), the only identities accepted;
        `pick_id_tags`: offer the tenant's id tags as one types (the picker is for station roles)."""
        super().__init__(*args, **kwargs)
        self.stations = stations
        if pick_id_tags:
            self.fields["id_tag"].widget = PickerInput("id-tags")
        if customers is None:
            del self.fields["customer"]
        else:
            self.fields["customer"].queryset = customers

    def clean_station(self) -> str:
        typed = self.cleaned_data["station"].strip()
        if not typed:
            return ""
        station = (self.stations.filter(identity=typed).first()
                   or self.stations.filter(identity__iexact=typed).first())
        if station is None:
            raise ValidationError("No station %(identity)s in this tenant.", params={"identity": typed})
        return station.identity

    def clean_id_tag(self) -> str:
        return self.cleaned_data["id_tag"].strip()

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "Must not be before the first day.")
        return data


class IdTagForm(Form):
    id_tag = forms.CharField(max_length=36, label="Id tag",
                             help_text="As the card or app sends it (at most 36 characters; a 1.6 "
                                       "station sends at most 20)")
    name = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=IdTagStatus.choices, initial=IdTagStatus.ACCEPTED)
    token_type = forms.ChoiceField(choices=IdTokenType.choices, initial=IdTokenType.ISO14443,
                                   required=False, label="Token type",
                                   help_text="An RFID card: ISO14443 (blank: unchanged, new: ISO14443)")
    expiry_date = forms.DateTimeField(required=False, widget=DATETIME, label="Expires",
                                      help_text="Blank: never")
    parent_id_tag = forms.CharField(max_length=36, required=False, label="Parent (group) id tag")
    priority = forms.IntegerField(initial=0, min_value=-32768, max_value=32767,
                                  help_text="Load management: higher is served first")
    customer = forms.ModelChoiceField(queryset=None, required=False, empty_label="No customer",
                                      widget=FastSelect)  # hundreds of customers (cpms/widgets.py)
    internal = forms.BooleanField(required=False, label="Internal (charges for free, still metered)")
    max_sessions = forms.IntegerField(
        required=False, min_value=0, max_value=32767, label="Sessions at once",
        help_text="0: unlimited; blank: the tenant's default")
    language = forms.CharField(max_length=8, required=False,
                               help_text="The driver's language (e.g. de, nl), shown by 2.0.1 stations")
    personal_message = forms.CharField(max_length=512, required=False, label="Personal message",
                                       help_text="Shown to the driver by 2.0.1 stations at authorization")

    def __init__(self, *args, customers, editing: bool = False, money: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        if not money:  # the API's MoneyFields: an installer neither sees nor sets them
            del self.fields["customer"], self.fields["internal"]
        if editing:
            self.fields["id_tag"].disabled = True
            self.fields["id_tag"].help_text = "An id tag cannot be renamed; create a new one."

    def api_data(self) -> dict:
        data = self.cleaned_data
        expiry = data.get("expiry_date")
        token_type = {"token_type": data["token_type"]} if data.get("token_type") else {}
        money = {"customer": data["customer"].pk if data.get("customer") else None,
                 "internal": bool(data.get("internal"))} if "customer" in self.fields else {}
        return {"id_tag": data["id_tag"], "name": data.get("name", ""), "status": data["status"],
                "expiry_date": expiry.isoformat() if expiry else None,
                "parent_id_tag": data.get("parent_id_tag", ""), "priority": data["priority"],
                "max_sessions": data.get("max_sessions"),
                "language": data.get("language", ""), "personal_message": data.get("personal_message", ""),
                **token_type, **money}


class IdTagFilterForm(Form):
    """The id tags page's status filter (the search box and sorting are cpms.listing's)."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *IdTagStatus.choices])


class IdTagImportForm(Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8; the first line is the header "
                           "(docs/dashboard.md, Id tags as CSV)")
    update_existing = forms.BooleanField(
        required=False, label="Update existing id tags",
        help_text="Unticked, a row naming an id tag that exists (in any case) is an error")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("At most 5 MB (about 10,000 rows); split the file.")
        return upload


class CustomerForm(Form):
    name = forms.CharField(max_length=200)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Postal address, as printed on invoices")
    email = forms.EmailField(required=False)
    vat_id = forms.CharField(max_length=30, required=False, label="VAT id",
                             help_text="Needed where reverse charge applies")

    def api_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ("name", "address", "email", "vat_id")}


SIMPLE_TYPES = {"ENERGY": "energy_price", "PARKING_TIME": "parking_price", "TIME": "time_price",
                "FLAT": "flat_fee"}


def simple_prices(elements: list) -> dict | None:
    """{"energy_price": ..., ...} if the tariff is one unrestricted element with at most one
    component of each type, step 1 and no VAT rate of its own; else None."""
    if len(elements) != 1 or elements[0].get("restrictions"):
        return None
    prices = {}
    for component in elements[0].get("price_components", []):
        field = SIMPLE_TYPES.get(component.get("type"))
        if field is None or field in prices or component.get("step_size", 1) != 1 or "vat_rate" in component:
            return None
        prices[field] = Decimal(component["price"])
    return prices


class TariffPreviewForm(Form):
    tariff = forms.ModelChoiceField(queryset=None, empty_label=None)
    start = forms.DateTimeField(widget=DATETIME, label="Starts at")
    minutes = forms.IntegerField(min_value=1, max_value=7 * 24 * 60, initial=60, label="Charging (minutes)")
    kwh = forms.DecimalField(min_value=0, max_digits=9, decimal_places=3, initial=10, label="Energy (kWh)")
    parking_minutes = forms.IntegerField(min_value=0, max_value=7 * 24 * 60, initial=0,
                                         label="Parked after charging (minutes)")

    def __init__(self, *args, tariffs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff"].queryset = tariffs
        evening = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
        self.fields["start"].initial = evening


class PeriodForm(Form):
    period_start = forms.DateField(widget=DATE, label="First day")
    period_end = forms.DateField(widget=DATE, label="Last day (included)")


class ExportForm(Form):
    since = forms.DateField(required=False, widget=DATE, label="Stopped from")
    until = forms.DateField(required=False, widget=DATE, label="Stopped before")
    station = forms.ChoiceField(required=False)

    def __init__(self, *args, stations: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", "All stations")] + [(s, s) for s in stations]

