"""The audit log's filters, one set for the API, the exports and the dashboard page, so a
query string means the same on each (and the page's export links pass it on as it is).

`since` (inclusive) and `until` (exclusive) take an ISO 8601 date or date-time; a date or a
date-time without an offset is in the tenant's time zone (the callers read them in it)."""

from datetime import datetime, time

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from audit.models import AuditAction, AuditEntry, Via
from cpms.api_filters import UtcIsoDateTimeField

ACTOR_TYPES = [("user", "User"), ("token", "API token"), ("system", "System")]


class DayOrMomentField(UtcIsoDateTimeField):
    """A date (its midnight in the current time zone) or an ISO 8601 date-time."""

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = parse_date(value.strip())
            except ValueError:  # well formed, but no such day (2026-02-30)
                raise forms.ValidationError("No such day.", code="invalid") from None
            if day is not None:
                value = timezone.make_aware(datetime.combine(day, time()))
        return super().to_python(value)


class DayOrMomentFilter(django_filters.IsoDateTimeFilter):
    field_class = DayOrMomentField


def _search(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return queryset.filter(Q(object_repr__icontains=value) | Q(path__icontains=value))


class AuditEntryFilter(django_filters.FilterSet):
    since = DayOrMomentFilter(field_name="at", lookup_expr="gte",
                              label="At or after: an ISO 8601 date or date-time")
    until = DayOrMomentFilter(field_name="at", lookup_expr="lt",
                              label="Before (exclusive): as since")
    actor = django_filters.CharFilter(lookup_expr="icontains", label="Who (contains)")
    actor_type = django_filters.ChoiceFilter(choices=ACTOR_TYPES)
    via = django_filters.ChoiceFilter(choices=Via.choices)
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    object_type = django_filters.CharFilter(lookup_expr="iexact",
                                            label="app_label.model, e.g. billing.tariff")
    object_id = django_filters.CharFilter()
    station = django_filters.CharFilter(field_name="station_identity", label="A station identity")
    request_id = django_filters.UUIDFilter(label="The entries of one request")
    q = django_filters.CharFilter(method=_search, label="Search in the object's name and the path")

    class Meta:
        model = AuditEntry
        fields = ["since", "until", "actor", "actor_type", "via", "action", "object_type",
                  "object_id", "station", "request_id", "q"]
