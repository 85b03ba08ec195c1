"""The dashboard's form for a display message: the fields an operator fills in ("Out of order
until Monday": priority, state, from/until), checked by the API's own serializer so the page and
the API accept and refuse the same input."""

from django import forms

from stations.displaymessages.models import MessageFormat, MessageState, Priority
from stations.displaymessages.serializers import DisplayMessageCreateSerializer
from stations.models import Station

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DisplayMessageForm(forms.Form):
    content = forms.CharField(label="Text", max_length=512, strip=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.ChoiceField(choices=[(p, p) for p in Priority.values], initial=Priority.IN_FRONT)
    state = forms.ChoiceField(label="Shown when the station is", required=False,
                              choices=[("", "any state"), *MessageState.choices])
    start_at = forms.DateTimeField(label="From (UTC)", required=False, widget=WHEN)
    end_at = forms.DateTimeField(label="Until (UTC)", required=False, widget=WHEN)
    message_format = forms.ChoiceField(label="Format", choices=[(f, f) for f in MessageFormat.values],
                                       initial=MessageFormat.UTF8)
    language = forms.CharField(max_length=8, required=False, help_text="e.g. en, de")
    message_id = forms.IntegerField(label="Replace message id", min_value=0, required=False,
                                    help_text="Empty: a new message")

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station

    def clean(self) -> dict:
        data = {key: value for key, value in super().clean().items() if value not in (None, "")}
        serializer = DisplayMessageCreateSerializer(data=data, context={"station": self.station})
        if not serializer.is_valid():
            for field, errors in serializer.errors.items():
                self.add_error(field if field in self.fields else None, errors)
            return self.cleaned_data
        return serializer.validated_data
