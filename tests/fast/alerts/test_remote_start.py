"""A remote start accepted that never became a session (alerts/conditions/remote_start.py): the
watch its acceptance records, the session that settles it, the alert after the threshold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.conditions import remote_start
from alerts.models import Alert, RemoteStartWatch
from alerts.services import alert_rule_update
from tests.factories import make_station

pytestmark = pytest.mark.django_db
KIND = "remote_start_unused"


def _watch(station, minutes_ago: float = 5, action="RemoteStartTransaction", payload=None):
    return remote_start.remote_start_watch(
        station_id=station.pk, action=action,
        payload=payload or {"connectorId": 1, "idTag": "DRIVER"},
        at=timezone.now() - timedelta(minutes=minutes_ago))


def test_only_an_accepted_remote_start_is_watched():
    assert remote_start.accepted("RemoteStartTransaction", "result", {"status": "Accepted"})
    assert remote_start.accepted("RequestStartTransaction", "result", {"status": "Accepted"})
    assert not remote_start.accepted("RemoteStartTransaction", "result", {"status": "Rejected"})
    assert not remote_start.accepted("RemoteStartTransaction", "timeout", None)
    assert not remote_start.accepted("Reset", "result", {"status": "Accepted"})


def test_a_watch_records_the_place_and_the_id_tag_of_either_version(tenant):
    station = make_station(tenant)[0]
    v16 = _watch(station)
    v201 = _watch(station, action="RequestStartTransaction",
                  payload={"evseId": 2, "remoteStartId": 7,
                           "idToken": {"idToken": "TOKEN", "type": "ISO14443"}})
    assert (v16.tenant_id, v16.connector_id, v16.evse_id, v16.id_tag) == (tenant.pk, 1, None, "DRIVER")
    assert (v201.connector_id, v201.evse_id, v201.id_tag) == (None, 2, "TOKEN")
    assert v201.key == f"remote_start:{station.pk}:2:TOKEN"


def test_unsettled_after_the_threshold_is_an_alert_once(tenant):
    station = make_station(tenant, "CP-R")[0]
    _watch(station, minutes_ago=2)  # not due yet
    due = _watch(station, minutes_ago=4, payload={"idTag": "LATE"})
    remote_start.check(timezone.now())
    remote_start.check(timezone.now())
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.occurrences) == (KIND, due.key, 1)
    assert "CP-R" in alert.title and "LATE" in alert.title
    assert RemoteStartWatch.objects.get(pk=due.pk).alerted


def test_a_session_on_its_connector_settles_it_and_none_elsewhere(tenant):
    station = make_station(tenant)[0]
    mine, other_connector = _watch(station), _watch(station, payload={"connectorId": 2})
    assert remote_start.remote_start_settle(station_id=station.pk, connector_id=1, evse_id=1,
                                            at=timezone.now()) == 1
    remote_start.check(timezone.now())
    assert RemoteStartWatch.objects.get(pk=mine.pk).settled_at is not None
    assert list(Alert.objects.values_list("key", flat=True)) == [other_connector.key]


def test_a_later_session_resolves_the_alert(tenant):
    station = make_station(tenant)[0]
    _watch(station, payload={"evseId": 1, "idToken": {"idToken": "T", "type": "Central"}},
           action="RequestStartTransaction")
    remote_start.check(timezone.now())
    remote_start.remote_start_settle(station_id=station.pk, connector_id=1, evse_id=1,
                                     at=timezone.now())
    alert = Alert.objects.get()
    assert (alert.state, alert.resolution) == ("resolved", "A session started there")


def test_the_tenants_threshold_counts(tenant):
    alert_rule_update(tenant_id=tenant.pk, kind=KIND, threshold=30)
    _watch(make_station(tenant)[0], minutes_ago=10)
    remote_start.check(timezone.now())
    assert not Alert.objects.exists()


def test_old_watches_are_forgotten(tenant):
    _watch(make_station(tenant)[0], minutes_ago=8 * 24 * 60)
    remote_start.check(timezone.now())
    assert not RemoteStartWatch.objects.exists()
