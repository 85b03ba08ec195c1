"""The tariff editor's forms (docs/pricing.md, "The tariff editor"): base prices, time-of-day and
weekday bands as rows, parking after a grace period, minimum and maximum price, and a scheduled
price change. They only parse what the browser sends into OCPI elements; the rules are the API's
(TariffSerializer, through cpms.dashboard.serializer_into_form).

An element becomes a band when it is one the editor can show (restrictions of time of day and
weekdays only; at most one energy, time and parking price, step 1, no VAT rate of its own); the
unrestricted element at the end holds the base prices. Any other element (kWh, power or duration
restrictions, step sizes...) is kept as it is and said so on the page."""

from decimal import Decimal

from django import forms

from billing.forms import DATETIME, MONEY
from billing.selectors import tariff_is_pending
from billing.serializers import DAYS
from cpms.dashboard import Form

BAND_PRICES = {"ENERGY": "energy_price", "TIME": "time_price", "PARKING_TIME": "parking_price"}
BASE_PRICES = BAND_PRICES | {"FLAT": "flat_fee"}
BAND_RESTRICTIONS = {"start_time", "end_time", "day_of_week"}
EMPTY_BAND_ROWS = 6  # rows a browser without JavaScript can fill in
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TariffEditorForm(Form):
    name = forms.CharField(max_length=200)
    currency = forms.CharField(max_length=3, initial="EUR", help_text="ISO 4217, e.g. EUR")
    vat_rate = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                  label="VAT rate (%)", help_text="Default: the seller's")
    is_default = forms.BooleanField(required=False, label="The tenant's default tariff")
    energy_price = forms.DecimalField(**MONEY, required=False, label="Energy (per kWh)")
    time_price = forms.DecimalField(**MONEY, required=False, label="Charging time (per hour)")
    parking_price = forms.DecimalField(**MONEY, required=False, label="Parking (per hour)",
                                       help_text="Plugged in, not charging, beyond the grace period")
    flat_fee = forms.DecimalField(**MONEY, required=False, label="Session fee (once)")
    idle_grace_minutes = forms.IntegerField(min_value=0, initial=0, label="Parking grace (minutes)")
    min_price = forms.DecimalField(**MONEY, required=False, label="Minimum price (net)")
    max_price = forms.DecimalField(**MONEY, required=False, label="Maximum price (net)")
    driver_text = forms.CharField(
        required=False, max_length=512, label="Text for drivers",
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 512}),
        help_text="Shown by OCPP 2.0.1 stations when a driver's card is accepted. "
                  "Leave blank for the generated price line.")
    driver_language = forms.CharField(required=False, max_length=8, label="Its language",
                                      help_text="RFC 5646, e.g. de")
    valid_from = forms.DateTimeField(required=False, widget=DATETIME, label="New prices from",
                                     help_text="Blank: from now. A date: sessions starting before it "
                                               "keep the current prices.")

    def __init__(self, *args, scheduling: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not scheduling:  # a new tariff applies from now
            del self.fields["valid_from"]

    def base_element(self) -> list[dict]:
        components = _components(self.cleaned_data, BASE_PRICES)
        return [{"price_components": components}] if components else []

    def api_data(self, elements: list[dict]) -> dict:
        data = self.cleaned_data
        body = {"name": data["name"], "currency": data["currency"].upper(),
                "vat_rate": str(data["vat_rate"]),
                "idle_grace_minutes": data["idle_grace_minutes"],
                "min_price": _text(data.get("min_price")), "max_price": _text(data.get("max_price")),
                "is_default": bool(data.get("is_default")), "elements": elements,
                "driver_text": data.get("driver_text", ""),
                "driver_language": data.get("driver_language", "")}
        if data.get("valid_from"):
            body["valid_from"] = data["valid_from"].isoformat()
        return body


class BandForm(Form):
    """One time-of-day and/or weekday band: its prices replace the base ones while it applies."""

    start_time = forms.TimeField(required=False, widget=TIME, label="From")
    end_time = forms.TimeField(required=False, widget=TIME, label="Until",
                               help_text="Before the start: past midnight")
    days = forms.MultipleChoiceField(required=False, choices=[(d, d[:3].title()) for d in DAYS],
                                     widget=forms.CheckboxSelectMultiple, label="Days",
                                     help_text="None ticked: every day")
    energy_price = forms.DecimalField(**MONEY, required=False, label="Energy (per kWh)")
    time_price = forms.DecimalField(**MONEY, required=False, label="Charging time (per hour)")
    parking_price = forms.DecimalField(**MONEY, required=False, label="Parking (per hour)")

    def clean(self):
        data = super().clean()
        if not any(data.get(name) not in (None, "", []) for name in self.fields):
            return data  # an empty row: ignored
        if not _components(data, BAND_PRICES):
            self.add_error("energy_price", "Give at least one price for this band.")
        if not (data.get("start_time") or data.get("end_time") or data.get("days")):
            self.add_error("start_time", "Give a time window or days (else these are the base prices).")
        if bool(data.get("start_time")) != bool(data.get("end_time")):
            self.add_error("end_time", "Give both times, or neither.")
        return data

    def element(self) -> dict | None:
        data = self.cleaned_data
        components = _components(data, BAND_PRICES)
        if not components:
            return None
        restrictions = {}
        if data.get("start_time") and data.get("end_time"):
            restrictions |= {"start_time": data["start_time"].strftime("%H:%M"),
                             "end_time": data["end_time"].strftime("%H:%M")}
        if data.get("days"):
            restrictions["day_of_week"] = [day for day in DAYS if day in data["days"]]
        return {"price_components": components, "restrictions": restrictions}


BandFormSet = forms.formset_factory(BandForm, extra=0, max_num=50, validate_max=True)


def band_formset(data=None, *, bands: list[dict]) -> forms.BaseFormSet:
    formset = BandFormSet(data, initial=bands + [{}] * EMPTY_BAND_ROWS, prefix="band")
    formset.extra = EMPTY_BAND_ROWS if data is None else 0
    return formset


def elements_of(form: TariffEditorForm, bands, kept: list[dict]) -> list[dict]:
    """The tariff's elements: bands first (the first element that applies sets a price), the
    elements kept as they were, the base prices last."""
    made = [element for element in (band.element() for band in bands if band.cleaned_data) if element]
    return made + kept + form.base_element()


def editor_parts(elements: list) -> tuple[dict, list[dict], list[dict]]:
    """A tariff's elements as the editor shows them: (base prices, bands, elements kept as they
    are)."""
    base, bands, kept = {}, [], []
    for index, element in enumerate(elements):
        restrictions = element.get("restrictions") or {}
        last = index == len(elements) - 1
        if not restrictions and last and _prices(element, BASE_PRICES) is not None:
            base = _prices(element, BASE_PRICES)
        elif restrictions and set(restrictions) <= BAND_RESTRICTIONS and _prices(element, BAND_PRICES):
            bands.append(_band(restrictions) | _prices(element, BAND_PRICES))
        else:
            kept.append(element)
    return base, bands, kept


def elements_but_base(elements: list) -> list[dict]:
    """Every element but the base prices, in their order: what a post without the band rows (a
    client of the plain form) keeps, so it changes the base prices and leaves the bands alone."""
    base, _, _ = editor_parts(elements)
    return list(elements[:-1] if base else elements)


def _band(restrictions: dict) -> dict:
    return {"start_time": restrictions.get("start_time"), "end_time": restrictions.get("end_time"),
            "days": restrictions.get("day_of_week", [])}


def _prices(element: dict, fields: dict) -> dict | None:
    """{"energy_price": Decimal, ...} if the element's components are editor prices; else None."""
    prices = {}
    for component in element.get("price_components", []):
        field = fields.get(component.get("type"))
        if field is None or field in prices or component.get("step_size", 1) != 1 or "vat_rate" in component:
            return None
        prices[field] = Decimal(str(component["price"]))
    return prices


def _components(data: dict, fields: dict) -> list[dict]:
    return [{"type": kind, "price": str(data[field]), "step_size": 1} for kind, field in fields.items()
            if data.get(field) is not None]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def tariff_editor_initial(tariff, default_vat_rate: Decimal) -> dict:
    if tariff is None:
        return {"vat_rate": default_vat_rate, "currency": "EUR", "idle_grace_minutes": 0}
    base, _, _ = editor_parts(tariff.elements)
    return {"name": tariff.name, "currency": tariff.currency, "vat_rate": tariff.vat_rate,
            "idle_grace_minutes": tariff.idle_grace_minutes, "min_price": tariff.min_price,
            "max_price": tariff.max_price, "is_default": tariff.is_default,
            "driver_text": tariff.driver_text, "driver_language": tariff.driver_language,
            "valid_from": tariff.valid_from if tariff_is_pending(tariff) else None} | base
