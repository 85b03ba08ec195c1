import django_filters

from stations.displaymessages.models import DisplayMessage, Origin, Status


class DisplayMessageFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    message_id = django_filters.NumberFilter()

    class Meta:
        model = DisplayMessage
        fields = ["status", "origin", "message_id"]
