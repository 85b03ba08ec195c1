"""The sites' forms (docs/locations.md): the site with its opening hours as 24/7 or per weekday
periods (no JSON), and the station picker that places stations at it."""

from django import forms
from django.core.exceptions import ValidationError

from cpms.dashboard import Form
from cpms.pickers import PickerInput, identities_in, stations_named
from cpms.widgets import FastSelect
from locations.hours import WEEKDAYS, hours_from, periods_of, text_by_weekday
from stations.forms import timezone_choices
from stations.models import Location


class LocationForm(Form):
    name = forms.CharField(max_length=255)
    address = forms.CharField(max_length=45, required=False, help_text="Street and number")
    postal_code = forms.CharField(max_length=10, required=False)
    city = forms.CharField(max_length=45, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="ISO 3166-1 alpha-2, e.g. DE")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  required=False, help_text="-90 to 90, e.g. 52.520008")
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                   required=False, help_text="-180 to 180, e.g. 13.404954")
    timezone = forms.ChoiceField(required=False, label="Time zone", widget=FastSelect)
    twentyfourseven = forms.BooleanField(required=False, label="Open 24/7",
                                         help_text="Else the hours per weekday below.")

    def __init__(self, *args, tenant, location: Location | None = None, **kwargs):
        if location is not None:
            kwargs.setdefault("initial", self._initial(location))
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices(f"The tenant's ({tenant.timezone})")
        for number, day in enumerate(WEEKDAYS, start=1):
            self.fields[f"day_{number}"] = forms.CharField(
                label=day, required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "08:00-20:00", "data-weekday": number}),
                help_text="Blank: closed. Several periods: 08:00-12:00, 13:00-18:00" if number == 1 else "")

    @staticmethod
    def _initial(location: Location) -> dict:
        hours = location.opening_hours or {}
        initial = {name: getattr(location, name) for name in (
            "name", "address", "postal_code", "city", "country", "latitude", "longitude", "timezone")}
        initial["twentyfourseven"] = bool(hours.get("twentyfourseven"))
        initial |= {f"day_{n}": text for n, text in text_by_weekday(hours).items()}
        return initial

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean(self):
        data = super().clean()
        both = (data.get("latitude") is None, data.get("longitude") is None)
        if both[0] != both[1]:
            self.add_error("longitude" if both[1] else "latitude",
                           "Give both latitude and longitude, or neither.")
        for number in range(1, 8):
            try:
                periods_of(data.get(f"day_{number}", ""))
            except ValidationError as refused:
                self.add_error(f"day_{number}", refused.messages[0])
        return data

    def api_data(self) -> dict:
        """The body the API's serializer takes."""
        data = self.cleaned_data
        days = {n: data.get(f"day_{n}", "") for n in range(1, 8)}
        given = data["twentyfourseven"] or any(days.values())
        hours = hours_from(data["twentyfourseven"], days) if given else {}
        body = {name: data[name] for name in ("name", "address", "postal_code", "city", "country",
                                              "timezone")}
        body |= {"latitude": data["latitude"], "longitude": data["longitude"], "opening_hours": hours}
        return body


class AssignForm(Form):
    stations = forms.CharField(label="Stations", max_length=2000,
                               widget=PickerInput("stations", multiple=True),
                               help_text="Identities, separated by commas; a station at another "
                                         "site moves here.")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_stations(self):
        identities = identities_in(self.cleaned_data["stations"])
        found, missing = stations_named(self.tenant, identities)
        if missing:
            raise ValidationError(f"No such station: {', '.join(missing)}.")
        if not found:
            raise ValidationError("Name at least one station.")
        return found
