"""The webhooks pages' forms: an endpoint (its URL, the event types it receives as checkboxes,
a description), the delivery log's filters and a replay of a time range. Dates typed in the
tenant's time zone (cpms.dashboard.page sets it)."""

from django import forms

from cpms.dashboard import Form
from webhooks.catalogue import EVENT_TYPES
from webhooks.models import DeliveryState
from webhooks.selectors import endpoints_of

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TYPE_CHOICES = [(name, name) for name in EVENT_TYPES]


class EndpointForm(Form):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https",
                         help_text="The backend POSTs each event here")
    event_types = forms.MultipleChoiceField(
        label="Event types", choices=TYPE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every type")
    description = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "endpoint-%s")
        super().__init__(*args, **kwargs)


def endpoint_choices(tenant) -> list[tuple[str, str]]:
    return [("", "every endpoint"), *((str(e.pk), e.url) for e in endpoints_of(tenant))]


class DeliveryFilterForm(Form):
    type = forms.ChoiceField(label="Event type", required=False,
                             choices=[("", "every type"), *TYPE_CHOICES])
    endpoint = forms.ChoiceField(required=False)
    state = forms.ChoiceField(required=False, choices=[("", "every state"), *DeliveryState.choices])

    def __init__(self, *args, tenant, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].choices = endpoint_choices(tenant)


class ReplayRangeForm(Form):
    since = forms.DateTimeField(widget=DATETIME, label="Since")
    until = forms.DateTimeField(widget=DATETIME, label="Until")
    endpoint = forms.ChoiceField(required=False, help_text="Blank: every endpoint subscribed")
    types = forms.MultipleChoiceField(label="Event types", choices=TYPE_CHOICES, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="None ticked: every type")

    def __init__(self, *args, tenant, **kwargs):
        kwargs.setdefault("auto_id", "replay-%s")
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].choices = endpoint_choices(tenant)

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", "Must be after 'Since'.")
        return data
