"""A tenant's alert rules: the defaults every tenant has on day one, merged with the rows an
operator saved (docs/alerts.md "Rules and defaults").

A tenant that configured nothing has no AlertRule row: it gets `DEFAULTS`. A saved row overrides
the default wholesale, except a blank threshold, which stays the kind's default. The conditions
(alerts/conditions/) and the delivery read rules only through here."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from alerts.models import AlertKind, AlertRule, Severity


@dataclass(frozen=True)
class RuleDefaults:
    severity: str
    threshold: int | None = None  # minutes (days for certificates); None: the kind has none
    notify_roles: tuple[str, ...] = ("manager",)
    enabled: bool = True
    email: bool = True


@dataclass(frozen=True)
class Rule:
    kind: str
    enabled: bool
    threshold: int | None
    severity: str
    email: bool
    notify_roles: tuple[str, ...]
    notify_user_ids: tuple[int, ...]


DEFAULTS: dict[str, RuleDefaults] = {
    AlertKind.STATION_OFFLINE: RuleDefaults(Severity.CRITICAL, threshold=10),
    AlertKind.CONNECTOR_FAULTED: RuleDefaults(Severity.CRITICAL),
    AlertKind.METER_SILENT: RuleDefaults(Severity.WARNING, threshold=15),
    AlertKind.REMOTE_START_UNUSED: RuleDefaults(Severity.WARNING, threshold=3),
    AlertKind.SESSION_CLOSED: RuleDefaults(Severity.WARNING),
    AlertKind.FILE_JOB_FAILED: RuleDefaults(Severity.WARNING, threshold=60),  # minutes stalled
    AlertKind.CERTIFICATE_EXPIRING: RuleDefaults(Severity.WARNING, threshold=30),  # days
    AlertKind.LOAD_OVER_CAP: RuleDefaults(Severity.CRITICAL, threshold=5),
    AlertKind.INVOICE_RUN_FAILED: RuleDefaults(Severity.CRITICAL,
                                               notify_roles=("manager", "accountant")),
    AlertKind.WEBHOOK_FAILING: RuleDefaults(Severity.WARNING),
}


def default_rule(kind: str) -> Rule:
    default = DEFAULTS[kind]
    return Rule(kind=str(kind), enabled=default.enabled, threshold=default.threshold,
                severity=str(default.severity), email=default.email,
                notify_roles=default.notify_roles, notify_user_ids=())


def _merged(row: AlertRule) -> Rule:
    threshold = row.threshold if row.threshold is not None else DEFAULTS[row.kind].threshold
    return Rule(kind=row.kind, enabled=row.enabled, threshold=threshold, severity=row.severity,
                email=row.email, notify_roles=tuple(row.notify_roles or ()),
                notify_user_ids=tuple(sorted(user.pk for user in row.notify_users.all())))


def _saved(**filters) -> list[AlertRule]:
    return list(AlertRule.objects.filter(**filters).prefetch_related("notify_users"))


def rule_for(tenant_id: int, kind: str) -> Rule:
    """The tenant's rule for `kind`: its saved one, else the default."""
    saved = _saved(tenant_id=tenant_id, kind=kind)
    return _merged(saved[0]) if saved else default_rule(kind)


def rules_of(tenant_id: int) -> list[Rule]:
    """Every kind's rule of the tenant, in AlertKind order."""
    saved = {row.kind: _merged(row) for row in _saved(tenant_id=tenant_id)}
    return [saved.get(kind, default_rule(kind)) for kind in AlertKind.values]


def saved_rules_of_kind(kind: str) -> dict[int, Rule]:
    """The rules of `kind` tenants saved, by tenant id (the others have `default_rule(kind)`):
    a sweep over every tenant reads them in one query."""
    return {row.tenant_id: _merged(row) for row in _saved(kind=kind)}


def threshold_of(rule: Rule) -> int:
    """The rule's threshold, else its kind's default (0 for a kind without one)."""
    if rule.threshold is not None:
        return rule.threshold
    return DEFAULTS[rule.kind].threshold or 0


def tenant_groups(kind: str) -> list[tuple[int, Q]]:
    """(threshold, which tenants) for each threshold of `kind` in force, for a sweep that asks
    the database once per threshold: one group per saved threshold, and the default's for every
    tenant without a saved rule. A disabled rule's tenants are in none."""
    saved, default = saved_rules_of_kind(kind), default_rule(kind)
    by_threshold: dict[int, set[int]] = defaultdict(set)
    for tenant_id, rule in saved.items():
        if rule.enabled:
            by_threshold[threshold_of(rule)].add(tenant_id)
    groups = [(minutes, Q(tenant_id__in=tenants)) for minutes, tenants in by_threshold.items()]
    if default.enabled:
        groups.append((threshold_of(default), ~Q(tenant_id__in=set(saved))))
    return groups
