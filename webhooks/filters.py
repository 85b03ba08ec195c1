"""Query filters of the webhooks API lists; a value they cannot take is a 400."""

import django_filters

from cpms.api_filters import UtcIsoDateTimeFilter, WholeNumberFilter
from stations.models import Station
from webhooks.catalogue import EVENT_TYPES
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEvent

TYPES = [(name, name) for name in sorted(EVENT_TYPES)]


class EventFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=TYPES)
    station = django_filters.CharFilter(method="of_station", help_text="A station's identity")
    since = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = WebhookEvent
        fields = ["type", "station", "since", "until"]

    def of_station(self, queryset, name, value):
        stations = Station.objects.filter(tenant_id=self.request.tenant.pk, identity=value)
        return queryset.filter(station_id__in=stations.values("pk"))


class DeliveryFilter(django_filters.FilterSet):
    endpoint = WholeNumberFilter(field_name="endpoint_id")
    event = django_filters.UUIDFilter(field_name="event_id")
    state = django_filters.ChoiceFilter(choices=DeliveryState.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "event", "state"]
