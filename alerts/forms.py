"""The alerts pages' forms: the list's filters, a station's mute and one rule's settings. They
check what a person types (a mute ends in the future, a threshold only where the kind has one);
the services (alerts/services.py) own the rest, e.g. that notified members belong to the tenant."""

from django import forms
from django.utils import timezone

from alerts.models import AlertKind, AlertState, Severity
from cpms.dashboard import Form
from cpms.pickers import PickerInput
from tenants.models import Role

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MAX_THRESHOLD = 60 * 24 * 366  # a year of minutes: beyond it a threshold is a typo


class AlertFilterForm(Form):
    state = forms.ChoiceField(required=False, choices=[("", "Open and resolved"), *AlertState.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Every kind"), *AlertKind.choices])
    station = forms.CharField(required=False, max_length=100, label="Station (identity)",
                              widget=PickerInput("stations"))

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored, never a 500)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("state", "kind", "station")}


class MuteForm(Form):
    until = forms.DateTimeField(label="Until (UTC)", required=False, widget=WHEN,
                                help_text="Blank: until unmuted")
    reason = forms.CharField(required=False, max_length=200, label="Reason",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. maintenance"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "mute-%s")  # unique on the station page
        super().__init__(*args, **kwargs)

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until <= timezone.now():
            raise forms.ValidationError("The mute must end in the future.")
        return until


class AlertRuleForm(Form):
    """One kind's rule; `has_threshold`: the kind's default has a threshold (minutes or days)."""

    enabled = forms.BooleanField(required=False, label="Enabled")
    threshold = forms.IntegerField(required=False, min_value=1, max_value=MAX_THRESHOLD,
                                   label="Threshold", help_text="Blank: the default")
    severity = forms.ChoiceField(choices=Severity.choices, label="Severity")
    email = forms.BooleanField(required=False, label="E-mail")
    notify_roles = forms.MultipleChoiceField(required=False, choices=Role.choices, label="Roles",
                                             widget=forms.CheckboxSelectMultiple)
    notify_user_ids = forms.TypedMultipleChoiceField(required=False, coerce=int, label="Members",
                                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members: list[tuple[int, str]], has_threshold: bool, title: str,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notify_user_ids"].choices = members
        self.has_threshold = has_threshold
        self.html_id = f"rule-form-{self.prefix}"  # a row of the rules table is one form
        for name, field in self.fields.items():
            field.widget.attrs["form"] = self.html_id
            if name not in ("notify_roles", "notify_user_ids"):  # their options have labels
                field.widget.attrs["aria-label"] = f"{title}: {field.label}"
        if not has_threshold:
            self.fields["threshold"].widget.attrs["disabled"] = True

    def clean_threshold(self):
        threshold = self.cleaned_data.get("threshold")
        if threshold is not None and not self.has_threshold:
            raise forms.ValidationError("This kind of alert has no threshold.")
        return threshold
