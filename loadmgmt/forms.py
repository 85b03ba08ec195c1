"""The load group forms: they parse what the browser sends; the rules are the API's
(loadmgmt/serializers.py), applied by the view. Stations are typed or picked (cpms/pickers.py),
never listed whole: a group of a fleet has hundreds of them (docs/smart-charging.md, "Load groups")."""

from decimal import Decimal

from django import forms

from cpms.dashboard import Form
from cpms.pickers import PickerInput, identities_in, stations_named
from loadmgmt.models import BaseLoadSource

AMPS = {"max_digits": 7, "decimal_places": 1, "min_value": Decimal(0)}
MAX_AT_ONCE = 500  # identities in one submission


class SeveralStations(PickerInput):
    """Several identities: one comma-separated field, or the same name sent several times
    (a form without JavaScript, a script), read as one list."""

    def __init__(self):
        super().__init__("stations", multiple=True)

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return ", ".join(v for v in values if v)


class StationsField(forms.CharField):
    """Identities of the tenant's live stations: cleans to the Station rows, in order; an
    unknown (or another tenant's, or removed) identity is named in the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(widget=SeveralStations(), max_length=MAX_AT_ONCE * 40, **kwargs)
        self.tenant = None

    def clean(self, value):
        identities = identities_in(super().clean(value))
        if len(identities) > MAX_AT_ONCE:
            raise forms.ValidationError(f"At most {MAX_AT_ONCE} stations at once.")
        found, unknown = stations_named(self.tenant, identities)
        if unknown:
            raise forms.ValidationError("No such station: %(names)s.",
                                        params={"names": ", ".join(unknown[:10])})
        return found


class OneStationField(forms.CharField):
    """One identity of the tenant's live stations (picked or typed); cleans to the identity."""

    def __init__(self, **kwargs):
        super().__init__(widget=PickerInput("stations"), max_length=255, **kwargs)
        self.tenant = None

    def clean(self, value):
        identity = super().clean(value).strip()
        if identity and not stations_named(self.tenant, [identity])[0]:
            raise forms.ValidationError("No such station: %(name)s.", params={"name": identity})
        return identity


class TenantForm(Form):
    """Hands the tenant to the station fields, which check identities against it."""

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, StationsField | OneStationField):
                field.tenant = tenant


class MembersAddForm(TenantForm):
    stations = StationsField(label="Add stations", required=True,
                             help_text="Type to search; several at once, separated by commas. "
                                       "A station of another group moves to this one.")


class LoadGroupForm(TenantForm):
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
    base_load_meter = OneStationField(required=False, label="Meter station",
                                      help_text="For a measured base load: the station whose "
                                                "connector-0 meter measures the building")
    tariff = forms.ChoiceField(required=False, help_text="For its stations that have none of their own")
    stations = StationsField(help_text="Type to search; several at once, separated by commas")

    def __init__(self, *args, members: list[str] | None, tariffs: list[tuple[int, str]] | None, **kwargs):
        """`members`: the identities of an existing group's stations (None: a new group); the
        field then adds to them (they are removed on the group's page)."""
        super().__init__(*args, **kwargs)
        self.members = members
        if members is not None:
            self.fields["stations"].label = "Add stations"
            self.fields["stations"].help_text = (f"Type to search; several at once, separated by commas. "
                                                 f"The group has {len(members)}; remove them on its page.")
        if tariffs is None:  # an installer: no money
            del self.fields["tariff"]
        else:
            self.fields["tariff"].choices = [("", "None")] + [(str(pk), name) for pk, name in tariffs]

    def api_data(self) -> dict:
        data = self.cleaned_data
        body = {name: (str(value) if isinstance(value, Decimal) else value) for name, value in data.items()}
        body["base_load_meter"] = data.get("base_load_meter") or None
        added = [station.identity for station in data.get("stations") or ()]
        if self.members is None:
            body["stations"] = added
        elif added:
            body["stations"] = list(dict.fromkeys(self.members + added))
        else:
            del body["stations"]  # unchanged
        if "tariff" in data:
            body["tariff"] = int(data["tariff"]) if data.get("tariff") else None
        return body
