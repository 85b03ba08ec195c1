"""Forms of the stations pages: each validates on the server and names the field at fault."""

from django import forms
from django.core.exceptions import ValidationError

from cpms.pickers import PickerInput, tag_of
from cpms.widgets import FastSelect, timezone_names
from loadmgmt.models import LoadGroup
from stations.models import Station
from stations.security.profiles import is_security_key
from stations.services.stations import identity_taken
from stations.triggers.services import ANY
from tenants.validators import validate_url_segment


class OnboardingForm(forms.Form):
    identity = forms.CharField(max_length=48, validators=[validate_url_segment],
                               help_text="The charge point identity, as set in the station.")
    name = forms.CharField(max_length=200, required=False, help_text="Where it is, for people.")
    max_current = forms.DecimalField(label="Max current (A)", min_value=0, max_digits=7,
                                     decimal_places=1, initial=32,
                                     help_text="Amperes per phase the station may draw.")
    load_group = forms.ModelChoiceField(queryset=LoadGroup.objects.none(), required=False,
                                        help_text="Optional: the group whose cap it shares.")
    location = forms.ModelChoiceField(queryset=LoadGroup.objects.none(), required=False, label="Site",
                                      empty_label="No site", help_text="Optional: where it stands.")

    def __init__(self, *args, tenant, **kwargs):
        from stations.models import Location

        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["load_group"].queryset = LoadGroup.objects.filter(tenant=tenant).order_by("name")
        self.fields["location"].queryset = Location.objects.filter(tenant=tenant).order_by("name")

    def clean_identity(self) -> str:
        identity = self.cleaned_data["identity"].strip()
        existing = Station.objects.filter(tenant=self.tenant, identity=identity).first()
        if existing is not None:
            raise ValidationError(identity_taken(existing))
        return identity


class RemoteStartForm(forms.Form):
    """The id tag is typed or picked (cpms/pickers.py: a fleet has thousands, never one
    <select>) and must be one of the tenant's; it cleans to the tag as stored."""

    id_tag = forms.CharField(label="Id tag", max_length=36, widget=PickerInput("id-tags"),
                             help_text="Type to search the tenant's id tags.")
    connector_id = forms.IntegerField(label="Connector", min_value=1, required=False,
                                      help_text="Blank: the station chooses.")

    def __init__(self, *args, tenant, **kwargs):
        """`tenant`: the station's tenant (or its id), whose tags alone are accepted."""
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_id_tag(self) -> str:
        typed = self.cleaned_data["id_tag"].strip()
        tag = tag_of(self.tenant, typed)
        if tag is None:
            raise ValidationError("No id tag %(tag)s in this tenant.", params={"tag": typed})
        return tag.id_tag


class RemoteStopForm(forms.Form):
    """The running transactions by the station's own id (1.6: its integer; 2.0.1: its string)."""

    transaction_id = forms.ChoiceField(label="Transaction")

    def __init__(self, *args, transactions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transaction_id"].choices = [(t, t) for t in transactions]


# 1.6 names a connector by one number (its EVSE); 2.0.1 by the EVSE and the connector within it.
def _evse_connector_field() -> forms.IntegerField:
    return forms.IntegerField(label="Connector in the EVSE", min_value=1, required=False,
                              help_text="OCPP 2.0.1 only; blank: the whole EVSE.")


class ResetForm(forms.Form):
    """Soft/OnIdle wait until the station (or EVSE) is idle, Hard/Immediate end its sessions
    at once: each version is sent its own word."""

    type = forms.ChoiceField(choices=[("Soft", "Soft"), ("Hard", "Hard"),
                                      ("OnIdle", "OnIdle (2.0.1)"),
                                      ("Immediate", "Immediate (2.0.1)")])
    evse_id = forms.IntegerField(label="EVSE", min_value=1, required=False,
                                 help_text="OCPP 2.0.1 only; blank: the whole station.")


class UnlockForm(forms.Form):
    connector_id = forms.IntegerField(label="Connector (2.0.1: EVSE)", min_value=1, initial=1)
    evse_connector_id = forms.IntegerField(label="Connector in the EVSE", min_value=1,
                                           required=False, help_text="OCPP 2.0.1; blank: 1.")


class AvailabilityForm(forms.Form):
    connector_id = forms.IntegerField(label="Connector (2.0.1: EVSE)", min_value=0, initial=0,
                                      help_text="0: the whole station.")
    evse_connector_id = _evse_connector_field()
    type = forms.ChoiceField(label="Availability", choices=[("Operative", "Operative"),
                                                            ("Inoperative", "Inoperative")])


class TriggerForm(forms.Form):
    requested_message = forms.ChoiceField(label="Message", choices=[(m, m) for m in sorted(ANY)],
                                          help_text="What the station's OCPP version offers.")
    connector_id = forms.IntegerField(label="Connector (2.0.1: EVSE)", min_value=0, required=False)


class ConfigurationForm(forms.Form):
    key = forms.CharField(max_length=50)
    value = forms.CharField(max_length=500, required=False)

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if is_security_key(key):
            raise ValidationError(f"{key.strip()} is changed on the station's security page "
                                  f"(password rotation, profile upgrade), never directly.")
        return key


def timezone_choices(blank: str) -> list[tuple[str, str]]:
    """Every IANA time zone name, sorted, after a blank choice meaning `blank` (inherit)."""
    return [("", blank)] + [(name, name) for name in timezone_names()
                            if "/" in name or name == "UTC"]


class StationEditForm(forms.Form):
    """The station's own settings (docs/dashboard.md, "Stations"); checked by the API's
    StationSerializer too (stations/dashboard/manage.py), so the rules are the API's."""

    name = forms.CharField(max_length=200, required=False, help_text="Where it is, for people.")
    location = forms.ModelChoiceField(queryset=Station.objects.none(), required=False,
                                      label="Site", empty_label="No site")
    timezone = forms.ChoiceField(required=False, label="Time zone", widget=FastSelect)
    max_current = forms.DecimalField(label="Max current (A)", min_value=0, max_digits=7,
                                     decimal_places=1, help_text="Amperes per phase it may draw.")
    security_profile = forms.TypedChoiceField(coerce=int, label="Security profile",
                                              help_text="Only upward: a station's profile is never lowered.")
    file_transfer = forms.ChoiceField(required=False, label="File transfer",
                                      choices=[("", "Its model's default")] + Station._meta.get_field(
                                          "file_transfer").choices)
    admission = forms.ChoiceField(choices=Station._meta.get_field("admission").choices,
                                  help_text="What its BootNotification is answered.")

    def __init__(self, *args, station: Station, **kwargs):
        from stations.models import Location

        kwargs.setdefault("initial", {
            "name": station.name, "location": station.location_id, "timezone": station.timezone,
            "max_current": station.max_current, "security_profile": station.security_profile,
            "file_transfer": station.file_transfer, "admission": station.admission})
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(tenant=station.tenant).order_by("name")
        self.fields["timezone"].choices = timezone_choices(f"The tenant's ({station.tenant.timezone})")
        self.fields["security_profile"].choices = [
            (value, label) for value, label in Station._meta.get_field("security_profile").choices
            if value >= station.security_profile]

    def api_data(self) -> dict:
        """The form's values as the API's body (the site by its id)."""
        data = dict(self.cleaned_data)
        data["location"] = data["location"].pk if data["location"] else None
        return data
