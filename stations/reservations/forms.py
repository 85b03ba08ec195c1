"""The dashboard's reservation form: a connector (a 2.0.1 EVSE; 0 any), for a 2.0.1 station a
connector type, the id tag and how long it is held; checked by the API's own serializer so the
page and the API accept and refuse the same input."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from stations.models import Station
from stations.reservations.serializers import CONNECTOR_TYPES, ReservationCreateSerializer
from stations.selectors import id_tags_of


class ReservationForm(forms.Form):
    connector_id = forms.IntegerField(label="Connector (EVSE for 2.0.1)", min_value=0, initial=0,
                                      help_text="0: any")
    connector_type = forms.ChoiceField(label="Connector type", required=False,
                                       choices=[("", "any type"), *((t, t) for t in CONNECTOR_TYPES)])
    id_tag = forms.CharField(label="Reserved for (id tag)", max_length=36)
    minutes = forms.IntegerField(label="Held for (minutes)", min_value=1, max_value=7 * 24 * 60,
                                 initial=30)

    def __init__(self, *args, station: Station, **kwargs):
        kwargs.setdefault("auto_id", "reservation-%s")  # ids of its own on a page of many forms
        super().__init__(*args, **kwargs)
        self.station = station
        if station.ocpp_version != "2.0.1":  # 1.6 reserves a connector, not a type
            del self.fields["connector_type"]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        serializer = ReservationCreateSerializer(
            data={"connector_id": data["connector_id"], "id_tag": data["id_tag"],
                  "connector_type": data.get("connector_type", ""),
                  "expiry_date": timezone.now() + timedelta(minutes=data["minutes"])},
            context={"id_tags": id_tags_of(self.station.tenant),
                     "ocpp_version": self.station.ocpp_version})
        if not serializer.is_valid():
            for field, errors in serializer.errors.items():
                self.add_error(field if field in self.fields else None, errors)
            return data
        return serializer.validated_data
