"""The exports' filters: `since`, `until` (a period of stop times) and `station`.

A session belongs to the period in which it stopped (when its supply was complete and its price
known), in every export alike. `since` is inclusive, `until` exclusive, so a month is
`since=2026-03-01&until=2026-04-01`. A date means the midnight that starts it, and a date-time
without an offset a wall-clock time, both in each station's own time zone (its local day, as the
energy export counts days); a date-time with an offset (or `Z`) is one instant for every station.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from stations.models import Station
from tenants.models import Tenant

CALENDAR = (datetime(2, 1, 1), datetime(9998, 12, 31))  # times a station's zone cannot move off it
Bound = datetime | None  # aware: an instant; naive: a wall-clock time in the station's zone


@dataclass(frozen=True)
class ExportFilters:
    tenant: Tenant
    since: Bound = None
    until: Bound = None
    stations: tuple[str, ...] = ()

    def bounds(self, zone: str) -> tuple[datetime | None, datetime | None]:
        return _instant(self.since, zone), _instant(self.until, zone)

    @property
    def local(self) -> bool:
        return any(bound is not None and bound.tzinfo is None for bound in (self.since, self.until))


def export_filters(tenant: Tenant, params) -> ExportFilters:
    """Read the query parameters; 400 with a reason for each bad one."""
    errors: dict[str, list[str]] = {}
    since, until = _bound(params, "since", errors), _bound(params, "until", errors)
    if since is not None and until is not None and _instant(until, tenant.timezone) < _instant(
            since, tenant.timezone):
        errors["until"] = ["Must not be before since."]
    stations = tuple(dict.fromkeys(value for value in params.getlist("station") if value))
    if stations:
        plausible = [identity for identity in stations if "\x00" not in identity]  # PostgreSQL refuses NUL
        known = set(Station.objects.filter(tenant=tenant, identity__in=plausible)
                    .values_list("identity", flat=True))
        unknown = [identity for identity in stations if identity not in known]
        if unknown:
            errors["station"] = [f"No station {identity!r}." for identity in unknown]
    if errors:
        raise ValidationError(errors)
    return ExportFilters(tenant=tenant, since=since, until=until, stations=stations)


def form_filters(form, tenant: Tenant, params) -> ExportFilters | None:
    """The filters of a dashboard form already valid; None after putting each reason on the form
    (under its field, or the form's own errors for a parameter the form has not)."""
    try:
        return export_filters(tenant, params)
    except ValidationError as error:
        for field, reasons in error.detail.items():
            for reason in reasons:
                form.add_error(field if field in form.fields else None, str(reason))
        return None


def _bound(params, name: str, errors: dict) -> Bound:
    text = params.get(name)
    if text is None or text == "":
        return None
    try:
        day = parse_date(text)
        moment = datetime.combine(day, time()) if day is not None else parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        errors[name] = ["Use an ISO 8601 date (2026-03-01) or date-time (2026-03-01T06:00:00+01:00)."]
        return None
    try:
        moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    except OverflowError:
        moment = datetime.min
    if not CALENDAR[0] <= moment.replace(tzinfo=None) <= CALENDAR[1]:  # any zone keeps it a date
        errors[name] = [f"Must be between {CALENDAR[0].date()} and {CALENDAR[1].date()}."]
        return None
    return moment


def _instant(bound: Bound, zone: str) -> datetime | None:
    if bound is None or bound.tzinfo is not None:
        return bound
    return bound.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def stopped_within(filters: ExportFilters) -> Q:
    """Stopped sessions of the tenant (and stations) in the period. Local bounds differ per time
    zone: one condition per zone the tenant's stations are in (a handful), not per station."""
    tenant = filters.tenant
    condition = Q(tenant=tenant, stopped_at__isnull=False)
    if filters.stations:
        condition &= Q(station__identity__in=filters.stations)
    if not filters.local:
        return condition & _between(*filters.bounds("UTC"))
    zones = {zone or tenant.timezone for zone in Station.objects.filter(tenant=tenant)
             .values_list("timezone", flat=True).distinct()}
    in_period = Q(pk__in=[])
    for zone in sorted(zones):
        in_zone = (Q(station__timezone__in=["", zone]) if zone == tenant.timezone
                   else Q(station__timezone=zone))
        in_period |= in_zone & _between(*filters.bounds(zone))
    return condition & in_period


def _between(since: datetime | None, until: datetime | None) -> Q:
    condition = Q()
    if since is not None:
        condition &= Q(stopped_at__gte=since)
    if until is not None:
        condition &= Q(stopped_at__lt=until)
    return condition
