"""alerts/delivery.py: who is told of which alert, once, one by one or as one summary, and a mail
the SMTP server refused is told again (docs/alerts.md, Delivery)."""

from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from alerts.delivery import alerts_deliver
from alerts.events import AlertsTold
from alerts.models import Alert, AlertNotification, AlertRule, AlertState, StationMute
from stations import events
from tenants.models import Membership, Role
from tests.factories import make_station

pytestmark = pytest.mark.django_db
_n = count()


def person(tenant, role: str, email: str | None = None):
    n = next(_n)
    user = get_user_model().objects.create_user(
        username=f"alerted{n}", email=f"person{n}@example.com" if email is None else email)
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def alert(tenant, *, kind="station_offline", station=None, minutes_ago=20, **fields) -> Alert:
    opened = timezone.now() - timedelta(minutes=minutes_ago)
    station = station or make_station(tenant)[0]
    fields.setdefault("title", f"Station {station.identity} offline")
    return Alert.objects.create(tenant=tenant, kind=kind, key=f"station:{station.pk}:{next(_n)}",
                                station=station, opened_at=opened, last_seen_at=opened, **fields)


@pytest.fixture
def told():
    heard = []
    events.subscribe(AlertsTold, heard.append)
    yield heard
    events.unsubscribe(AlertsTold, heard.append)


def test_one_alert_is_one_mail_to_the_managers(tenant, mailoutbox, told):
    manager, installer = person(tenant, Role.MANAGER), person(tenant, Role.INSTALLER)
    person(tenant, Role.MANAGER, email="")  # no address: not told
    gone = person(tenant, Role.MANAGER)
    gone.is_active = False  # an account switched off: not told
    gone.save(update_fields=["is_active"])
    station, _ = make_station(tenant, "CP-7")
    opened = alert(tenant, station=station)

    assert alerts_deliver(now=timezone.now()) == 1

    [message] = mailoutbox
    assert message.subject == "[CPMS] Station CP-7 offline"
    assert message.to == [manager.email]
    assert installer.email not in message.to
    assert "CP-7" in message.body and "/alerts/" in message.body
    assert message.alternatives[0][1] == "text/html"
    notification = AlertNotification.objects.get(tenant=tenant)
    assert list(notification.alerts.all()) == [opened] and not notification.error
    assert told == [AlertsTold(tenant.id, (opened.id,), (), False)]


def test_two_rounds_tell_an_alert_once(tenant, mailoutbox):
    person(tenant, Role.MANAGER)
    alert(tenant)
    now = timezone.now()
    alerts_deliver(now=now)
    alerts_deliver(now=now)
    alerts_deliver(now=now + timedelta(seconds=1))
    assert len(mailoutbox) == 1


def test_a_disabled_rule_a_rule_without_email_and_a_muted_station_tell_no_one(
        tenant, mailoutbox, told):
    person(tenant, Role.MANAGER)
    AlertRule.objects.create(tenant=tenant, kind="station_offline", enabled=False,
                             notify_roles=["manager"])
    AlertRule.objects.create(tenant=tenant, kind="connector_faulted", email=False,
                             notify_roles=["manager"])
    muted_station, _ = make_station(tenant)
    StationMute.objects.create(tenant=tenant, station=muted_station)
    alert(tenant)
    faulted = alert(tenant, kind="connector_faulted")
    muted = alert(tenant, kind="meter_silent", station=muted_station)
    flagged = alert(tenant, kind="meter_silent", muted=True)

    assert alerts_deliver(now=timezone.now()) == 0

    assert mailoutbox == []
    for each in (faulted, muted, flagged):
        each.refresh_from_db()
        assert each.opened_notified_at is not None
    [event] = told  # the webhooks hear of the alerts whose rule sends no e-mail, not of muted
    assert faulted.id in event.opened and muted.id not in event.opened


def test_an_alert_is_told_after_the_notify_delay(tenant, mailoutbox, settings):
    settings.ALERT_NOTIFY_DELAY = 600
    person(tenant, Role.MANAGER)
    alert(tenant, minutes_ago=5)
    now = timezone.now()
    alerts_deliver(now=now)
    assert mailoutbox == []
    alerts_deliver(now=now + timedelta(minutes=6))
    assert len(mailoutbox) == 1


def test_an_alert_resolved_before_it_was_told_tells_nothing(tenant, mailoutbox):
    person(tenant, Role.MANAGER)
    flap = alert(tenant, state=AlertState.RESOLVED, resolved_at=timezone.now())
    alerts_deliver(now=timezone.now())
    assert mailoutbox == []
    flap.refresh_from_db()
    assert flap.opened_notified_at and flap.resolved_notified_at


def test_a_resolved_alert_is_a_resolved_mail(tenant, mailoutbox, told):
    person(tenant, Role.MANAGER)
    station, _ = make_station(tenant, "CP-8")
    incident = alert(tenant, station=station)
    alerts_deliver(now=timezone.now())
    Alert.objects.filter(pk=incident.pk).update(state=AlertState.RESOLVED,
                                                resolved_at=timezone.now(), resolution="online")
    alerts_deliver(now=timezone.now())
    assert [m.subject for m in mailoutbox] == ["[CPMS] Station CP-8 offline",
                                               "[CPMS] Resolved: Station CP-8 offline"]
    assert told[-1] == AlertsTold(tenant.id, (), (incident.id,), False)


def test_more_than_the_burst_threshold_is_one_summary_per_recipient(tenant, mailoutbox, told,
                                                                    settings):
    settings.ALERT_BURST_THRESHOLD = 10
    managers = [person(tenant, Role.MANAGER), person(tenant, Role.MANAGER)]
    for _ in range(9):
        alert(tenant)
    for _ in range(2):
        alert(tenant, kind="connector_faulted")

    assert alerts_deliver(now=timezone.now()) == 2

    assert sorted(m.to[0] for m in mailoutbox) == sorted(user.email for user in managers)
    assert mailoutbox[0].subject == ("[CPMS] 11 alerts: 9 stations offline, "
                                     "2 connectors faulted")
    assert "/alerts/" in mailoutbox[0].body
    assert AlertNotification.objects.filter(tenant=tenant, summarized=True).count() == 2
    assert told[0].summarized and len(told[0].opened) == 11


def test_a_tenant_hears_only_of_its_own_alerts(tenant, other_tenant, mailoutbox):
    mine = person(tenant, Role.MANAGER)
    theirs = person(other_tenant, Role.MANAGER)
    alert(tenant)
    alerts_deliver(now=timezone.now())
    [message] = mailoutbox
    assert message.to == [mine.email] and theirs.email not in message.to
    assert not AlertNotification.objects.filter(tenant=other_tenant).exists()


def test_rule_users_and_roles_are_told(tenant, other_tenant, mailoutbox):
    accountant = person(tenant, Role.ACCOUNTANT)
    installer = person(tenant, Role.INSTALLER)
    stranger = person(other_tenant, Role.MANAGER)
    rule = AlertRule.objects.create(tenant=tenant, kind="station_offline",
                                    notify_roles=["installer"])
    rule.notify_users.set([accountant, stranger])
    alert(tenant)
    alerts_deliver(now=timezone.now())
    [message] = mailoutbox
    assert sorted(message.to) == sorted([accountant.email, installer.email])


def test_a_refused_mail_is_recorded_and_sent_next_round(tenant, mailoutbox, monkeypatch, told):
    person(tenant, Role.MANAGER)
    incident = alert(tenant)

    def refuse(self, fail_silently=False):
        raise OSError("Connection refused")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    assert alerts_deliver(now=timezone.now()) == 0
    failed = AlertNotification.objects.get(tenant=tenant)
    assert "Connection refused" in failed.error
    assert told == []  # the webhooks hear of it once it is told
    monkeypatch.undo()

    assert alerts_deliver(now=timezone.now()) == 1
    assert len(mailoutbox) == 1
    incident.refresh_from_db()
    assert incident.opened_notified_at is not None
    assert told == [AlertsTold(tenant.id, (incident.id,), (), False)]


def test_a_round_that_breaks_leaves_the_alerts_due(tenant, mailoutbox, monkeypatch):
    person(tenant, Role.MANAGER)
    incident = alert(tenant)
    monkeypatch.setattr("alerts.delivery._one_by_one", lambda items, audience: 1 / 0)
    alerts_deliver(now=timezone.now())
    incident.refresh_from_db()
    assert incident.opened_notified_at is None
    monkeypatch.undo()
    assert alerts_deliver(now=timezone.now()) == 1


def test_a_title_on_several_lines_is_a_one_line_subject(tenant, mailoutbox):
    person(tenant, Role.MANAGER)
    alert(tenant, title="Station X\r\noffline")
    alerts_deliver(now=timezone.now())
    assert mailoutbox[0].subject == "[CPMS] Station X offline"


def test_a_storm_of_ten_thousand_alerts_is_one_round_of_seconds(tenant, mailoutbox, told):
    person(tenant, Role.MANAGER)
    station, _ = make_station(tenant)
    opened = timezone.now() - timedelta(minutes=20)
    Alert.objects.bulk_create([
        Alert(tenant=tenant, kind="station_offline", key=f"station:{n}", station=station,
              title=f"Station CP-{n} offline", opened_at=opened, last_seen_at=opened)
        for n in range(10_000)], batch_size=500)
    started = timezone.now()

    assert alerts_deliver(now=started) == 1

    assert (timezone.now() - started).total_seconds() < 20
    [message] = mailoutbox
    assert message.subject == "[CPMS] 10000 alerts: 10000 stations offline"
    assert "and 9950 more" in message.body
    assert len(told[0].opened) == 10_000
