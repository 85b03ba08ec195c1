"""The alerts list's query parameters (GET /api/v1/alerts/): a bad value is a 400, never
ignored (cpms/api_filters.py)."""

import django_filters

from alerts.models import Alert, AlertKind, AlertNotification, AlertState, Severity
from cpms.api_filters import UtcIsoDateTimeFilter, WholeNumberFilter, WordBooleanFilter


def acknowledged(queryset, name: str, value: bool | None):
    if value is None:
        return queryset
    return queryset.filter(acknowledged_at__isnull=not value)


class AlertFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AlertState.choices)
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    station = django_filters.CharFilter(field_name="station__identity",
                                        label="The station's identity")
    since = UtcIsoDateTimeFilter(field_name="opened_at", lookup_expr="gte",
                                 label="Opened at or after")
    until = UtcIsoDateTimeFilter(field_name="opened_at", lookup_expr="lt", label="Opened before")
    acknowledged = WordBooleanFilter(method=acknowledged,
                                     label="Only acknowledged (true) or unacknowledged alerts")

    class Meta:
        model = Alert
        fields = ["state", "kind", "severity", "station", "since", "until", "acknowledged"]


def told_of(queryset, name: str, value: int | None):
    if value is None:
        return queryset
    if value > 2**63 - 1:  # no such alert (and beyond what the database compares)
        return queryset.none()
    return queryset.filter(alerts__id=value)


class AlertNotificationFilter(django_filters.FilterSet):
    alert = WholeNumberFilter(method=told_of, label="Only the e-mails that told of this alert")
    summarized = WordBooleanFilter(label="Only summaries (true) or single alerts (false)")

    class Meta:
        model = AlertNotification
        fields = ["alert", "summarized"]
