"""Load groups drawing more than their cap (docs/alerts.md, "Load group above its cap").

The load manager keeps a group under its cap by the limits it sends; a car or a station that
does not obey, a base load that grew, a station offline on its own limits can still push the
measured draw above it. The draw at a moment is the group's base load (loadmgmt's reading of it
now) plus, per phase, the latest Current.Import of each running session of its stations (a
sample counts for loadmgmt.selectors.SAMPLES_LOOKBACK after it was taken). Above the cap (the
lower of its current and power caps) at every sample for longer than the rule's threshold
(minutes) → one alert per group, key `load_group:<pk>`; back under → resolved.

A handful of queries for the whole fleet: the groups, their members, their running sessions and
those sessions' current samples of the last threshold + SAMPLES_LOOKBACK."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from alerts.models import Alert, AlertKind, AlertState
from alerts.rules import default_rule, saved_rules_of_kind, threshold_of
from alerts.services import AlertRaise, alerts_raise_many, alerts_resolve_absent
from loadmgmt.models import LoadGroup, LoadGroupMember
from loadmgmt.selectors import PHASE_OF, SAMPLES_LOOKBACK, base_load, group_cap, group_phases
from stations.models import MeterSample
from stations.services.session_lifecycle import running_sessions

KIND = AlertKind.LOAD_OVER_CAP
Reading = dict[int, Decimal]  # phase -> amperes


@dataclass(frozen=True)
class Overrun:
    since: datetime
    measured: Reading  # per phase, now


def check(now: datetime) -> None:
    rules = saved_rules_of_kind(KIND)
    minutes = {tid: threshold_of(rule) for tid, rule in rules.items()}
    default = threshold_of(default_rule(KIND))
    window = timedelta(minutes=max([default, *minutes.values()])) + SAMPLES_LOOKBACK
    groups = _groups_with_sessions()
    samples = _samples(groups, now - window)
    earlier = _open_since()
    raises = []
    for group, sessions in groups.values():
        overrun = _overrun(group, [samples[s] for s in sessions], now)
        threshold = timedelta(minutes=minutes.get(group.tenant_id, default))
        if overrun is None or now - overrun.since < threshold:
            continue
        key = f"load_group:{group.pk}"
        since = min(overrun.since, earlier.get((group.tenant_id, key), overrun.since))
        raises.append(_raise(group, key, overrun, since))
    alerts_raise_many(kind=KIND, raises=raises, at=now)
    alerts_resolve_absent(kind=KIND, present={(r.tenant_id, r.key) for r in raises},
                          resolution="Back under its cap", at=now)


def _groups_with_sessions() -> dict[int, tuple[LoadGroup, list[int]]]:
    """Each group with running sessions: the group and the ids of those sessions."""
    group_of = dict(LoadGroupMember.objects.values_list("station_id", "group_id"))
    sessions = defaultdict(list)
    for pk, station_id in running_sessions().filter(station_id__in=group_of).values_list(
            "pk", "station_id"):
        sessions[group_of[station_id]].append(pk)
    groups = LoadGroup.objects.filter(pk__in=sessions).select_related("base_load_meter")
    return {g.pk: (g, sessions[g.pk]) for g in groups}


def _samples(groups: dict, since: datetime) -> dict[int, list[tuple[datetime, Reading]]]:
    """Per session, its current readings (per phase) in time order."""
    ids = [s for _, sessions in groups.values() for s in sessions]
    rows = (MeterSample.objects
            .filter(session_id__in=ids, measurand="Current.Import", timestamp__gte=since)
            .exclude(value__isnull=True)
            .values_list("session_id", "timestamp", "phase", "value"))
    readings: dict[int, dict[datetime, Reading]] = defaultdict(lambda: defaultdict(dict))
    for session_id, at, phase, value in rows:
        for p in (PHASE_OF[phase],) if phase in PHASE_OF else (1, 2, 3):
            readings[session_id][at][p] = value
    series: dict[int, list[tuple[datetime, Reading]]] = defaultdict(list)
    for session_id, by_time in readings.items():
        series[session_id] = sorted(by_time.items())
    return series


def _overrun(group: LoadGroup, sessions: list[list[tuple[datetime, Reading]]],
             now: datetime) -> Overrun | None:
    """The group's draw is above its cap now: since when, without a break (None: it is not)."""
    cap, phases, base = group_cap(group), group_phases(group), base_load(group, now)
    moments = sorted({at for series in sessions for at, _ in series if at <= now} | {now})
    since = None
    for moment in moments:
        draw = _draw(moment, sessions, phases, base)
        if max(draw.values()) > cap:
            since = since or moment
        else:
            since = None
    return Overrun(since=since, measured=draw) if since else None


def _draw(moment: datetime, sessions: list, phases: tuple[int, ...], base: Reading) -> Reading:
    draw = {p: base.get(p, Decimal(0)) for p in phases}
    for series in sessions:
        reading = _latest(series, moment)
        for p in phases:
            draw[p] += reading.get(p, Decimal(0))
    return draw


def _latest(series: list[tuple[datetime, Reading]], moment: datetime) -> Reading:
    """The session's reading at `moment`: its latest sample then, unless too old to count."""
    latest: Reading = {}
    for at, reading in series:
        if at > moment:
            break
        latest = reading if moment - at <= SAMPLES_LOOKBACK else {}
    return latest


def _open_since() -> dict[tuple[int, str], datetime]:
    """When the open alerts' overruns began (kept across checks: the window slides)."""
    since = {}
    for tenant_id, key, details in Alert.objects.filter(kind=KIND, state=AlertState.OPEN).values_list(
            "tenant_id", "key", "details"):
        try:
            since[(tenant_id, key)] = datetime.fromisoformat((details or {})["since"])
        except (KeyError, TypeError, ValueError):
            continue
    return since


def _raise(group: LoadGroup, key: str, overrun: Overrun, since: datetime) -> AlertRaise:
    cap = group_cap(group)
    peak = max(overrun.measured.values())
    details = {"group": group.name, "group_id": group.pk, "cap": str(cap),
               "measured": str(peak.quantize(Decimal("0.1"))),
               "measured_per_phase": {str(p): str(v.quantize(Decimal("0.1")))
                                      for p, v in overrun.measured.items()},
               "since": since.isoformat()}
    title = f"Load group {group.name} draws {details['measured']} A, above its cap of {cap} A"
    return AlertRaise(tenant_id=group.tenant_id, key=key, title=title, details=details)
