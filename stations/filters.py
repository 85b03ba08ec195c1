import django_filters

from cpms.api_filters import UtcIsoDateTimeFilter
from stations.models import ChargingSession, IdTag, Station


def spelt_any_case(queryset, name: str, value: str):
    """`name` equals `value` in any case: OCPP's IdToken is case-insensitive."""
    return queryset.filter(**{f"{name}__lower": value.lower()})


class SessionFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__identity")
    id_tag = django_filters.CharFilter(method=spelt_any_case)
    since = UtcIsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="started_at", lookup_expr="lt")
    active = django_filters.BooleanFilter(field_name="stopped_at", lookup_expr="isnull",
                                          label="Only running sessions (true) or only ended ones")
    station_transaction_id = django_filters.CharFilter(
        label="The transaction id as the station knows it (1.6: the integer, as a string)")
    remote_start_id = django_filters.NumberFilter(
        label="The remoteStartId of the remote start that began it (OCPP 2.0.1)")

    class Meta:
        model = ChargingSession
        fields = ["station", "id_tag", "since", "until", "active", "station_transaction_id",
                  "remote_start_id"]


class IdTagFilter(django_filters.FilterSet):
    parent_id_tag = django_filters.CharFilter(method=spelt_any_case)

    class Meta:
        model = IdTag
        fields = ["status", "parent_id_tag", "token_type"]


class StationFilter(django_filters.FilterSet):
    # by id, not as a choice: another tenant's site id finds nothing, as a missing one does
    location = django_filters.NumberFilter(field_name="location_id",
                                           help_text="The stations of this site (its id)")

    class Meta:
        model = Station
        fields = ["admission", "ocpp_version", "location"]
