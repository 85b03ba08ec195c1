"""The load group form: it parses what the browser sends; the rules are the API's
(loadmgmt/serializers.py), applied by the view."""

from decimal import Decimal

from django import forms

from cpms.dashboard import Form
from loadmgmt.models import BaseLoadSource

AMPS = {"max_digits": 7, "decimal_places": 1, "min_value": Decimal(0)}


class LoadGroupForm(Form):
    name = forms.CharField(max_length=200)
    max_current = forms.DecimalField(**AMPS, label="Cap (A per phase)")
    max_power = forms.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False,
                                   label="Cap in kW (optional)", help_text="The lower of the two caps holds")
    phases = forms.TypedChoiceField(choices=[(3, "3"), (1, "1")], coerce=int, initial=3)
    voltage = forms.IntegerField(min_value=100, max_value=400, initial=230,
                                 label="Voltage (V, phase to neutral)")
    min_current = forms.DecimalField(**AMPS, initial=Decimal(6), label="Minimum per car (A)",
                                     help_text="IEC 61851-1: at least 6 A")
    failsafe_current = forms.DecimalField(**AMPS, initial=Decimal(6), label="Failsafe per station (A)",
                                          help_text="What a station keeps to without the link; 0 holds "
                                                    "the cap strictly")
    safety_margin = forms.DecimalField(**AMPS, initial=Decimal(0), label="Safety margin (A)")
    base_load_current = forms.DecimalField(**AMPS, initial=Decimal(0), label="Building's base load (A)")
    base_load_source = forms.ChoiceField(choices=BaseLoadSource.choices, initial=BaseLoadSource.FIXED,
                                         label="Base load from")
    base_load_meter = forms.ChoiceField(required=False, label="Meter station",
                                        help_text="For a measured base load: the station whose "
                                                  "connector-0 meter measures the building")
    tariff = forms.ChoiceField(required=False, help_text="For its stations that have none of their own")
    stations = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, stations: list[str], tariffs: list[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stations"].choices = [(s, s) for s in stations]
        self.fields["base_load_meter"].choices = [("", "None")] + [(s, s) for s in stations]
        if tariffs is None:  # an installer: no money
            del self.fields["tariff"]
        else:
            self.fields["tariff"].choices = [("", "None")] + [(str(pk), name) for pk, name in tariffs]

    def api_data(self) -> dict:
        data = self.cleaned_data
        body = {name: (str(value) if isinstance(value, Decimal) else value) for name, value in data.items()}
        body["base_load_meter"] = data.get("base_load_meter") or None
        if "tariff" in data:
            body["tariff"] = int(data["tariff"]) if data.get("tariff") else None
        return body
