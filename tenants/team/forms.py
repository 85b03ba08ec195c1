"""Forms of the team and tenant settings pages."""

from django import forms

from cpms.dashboard import Form
from cpms.widgets import FastSelect, timezone_names
from tenants.models import Role, Tenant


class InviteForm(Form):
    email = forms.EmailField(label="E-mail", max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.INSTALLER)


class RoleForm(Form):
    role = forms.ChoiceField(choices=Role.choices)


class TenantSettingsForm(forms.ModelForm):
    """The model's validators hold (time zone name, BCP 47 locale)."""

    timezone = forms.ChoiceField(label="Time zone", widget=FastSelect,
                                 help_text="Dates in the dashboard, invoices' periods and tariffs' "
                                           "times of day are in it")

    class Meta:
        model = Tenant
        fields = ["name", "timezone", "locale", "max_sessions_per_id_tag", "new_stations_pending"]
        labels = {"locale": "Locale", "max_sessions_per_id_tag": "Sessions at once per id tag",
                  "new_stations_pending": "Hold new stations Pending"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in timezone_names()]
