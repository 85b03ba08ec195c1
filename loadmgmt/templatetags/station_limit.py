"""The station page's current limit and where it comes from: `{% load station_limit %}
{% station_limit station %}` (a tag, so the station core never imports load management;
docs/architecture.md). Per connector: the load group's share the load manager last sent (or the
station's failsafe, connector 0), then any other charging profile the station holds, with its
limit in force now (docs/dashboard.md, "Live updates"). The page reads it again on each
`load.allocation` and session event."""

from datetime import datetime

from django import template
from django.utils import timezone

from loadmgmt.models import ConnectorLimit, LimitSent, LoadGroupMember
from stations.models import Station
from stations.smartcharging.selectors import installed_profiles_of

register = template.Library()


def _group_rows(station: Station, group) -> list[dict]:
    rows = []
    for limit in ConnectorLimit.objects.filter(station=station).order_by("connector_id"):
        failsafe = limit.connector_id == 0
        rows.append({"connector_id": limit.connector_id, "limit": limit.limit, "unit": "A",
                     "source": "failsafe" if failsafe else "load group",
                     "detail": group.name if group else "", "status": limit.status,
                     "held": limit.held, "at": limit.updated_at})
    return rows


def _period_now(profile, now: datetime):
    """The schedule period in force now (an Absolute schedule's by the time since its start;
    otherwise its first: a relative or recurring one starts over with each transaction or day)."""
    periods = list(profile.periods.all())
    if not periods:
        return None
    start = profile.start_schedule if profile.kind == "Absolute" else None
    if start is None:
        return periods[0]
    elapsed = (now - start).total_seconds()
    current = [p for p in periods if p.start_period <= elapsed]
    return current[-1] if current else None


def _profile_rows(station: Station, now: datetime) -> list[dict]:
    ours = set(LimitSent.objects.filter(station=station, profile__isnull=False)
               .values_list("profile_id", flat=True))
    rows = []
    profiles = installed_profiles_of(station).exclude(pk__in=ours).order_by("connector_id", "-stack_level")
    for profile in profiles:
        if profile.valid_to and profile.valid_to <= now:
            continue
        period = _period_now(profile, now)
        if period is None:
            continue
        rows.append({"connector_id": profile.connector_id, "limit": period.limit,
                     "unit": profile.charging_rate_unit, "source": "charging profile",
                     "detail": f"{profile.purpose} #{profile.charging_profile_id}, "
                               f"stack level {profile.stack_level}",
                     "status": profile.status, "held": False, "at": profile.sent_at})
    return rows


def station_limits(station: Station, now: datetime | None = None) -> dict:
    membership = LoadGroupMember.objects.filter(station=station).select_related("group").first()
    group = membership.group if membership else None
    rows = _group_rows(station, group) + _profile_rows(station, now or timezone.now())
    return {"station": station, "group": group, "rows": rows}


@register.inclusion_tag("loadmgmt/_station_limit.html")
def station_limit(station: Station) -> dict:
    return station_limits(station)
