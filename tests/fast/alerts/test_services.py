"""Alert services (alerts/services.py): one alert per incident, refreshed while it lasts and
resolved when it clears; the race of two processes opening it; the bulk path of sweeps; mute,
acknowledge, and no tenant touching another's alerts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError
from django.utils import timezone

from alerts import services
from alerts.events import AlertOpened, AlertResolved
from alerts.models import Alert, AlertKind, AlertState
from alerts.selectors import alerts_of, open_alert_count, station_alerts, station_muted
from alerts.services import (
    AlertRaise,
    alert_acknowledge,
    alert_raise,
    alert_resolve,
    alert_rule_update,
    alerts_raise_many,
    alerts_resolve_absent,
    station_mute,
    station_unmute,
)
from stations import events
from stations.models import Station
from tests.factories import make_station

pytestmark = pytest.mark.django_db
OFFLINE = AlertKind.STATION_OFFLINE


@pytest.fixture
def station(tenant):
    return make_station(tenant, "CP-ALERT")[0]


@pytest.fixture
def heard():
    """The alerts' domain events published, and the live events sent (run at commit)."""
    told = {"events": [], "live": []}
    listener = told["events"].append
    events.subscribe(AlertOpened, listener)
    events.subscribe(AlertResolved, listener)
    with mock.patch("alerts.services.live.publish",
                    side_effect=lambda tenant_id, event: told["live"].append((tenant_id, event))):
        yield told
    events.unsubscribe(AlertOpened, listener)
    events.unsubscribe(AlertResolved, listener)


def _raise(tenant, station, **fields):
    return alert_raise(tenant_id=tenant.pk, kind=OFFLINE, key=f"station:{station.pk}",
                       title="CP-ALERT offline", station_id=station.pk, **fields)


def test_a_condition_opens_an_alert_with_its_rules_severity(tenant, station):
    alert = _raise(tenant, station, details={"last_seen": "x"})
    assert (alert.state, alert.severity, alert.occurrences, alert.muted) == ("open", "critical", 1, False)
    assert alert.details == {"last_seen": "x"}
    assert alert.opened_at == alert.last_seen_at


def test_the_same_condition_again_refreshes_the_open_alert(tenant, station):
    first = _raise(tenant, station)
    later = timezone.now() + timedelta(minutes=1)
    again = alert_raise(tenant_id=tenant.pk, kind=OFFLINE, key=f"station:{station.pk}",
                        title="still offline", station_id=station.pk, at=later)
    assert again.pk == first.pk
    assert (again.occurrences, again.title, again.last_seen_at) == (2, "still offline", later)
    assert Alert.objects.count() == 1


def test_a_disabled_rule_raises_nothing(tenant, station):
    alert_rule_update(tenant_id=tenant.pk, kind=OFFLINE, enabled=False)
    assert _raise(tenant, station) is None
    assert not Alert.objects.exists()


def test_resolving_closes_it_and_the_next_incident_is_a_new_alert(tenant, station):
    first = _raise(tenant, station)
    resolved = alert_resolve(tenant_id=tenant.pk, kind=OFFLINE, key=f"station:{station.pk}",
                             resolution="Online again")
    assert (resolved.pk, resolved.state, resolved.resolution) == (first.pk, "resolved", "Online again")
    assert resolved.resolved_at is not None
    assert alert_resolve(tenant_id=tenant.pk, kind=OFFLINE, key=f"station:{station.pk}") is None
    assert _raise(tenant, station).pk != first.pk


def test_two_processes_opening_it_at_once_end_with_one_alert(tenant, station):
    """The loser of the race meets the constraint on its insert and refreshes the winner's."""
    winner = _raise(tenant, station)
    real_create = Alert.objects.create
    with mock.patch.object(services, "_open_locked", side_effect=[None, winner]), \
         mock.patch.object(Alert.objects, "create", side_effect=lambda **kw: real_create(**kw)):
        loser = _raise(tenant, station)
    assert loser.pk == winner.pk
    assert Alert.objects.get().occurrences == 2


def test_the_constraint_itself_refuses_a_second_open_alert(tenant, station):
    _raise(tenant, station)
    with pytest.raises(IntegrityError):
        Alert.objects.create(tenant=tenant, kind=OFFLINE, key=f"station:{station.pk}", title="x",
                             opened_at=timezone.now(), last_seen_at=timezone.now())


def test_a_new_alert_is_published_and_told_live_after_the_commit(tenant, station, heard,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = _raise(tenant, station)
        _raise(tenant, station)  # a refresh tells no one
    assert heard["events"] == [AlertOpened(tenant_id=tenant.pk, alert_id=alert.pk)]
    assert heard["live"] == [(tenant.pk, {
        "type": "alert.opened", "id": alert.pk, "kind": OFFLINE, "station": "CP-ALERT",
        "severity": "critical", "title": "CP-ALERT offline", "open_count": 1})]
    with django_capture_on_commit_callbacks(execute=True):
        alert_resolve(tenant_id=tenant.pk, kind=OFFLINE, key=f"station:{station.pk}")
    assert heard["events"][-1] == AlertResolved(tenant_id=tenant.pk, alert_id=alert.pk)
    assert heard["live"][-1] == (tenant.pk, {"type": "alert.resolved", "id": alert.pk,
                                             "kind": OFFLINE, "station": "CP-ALERT",
                                             "open_count": 0})


def test_a_muted_station_still_records_its_alert_as_muted(tenant, station):
    station_mute(tenant_id=tenant.pk, station_id=station.pk, reason="maintenance", by="ann")
    assert station_muted(station.pk, timezone.now())
    assert _raise(tenant, station).muted
    station_unmute(tenant_id=tenant.pk, station_id=station.pk)
    assert not station_muted(station.pk, timezone.now())


def test_a_mute_that_ended_mutes_nothing(tenant, station):
    mute = station_mute(tenant_id=tenant.pk, station_id=station.pk,
                        until=timezone.now() + timedelta(hours=1))
    assert station_muted(station.pk, timezone.now())
    assert not station_muted(station.pk, mute.until + timedelta(seconds=1))
    with pytest.raises(ValueError):
        station_mute(tenant_id=tenant.pk, station_id=station.pk,
                     until=timezone.now() - timedelta(minutes=1))


def test_acknowledging_takes_it_off_the_badge_and_keeps_the_first(tenant, station):
    alert = _raise(tenant, station)
    assert open_alert_count(tenant.pk) == 1
    acknowledged = alert_acknowledge(tenant_id=tenant.pk, alert_id=alert.pk, by="ann")
    assert acknowledged.acknowledged_by == "ann" and acknowledged.acknowledged_at
    assert open_alert_count(tenant.pk) == 0
    assert alert_acknowledge(tenant_id=tenant.pk, alert_id=alert.pk, by="bob").acknowledged_by == "ann"


def test_another_tenant_can_neither_see_acknowledge_nor_mute(tenant, other_tenant, station):
    alert = _raise(tenant, station)
    assert not alerts_of(other_tenant.pk).exists()
    assert open_alert_count(other_tenant.pk) == 0
    with pytest.raises(Alert.DoesNotExist):
        alert_acknowledge(tenant_id=other_tenant.pk, alert_id=alert.pk, by="eve")
    with pytest.raises(Station.DoesNotExist):
        station_mute(tenant_id=other_tenant.pk, station_id=station.pk)
    station_unmute(tenant_id=other_tenant.pk, station_id=station.pk)  # nothing of theirs
    assert alert_resolve(tenant_id=other_tenant.pk, kind=OFFLINE, key=alert.key) is None
    assert Alert.objects.get().state == AlertState.OPEN


def test_selectors_filter_by_state_kind_and_station(tenant, station):
    alert = _raise(tenant, station)
    other = alert_raise(tenant_id=tenant.pk, kind=AlertKind.CONNECTOR_FAULTED,
                        key=f"connector:{station.pk}:1:1", title="faulted")
    assert list(alerts_of(tenant.pk, kind=OFFLINE)) == [alert]
    assert list(alerts_of(tenant.pk, station_id=station.pk)) == [alert]
    assert set(alerts_of(tenant.pk, state="open")) == {alert, other}
    assert not alerts_of(tenant.pk, state="resolved").exists()
    assert station_alerts(station.pk) == [alert]


# The bulk path of sweeps -------------------------------------------------------------------------
def test_a_sweep_opens_new_alerts_and_refreshes_the_open_ones(tenant, other_tenant, station):
    theirs = make_station(other_tenant, "CP-THEIRS")[0]
    existing = _raise(tenant, station)
    raises = [AlertRaise(tenant_id=tenant.pk, key=f"station:{station.pk}", title="again",
                         station_id=station.pk),
              AlertRaise(tenant_id=other_tenant.pk, key=f"station:{theirs.pk}", title="new",
                         station_id=theirs.pk, details={"a": 1})]
    assert alerts_raise_many(kind=OFFLINE, raises=raises) == 1
    existing.refresh_from_db()
    assert (existing.occurrences, existing.title) == (2, "again")
    new = Alert.objects.get(tenant=other_tenant)
    assert (new.key, new.details, new.severity, new.station) == (
        f"station:{theirs.pk}", {"a": 1}, "critical", theirs)


def test_a_sweep_skips_tenants_whose_rule_is_disabled_and_marks_muted_stations(tenant, other_tenant,
                                                                              station):
    theirs = make_station(other_tenant)[0]
    alert_rule_update(tenant_id=other_tenant.pk, kind=OFFLINE, enabled=False)
    station_mute(tenant_id=tenant.pk, station_id=station.pk)
    alerts_raise_many(kind=OFFLINE, raises=[
        AlertRaise(tenant_id=tenant.pk, key=f"station:{station.pk}", title="x", station_id=station.pk),
        AlertRaise(tenant_id=other_tenant.pk, key=f"station:{theirs.pk}", title="y",
                   station_id=theirs.pk)])
    assert Alert.objects.get().muted
    assert not Alert.objects.filter(tenant=other_tenant).exists()


def test_a_sweep_resolves_what_it_no_longer_sees(tenant, other_tenant, station):
    kept = _raise(tenant, station)
    gone = alert_raise(tenant_id=other_tenant.pk, kind=OFFLINE, key=f"station:{station.pk}",
                       title="same key, other tenant")
    assert alerts_resolve_absent(kind=OFFLINE, present={(tenant.pk, kept.key)},
                                 resolution="Online again") == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.state, gone.resolution, kept.state) == ("resolved", "Online again", "open")


def test_a_burst_is_told_live_as_one_event_per_tenant(tenant, heard, django_capture_on_commit_callbacks):
    raises = [AlertRaise(tenant_id=tenant.pk, key=f"station:{n}", title=f"offline {n}")
              for n in range(services.LIVE_ONE_BY_ONE + 1)]
    with django_capture_on_commit_callbacks(execute=True):
        alerts_raise_many(kind=OFFLINE, raises=raises)
    assert len(heard["events"]) == services.LIVE_ONE_BY_ONE + 1
    assert heard["live"] == [(tenant.pk, {"type": "alerts.changed", "opened": 21,
                                          "open_count": 21})]
