"""Telling people of alerts by e-mail, every ALERT_DELIVER_INTERVAL seconds (docs/alerts.md,
Delivery).

A round claims the alerts to tell with a conditional UPDATE of their `opened_notified_at` /
`resolved_notified_at` (only where still null), so two workers never tell one twice. Per tenant,
up to ALERT_BURST_THRESHOLD alerts go out one e-mail each; more make one summary per recipient:
a server restart dropping 10,000 stations is one e-mail, not thousands. A mail the SMTP server
refused is recorded with its error and its alerts are unclaimed: the next round tries again.
After a tenant's round, `AlertsTold` tells the apps above (webhooks) what was told.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from alerts.emails import Told, alert_message, summary_message
from alerts.events import AlertsTold
from alerts.models import Alert, AlertNotification, AlertState, StationMute
from alerts.rules import rule_for
from alerts.selectors import mute_in_force
from stations import events
from tenants.models import Membership

log = logging.getLogger(__name__)

CHUNK = 500  # ids per UPDATE (SQLite's limit on variables is far above)


@dataclass
class Round:
    """One tenant's alerts claimed in this round."""

    tenant_id: int
    items: list[Told] = field(default_factory=list)


def alerts_deliver(*, now: datetime) -> int:
    """Tell everyone of the alerts due; returns how many e-mails were sent."""
    _skip_untold_resolved(now)
    sent = 0
    for tenant_round in _claim(now).values():
        try:
            sent += _tenant_deliver(tenant_round, now=now)
        except Exception:  # a bug or the database: this tenant's alerts are due again next round
            log.exception("Alert delivery failed for tenant %s", tenant_round.tenant_id)
            _unclaim({told.alert.id for told in tenant_round.items})
    return sent


def _skip_untold_resolved(now: datetime) -> None:
    """An alert resolved before anyone was told of it (a flap): tell nothing, mark both."""
    Alert.objects.filter(state=AlertState.RESOLVED, opened_notified_at__isnull=True).update(
        opened_notified_at=now, resolved_notified_at=now)


def _claim(now: datetime) -> dict[int, Round]:
    delay = timedelta(seconds=getattr(settings, "ALERT_NOTIFY_DELAY", 0.0))
    opened = _claim_field("opened_notified_at", now, Q(state=AlertState.OPEN,
                                                       opened_at__lte=now - delay))
    resolved = _claim_field("resolved_notified_at", now, Q(state=AlertState.RESOLVED,
                                                           opened_notified_at__isnull=False))
    rounds: dict[int, Round] = {}
    for ids, is_resolved in ((opened, False), (resolved, True)):
        for alert in _alerts(ids):
            rounds.setdefault(alert.tenant_id, Round(alert.tenant_id)).items.append(
                Told(alert, is_resolved))
    return rounds


def _claim_field(name: str, now: datetime, due: Q) -> list[int]:
    """The ids whose `name` this round set: a conditional UPDATE (still null) per chunk, then
    the rows holding this round's stamp among those it tried."""
    unclaimed = Q(**{f"{name}__isnull": True})
    candidates = list(Alert.objects.filter(due & unclaimed).values_list("id", flat=True))
    claimed = []
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start:start + CHUNK]
        Alert.objects.filter(unclaimed, id__in=chunk).update(**{name: now})
        claimed += Alert.objects.filter(id__in=chunk, **{name: now}).values_list("id", flat=True)
    return claimed


def _alerts(ids: list[int]) -> Iterable[Alert]:
    for start in range(0, len(ids), CHUNK):
        yield from (Alert.objects.filter(id__in=ids[start:start + CHUNK])
                    .select_related("station").order_by("opened_at", "id"))


def _tenant_deliver(tenant_round: Round, *, now: datetime) -> int:
    muted = _muted_station_ids(tenant_round.tenant_id, now)
    items = [told for told in tenant_round.items
             if not told.alert.muted and told.alert.station_id not in muted]
    if not items:
        return 0
    audience = _Audience(tenant_round.tenant_id)
    threshold = getattr(settings, "ALERT_BURST_THRESHOLD", 10)
    summarized = len(items) > threshold
    mails = _summaries(items, audience) if summarized else _one_by_one(items, audience)
    failed: set[int] = set()
    for message, told in mails:
        failed |= _send(tenant_round.tenant_id, message, told, summarized=summarized, now=now)
    _unclaim(failed)
    kept = [told for told in items if told.alert.id not in failed]
    if kept:
        events.publish(AlertsTold(
            tenant_round.tenant_id,
            tuple(sorted(told.alert.id for told in kept if not told.resolved)),
            tuple(sorted(told.alert.id for told in kept if told.resolved)),
            summarized))
    return sum(1 for _, told in mails if not {t.alert.id for t in told} & failed)


def _muted_station_ids(tenant_id: int, now: datetime) -> set[int]:
    mutes = StationMute.objects.filter(mute_in_force(now), tenant_id=tenant_id)
    return set(mutes.values_list("station_id", flat=True))


class _Audience:
    """Who is told of a kind of alert in a tenant: its rule's roles and users, active members of
    the tenant with an e-mail address; no one if the rule is off or sends no e-mail."""

    def __init__(self, tenant_id: int):
        self.tenant_id = tenant_id
        members = (Membership.objects.filter(tenant_id=tenant_id, user__is_active=True)
                   .exclude(user__email=""))
        self.members = list(members.values_list("user_id", "role", "user__email"))
        self._by_kind: dict[str, list[str]] = {}

    def of(self, kind: str) -> list[str]:
        if kind not in self._by_kind:
            self._by_kind[kind] = self._recipients(kind)
        return self._by_kind[kind]

    def _recipients(self, kind: str) -> list[str]:
        rule = rule_for(self.tenant_id, kind)
        if not rule.enabled or not rule.email:
            return []
        roles, users = set(rule.notify_roles or ()), set(rule.notify_user_ids or ())
        emails = {email for user_id, role, email in self.members
                  if role in roles or user_id in users}
        return sorted(emails)


def _one_by_one(items: list[Told], audience: _Audience) -> list:
    mails = []
    for told in items:
        recipients = audience.of(told.alert.kind)
        if recipients:
            mails.append((alert_message(told, recipients), [told]))
    return mails


def _summaries(items: list[Told], audience: _Audience) -> list:
    per_recipient: dict[str, list[Told]] = defaultdict(list)
    for told in items:
        for recipient in audience.of(told.alert.kind):
            per_recipient[recipient].append(told)
    return [(summary_message(told, recipient), told)
            for recipient, told in sorted(per_recipient.items())]


def _send(tenant_id: int, message, told: list[Told], *, summarized: bool,
          now: datetime) -> set[int]:
    """Send one e-mail and record it; the ids of its alerts if it failed (to tell again)."""
    error = ""
    try:
        message.send(fail_silently=False)
    except Exception as failure:  # SMTP, DNS, a refused address: recorded, retried next round
        log.warning("Alert e-mail %r to %s failed: %s", message.subject, message.to, failure)
        error = f"{type(failure).__name__}: {failure}"[:2000]
    notification = AlertNotification.objects.create(
        tenant_id=tenant_id, sent_at=now, recipients=list(message.to),
        subject=message.subject[:300], summarized=summarized, error=error)
    through = AlertNotification.alerts.through
    through.objects.bulk_create(
        [through(alertnotification_id=notification.id, alert_id=alert_id)
         for alert_id in {t.alert.id for t in told}], batch_size=CHUNK)
    return {t.alert.id for t in told} if error else set()


def _unclaim(failed: set[int]) -> None:
    """Alerts whose e-mail failed are due again next round. An opened one is unclaimed; for a
    resolved one, its resolution."""
    ids = list(failed)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        Alert.objects.filter(id__in=chunk, resolved_notified_at__isnull=True).update(
            opened_notified_at=None)
        Alert.objects.filter(id__in=chunk, state=AlertState.RESOLVED).update(
            resolved_notified_at=None)

