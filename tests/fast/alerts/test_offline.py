"""The offline condition (alerts/conditions/offline.py): which stations are offline, after the
tenant's threshold, resolved when they are back; and a whole fleet dropped at once is one
quick sweep."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.conditions import offline
from alerts.models import Alert
from alerts.services import alert_rule_update
from stations.models import ServerProcess, Station
from tests.factories import make_station

pytestmark = pytest.mark.django_db
KIND = "station_offline"


def _seen(station, minutes_ago: float, *, connected_to=None):
    Station.objects.filter(pk=station.pk).update(
        last_seen=timezone.now() - timedelta(minutes=minutes_ago), ocpp_version="1.6",
        channel_name="chan#1" if connected_to else "", server_process=connected_to)
    return station


def _process(beat_ago: float = 0) -> ServerProcess:
    return ServerProcess.objects.create(hostname="h", pid=1,
                                        last_beat=timezone.now() - timedelta(seconds=beat_ago))


def test_a_station_gone_longer_than_the_threshold_is_an_alert(tenant):
    station = _seen(make_station(tenant, "CP-GONE")[0], 11)
    offline.check(timezone.now())
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.station, alert.severity) == (
        KIND, f"station:{station.pk}", station, "critical")
    assert alert.title.startswith("Station CP-GONE offline since ")
    assert alert.details["ocpp_version"] == "1.6" and alert.details["last_seen"]


def test_a_station_gone_for_less_or_never_seen_or_connected_is_not(tenant):
    _seen(make_station(tenant)[0], 9)
    make_station(tenant)  # never connected
    _seen(make_station(tenant)[0], 30, connected_to=_process())
    offline.check(timezone.now())
    assert not Alert.objects.exists()


def test_a_station_held_by_a_dead_server_process_is_offline(tenant):
    """A crashed server's stations keep their channel, but its process no longer beats."""
    _seen(make_station(tenant)[0], 11, connected_to=_process(beat_ago=3600))
    offline.check(timezone.now())
    assert Alert.objects.count() == 1


def test_disabled_and_rejected_stations_are_not_watched(tenant):
    _seen(make_station(tenant, enabled=False)[0], 60)
    rejected = _seen(make_station(tenant)[0], 60)
    Station.objects.filter(pk=rejected.pk).update(admission="Rejected")
    offline.check(timezone.now())
    assert not Alert.objects.exists()


def test_the_tenants_threshold_and_disabled_rule_count(tenant, other_tenant):
    alert_rule_update(tenant_id=tenant.pk, kind=KIND, threshold=0)
    alert_rule_update(tenant_id=other_tenant.pk, kind=KIND, enabled=False)
    mine = _seen(make_station(tenant)[0], 0.1)
    _seen(make_station(other_tenant)[0], 60)
    offline.check(timezone.now())
    assert list(Alert.objects.values_list("station", flat=True)) == [mine.pk]


def test_a_sweep_again_refreshes_and_a_station_back_is_resolved(tenant):
    station = _seen(make_station(tenant)[0], 11)
    offline.check(timezone.now())
    offline.check(timezone.now())
    assert Alert.objects.get().occurrences == 2
    _seen(station, 0, connected_to=_process())
    offline.check(timezone.now())
    alert = Alert.objects.get()
    assert (alert.state, alert.resolution) == ("resolved", "Online again")


def test_a_station_connecting_resolves_its_alert_at_once(tenant, other_tenant):
    station = _seen(make_station(tenant)[0], 11)
    offline.check(timezone.now())
    now = timezone.now()
    offline.station_online(tenant_id=other_tenant.pk, station_id=station.pk,
                           connected_at=now)  # not theirs
    assert Alert.objects.get().state == "open"
    offline.station_online(tenant_id=tenant.pk, station_id=station.pk, connected_at=now)
    assert Alert.objects.get().state == "resolved"


def test_a_connect_told_late_leaves_the_alert_of_a_later_drop_open(tenant):
    """In a storm a connect's follow-up runs a while after it: the station may have dropped
    again meanwhile, and the alert of that drop stays open."""
    station = make_station(tenant)[0]
    connected_at = timezone.now()
    _seen(station, 11)  # dropped again since
    offline.check(timezone.now())
    offline.station_online(tenant_id=tenant.pk, station_id=station.pk, connected_at=connected_at)
    assert Alert.objects.get().state == "open"


def test_a_fleet_dropped_at_once_is_one_quick_sweep(tenant):
    """A server restart drops every station: one sweep opens them all in a few queries
    (2,000 here to keep the suite quick; bench/README.md has 10,000)."""
    count = 2000
    Station.objects.bulk_create([
        Station(tenant=tenant, identity=f"FLEET-{n}", password_hash="x", ocpp_version="1.6",
                last_seen=timezone.now() - timedelta(minutes=20)) for n in range(count)])
    started = time.monotonic()
    offline.check(timezone.now())
    assert time.monotonic() - started < 10
    assert Alert.objects.filter(state="open").count() == count
    offline.check(timezone.now())
    assert Alert.objects.filter(occurrences=2).count() == count
