"""Writing alerts: open an incident, refresh it while its condition lasts, resolve it when the
condition clears; acknowledge, mute a station, change a rule (docs/alerts.md).

At most one alert is open per (tenant, kind, key) (the `one_open_alert_per_key` constraint): a
condition seen again refreshes the open alert, and two processes that open it at once end with
one row (the loser refreshes the winner's). A new alert is published on the domain bus
(`AlertOpened`, inside the transaction: the apps above alerts hear of it with the change) and,
once committed, on the tenant's live dashboards. Sweeps (alerts/conditions/) open and resolve in
bulk: a server restart that drops 10,000 stations is one sweep of a few queries, not 10,000
transactions."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from alerts import rules
from alerts.events import AlertOpened, AlertResolved
from alerts.models import Alert, AlertKind, AlertRule, AlertState, Severity, StationMute
from alerts.selectors import mute_in_force, open_alert_count, station_muted
from stations import events, live
from stations.models import Station
from tenants.models import Membership, Role

log = logging.getLogger(__name__)

# Up to this many alerts of one tenant changed at once are told to its dashboards one by one;
# more (a burst) as one "alerts.changed" event with the counts.
LIVE_ONE_BY_ONE = 20
BATCH = 500
# What a sweep reads of the alerts it refreshes, opens or resolves (not their whole rows).
SWEPT = ("pk", "tenant_id", "kind", "key", "station_id", "severity", "title", "details",
         "last_seen_at")
RULE_FIELDS = {"enabled", "threshold", "severity", "email", "notify_roles", "notify_user_ids"}


@dataclass(frozen=True)
class AlertRaise:
    """One condition seen by a sweep: what `alert_raise` takes, for `alerts_raise_many`."""

    tenant_id: int
    key: str
    title: str
    station_id: int | None = None
    details: dict = field(default_factory=dict)


# --- Opening and refreshing -----------------------------------------------------------------

@transaction.atomic
def alert_raise(*, tenant_id: int, kind: str, key: str, title: str, station_id: int | None = None,
                details: dict | None = None, at: datetime | None = None) -> Alert | None:
    """Open the incident, or refresh the open one of (tenant, kind, key). None when the
    tenant's rule for `kind` is disabled."""
    rule = rules.rule_for(tenant_id, kind)
    if not rule.enabled:
        return None
    at = at or timezone.now()
    alert = _open_locked(tenant_id, kind, key)
    if alert is not None:
        return _refreshed(alert, title=title, details=details, at=at)
    try:
        with transaction.atomic():  # a savepoint: the constraint may refuse us
            alert = Alert.objects.create(
                tenant_id=tenant_id, kind=kind, key=key, station_id=station_id,
                severity=rule.severity, title=title[:300], details=details or {},
                opened_at=at, last_seen_at=at,
                muted=station_id is not None and station_muted(station_id, at))
    except IntegrityError:  # another process opened it meanwhile: refresh theirs
        theirs = _open_locked(tenant_id, kind, key)  # None: resolved again already
        return _refreshed(theirs, title=title, details=details, at=at) if theirs else None
    _announce_opened([alert])
    return alert


def _open_locked(tenant_id: int, kind: str, key: str) -> Alert | None:
    return (Alert.objects.select_for_update()
            .filter(tenant_id=tenant_id, kind=kind, key=key, state=AlertState.OPEN).first())


def _refreshed(alert: Alert, *, title: str, details: dict | None, at: datetime) -> Alert:
    alert.last_seen_at = max(at, alert.last_seen_at)
    alert.occurrences = F("occurrences") + 1
    alert.title = title[:300]
    if details is not None:
        alert.details = details
    alert.save(update_fields=["last_seen_at", "occurrences", "title", "details"])
    alert.refresh_from_db(fields=["occurrences"])
    return alert


@transaction.atomic
def alerts_raise_many(*, kind: str, raises: Iterable[AlertRaise],
                      at: datetime | None = None) -> int:
    """`alert_raise` for many conditions of one kind at once (a sweep): the open alerts among
    them are refreshed, the others opened, in a few queries. Returns how many were opened."""
    at = at or timezone.now()
    saved, default = rules.saved_rules_of_kind(kind), rules.default_rule(kind)
    wanted = {(r.tenant_id, r.key): r for r in raises
              if saved.get(r.tenant_id, default).enabled}
    if not wanted:
        return 0
    tenant_ids = {tenant_id for tenant_id, _ in wanted}
    open_now = {(a.tenant_id, a.key): a for a in Alert.objects.filter(
        kind=kind, state=AlertState.OPEN, tenant_id__in=tenant_ids).only(*SWEPT)}
    _refresh_many([open_now[k] for k in wanted.keys() & open_now.keys()], wanted, at)
    new = [wanted[k] for k in wanted.keys() - open_now.keys()]
    return len(_open_many(kind, new, saved, default, at))


def _refresh_many(alerts: list[Alert], wanted: dict[tuple[int, str], AlertRaise],
                  at: datetime) -> None:
    """One UPDATE per chunk for them all; the few whose title or details changed are also
    written one by one (a sweep mostly sees the same condition again)."""
    changed = []
    for alert in alerts:
        seen = wanted[(alert.tenant_id, alert.key)]
        if (alert.title, alert.details) != (seen.title[:300], seen.details):
            alert.title, alert.details = seen.title[:300], seen.details
            changed.append(alert)
    for chunk in _chunks([alert.pk for alert in alerts]):
        Alert.objects.filter(pk__in=chunk).update(
            last_seen_at=Greatest("last_seen_at", Value(at)), occurrences=F("occurrences") + 1)
    Alert.objects.bulk_update(changed, ["title", "details"], batch_size=BATCH)


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


def _open_many(kind: str, new: list[AlertRaise], saved: dict, default: rules.Rule,
               at: datetime) -> list[Alert]:
    if not new:
        return []
    tenant_ids = {r.tenant_id for r in new}
    muted = set(StationMute.objects.filter(mute_in_force(at), tenant_id__in=tenant_ids)
                .values_list("station_id", flat=True))
    Alert.objects.bulk_create([
        Alert(tenant_id=r.tenant_id, kind=kind, key=r.key, station_id=r.station_id,
              severity=saved.get(r.tenant_id, default).severity, title=r.title[:300],
              details=r.details, opened_at=at, last_seen_at=at, muted=r.station_id in muted)
        for r in new], batch_size=BATCH, ignore_conflicts=True)  # opened elsewhere meanwhile: theirs
    keys = {(r.tenant_id, r.key) for r in new}
    opened = [a for a in Alert.objects.filter(kind=kind, state=AlertState.OPEN, opened_at=at,
                                              tenant_id__in=tenant_ids).only(*SWEPT)
              if (a.tenant_id, a.key) in keys]
    _announce_opened(opened)
    return opened


# --- Resolving ------------------------------------------------------------------------------

def alert_resolve(*, tenant_id: int, kind: str, key: str, resolution: str = "",
                  at: datetime | None = None, opened_before: datetime | None = None) -> Alert | None:
    """Resolve the open alert of (tenant, kind, key), if it was opened before `opened_before`
    (when given: what cleared it happened then, and a newer alert is about something later);
    None when there is none. Every status change and connect of a fleet asks this, and almost
    always there is none: that costs one indexed read, written out (compiling the ORM's was
    most of its cost, a tenth of a server process's time in a reconnect storm:
    bench/README.md, issue 22), no transaction."""
    before = opened_before or _NEVER_OPENED
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_ALERT_EXISTS, [tenant_id, kind, key, AlertState.OPEN.value,
                                            connection.ops.adapt_datetimefield_value(before)])
        if cursor.fetchone() is None:
            return None
    return _resolve(tenant_id=tenant_id, kind=kind, key=key, resolution=resolution, at=at,
                    opened_before=before)


_OPEN_ALERT_EXISTS = (f"SELECT 1 FROM {connection.ops.quote_name(Alert._meta.db_table)} "
                      f"WHERE tenant_id = %s AND kind = %s AND key = %s AND state = %s "
                      f"AND opened_at < %s LIMIT 1")
_NEVER_OPENED = datetime.max.replace(tzinfo=UTC)  # no alert was opened at or after it


@transaction.atomic
def _resolve(*, tenant_id: int, kind: str, key: str, resolution: str,
             at: datetime | None, opened_before: datetime) -> Alert | None:
    alert = _open_locked(tenant_id, kind, key)
    if alert is None or alert.opened_at >= opened_before:
        return None
    alert.state, alert.resolved_at = AlertState.RESOLVED, at or timezone.now()
    alert.resolution = resolution[:200]
    alert.save(update_fields=["state", "resolved_at", "resolution"])
    _announce_resolved([alert])
    return alert


@transaction.atomic
def alerts_resolve_absent(*, kind: str, present: set[tuple[int, str]], resolution: str = "",
                          at: datetime | None = None) -> int:
    """Resolve every open alert of `kind` (all tenants) whose (tenant_id, key) is not in
    `present`: what a sweep no longer sees has cleared. Returns how many were resolved."""
    gone = [a for a in Alert.objects.select_for_update()
            .filter(kind=kind, state=AlertState.OPEN).only(*SWEPT)
            if (a.tenant_id, a.key) not in present]
    return len(_resolve_many(gone, resolution=resolution, at=at or timezone.now()))


def alerts_resolve_keys(*, kind: str, keys: Iterable[tuple[int, str]], resolution: str = "",
                        at: datetime | None = None) -> int:
    """Resolve the open alerts of `kind` with these (tenant_id, key)s, if any."""
    keys = set(keys)
    if not keys:
        return 0
    with transaction.atomic():
        tenant_ids = {tenant_id for tenant_id, _ in keys}
        found = [a for a in Alert.objects.select_for_update().filter(
            kind=kind, state=AlertState.OPEN, tenant_id__in=tenant_ids).only(*SWEPT)
            if (a.tenant_id, a.key) in keys]
        return len(_resolve_many(found, resolution=resolution, at=at or timezone.now()))


def _resolve_many(alerts: list[Alert], *, resolution: str, at: datetime) -> list[Alert]:
    for alert in alerts:
        alert.state, alert.resolved_at, alert.resolution = AlertState.RESOLVED, at, resolution[:200]
    for chunk in _chunks([alert.pk for alert in alerts]):
        Alert.objects.filter(pk__in=chunk).update(state=AlertState.RESOLVED, resolved_at=at,
                                                  resolution=resolution[:200])
    _announce_resolved(alerts)
    return alerts


# --- Operators ------------------------------------------------------------------------------

@transaction.atomic
def alert_acknowledge(*, tenant_id: int, alert_id: int, by: str) -> Alert:
    """Someone has it in hand: the badge no longer counts it. Acknowledging again keeps the
    first. Alert.DoesNotExist for an id not of the tenant."""
    alert = Alert.objects.select_for_update().get(tenant_id=tenant_id, pk=alert_id)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), by[:200]
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        transaction.on_commit(lambda: _live(tenant_id, [{"type": "alert.acknowledged",
                                                         "id": alert.pk}]))
    return alert


@transaction.atomic
def station_mute(*, tenant_id: int, station_id: int, until: datetime | None = None,
                 reason: str = "", by: str = "") -> StationMute:
    """No one is told of the station's new alerts until `until` (None: until unmuted); they
    are still recorded. Station.DoesNotExist for a station not of the tenant."""
    station = Station.objects.get(tenant_id=tenant_id, pk=station_id)
    if until is not None and until <= timezone.now():
        raise ValueError("The mute must end in the future.")
    mute, _ = StationMute.objects.update_or_create(
        station=station, defaults={"tenant_id": tenant_id, "until": until,
                                   "reason": reason[:200], "created_by": by[:200]})
    return mute


@transaction.atomic
def station_unmute(*, tenant_id: int, station_id: int) -> None:
    StationMute.objects.filter(tenant_id=tenant_id, station_id=station_id).delete()


@transaction.atomic
def alert_rule_update(*, tenant_id: int, kind: str, **fields) -> AlertRule:
    """Change the tenant's rule for `kind` (its row made from the default first). ValueError
    with the reason for a field that is not valid."""
    _validate_rule_fields(tenant_id, kind, fields)
    default = rules.DEFAULTS[kind]
    rule, _ = AlertRule.objects.select_for_update().get_or_create(
        tenant_id=tenant_id, kind=kind,
        defaults={"enabled": default.enabled, "severity": default.severity,
                  "email": default.email, "notify_roles": list(default.notify_roles)})
    user_ids = fields.pop("notify_user_ids", None)
    for name, value in fields.items():
        setattr(rule, name, list(value) if name == "notify_roles" else value)
    rule.save()
    if user_ids is not None:
        rule.notify_users.set(user_ids)
    return rule


def _validate_rule_fields(tenant_id: int, kind: str, fields: dict) -> None:
    if kind not in AlertKind.values:
        raise ValueError(f"Unknown alert kind {kind!r}.")
    unknown = set(fields) - RULE_FIELDS
    if unknown:
        raise ValueError(f"Unknown rule fields: {', '.join(sorted(unknown))}.")
    threshold = fields.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int)
                                  or not 0 <= threshold <= 2_000_000_000):
        raise ValueError("The threshold must be a whole number of minutes (days) from 0.")
    if "severity" in fields and fields["severity"] not in Severity.values:
        raise ValueError(f"Severity must be one of {', '.join(Severity.values)}.")
    roles = fields.get("notify_roles")
    if roles is not None and (isinstance(roles, str) or not set(roles) <= set(Role.values)):
        raise ValueError(f"Roles must be among {', '.join(Role.values)}.")
    users = fields.get("notify_user_ids")
    if users is not None:
        users = set(users)
        members = set(Membership.objects.filter(tenant_id=tenant_id, user_id__in=users)
                      .values_list("user_id", flat=True))
        if users - members:
            raise ValueError("Only members of the tenant can be told.")


# --- Telling the apps above and the dashboards ----------------------------------------------

def _announce_opened(alerts: list[Alert]) -> None:
    for alert in alerts:
        events.publish(AlertOpened(tenant_id=alert.tenant_id, alert_id=alert.pk))
    _live_on_commit(alerts, "alert.opened")


def _announce_resolved(alerts: list[Alert]) -> None:
    for alert in alerts:
        events.publish(AlertResolved(tenant_id=alert.tenant_id, alert_id=alert.pk))
    _live_on_commit(alerts, "alert.resolved")


def _live_on_commit(alerts: list[Alert], type_: str) -> None:
    by_tenant: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_tenant[alert.tenant_id].append(alert)
    for tenant_id, theirs in by_tenant.items():
        if len(theirs) > LIVE_ONE_BY_ONE:
            verb = type_.split(".")[1]
            told = [{"type": "alerts.changed", verb: len(theirs)}]
        else:
            told = _live_events(theirs, type_)
        transaction.on_commit(lambda tenant_id=tenant_id, told=told: _live(tenant_id, told))


def _live_events(alerts: list[Alert], type_: str) -> list[dict]:
    identities = dict(Station.objects.filter(pk__in={a.station_id for a in alerts if a.station_id})
                      .values_list("pk", "identity"))
    told = []
    for alert in alerts:
        event = {"type": type_, "id": alert.pk, "kind": alert.kind,
                 "station": identities.get(alert.station_id)}
        if type_ == "alert.opened":
            event |= {"severity": alert.severity, "title": alert.title}
        told.append(event)
    return told


def _live(tenant_id: int, told: list[dict]) -> None:
    """After the commit, best effort: a dashboard that misses one is right at its next load."""
    try:
        count = open_alert_count(tenant_id)
        for event in told:
            live.publish(tenant_id, event | {"open_count": count})
    except Exception:
        log.exception("Publishing alerts to tenant %s failed", tenant_id)
