import django_filters

from stations.models import ChargingSession


class SessionFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__identity")
    id_tag = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lt")
    active = django_filters.BooleanFilter(field_name="stopped_at", lookup_expr="isnull",
                                          label="Only running sessions (true) or only ended ones")

    class Meta:
        model = ChargingSession
        fields = ["station", "id_tag", "since", "until", "active"]
