"""Charging with no meter value for N minutes (alerts/conditions/meter_silent.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.conditions import meter_silent
from alerts.models import Alert
from alerts.services import alert_rule_update
from stations.models import ChargingSession, Connector, MeterSample
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def _charging(tenant, *, started_ago: float = 30, status: str = "Charging", **fields):
    station = make_station(tenant)[0]
    Connector.objects.create(station=station, connector_id=1, evse_id=1, status=status)
    return ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, evse_id=1, transaction_id=1,
        id_tag_status="Accepted", started_at=timezone.now() - timedelta(minutes=started_ago), **fields)


def _sample(session, minutes_ago: float) -> None:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    MeterSample.objects.create(station=session.station, session=session, connector_id=1,
                               timestamp=at, received_at=at, measurand="Energy.Active.Import.Register",
                               value=1000)


def test_a_session_charging_without_values_for_longer_than_the_threshold_is_an_alert(tenant):
    session = _charging(tenant)
    _sample(session, 20)
    meter_silent.check(timezone.now())
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.station_id, alert.severity) == (
        "meter_silent", f"session:{session.pk}", session.station_id, "warning")
    assert alert.details["session_id"] == session.pk


def test_recent_values_a_young_session_or_a_connector_not_charging_are_not(tenant):
    _sample(_charging(tenant), 5)
    _charging(tenant, started_ago=5)
    _charging(tenant, status="SuspendedEV")
    _charging(tenant, stopped_at=timezone.now())
    meter_silent.check(timezone.now())
    assert not Alert.objects.exists()


def test_a_2_0_1_session_charging_by_its_charging_state_counts(tenant):
    _charging(tenant, status="Occupied", charging_state="Charging")
    meter_silent.check(timezone.now())
    assert Alert.objects.count() == 1


def test_values_again_resolve_it(tenant):
    session = _charging(tenant)
    meter_silent.check(timezone.now())
    _sample(session, 0)
    meter_silent.check(timezone.now())
    assert Alert.objects.get().state == "resolved"


def test_the_session_ending_resolves_it_at_once(tenant, other_tenant):
    session = _charging(tenant)
    meter_silent.check(timezone.now())
    meter_silent.session_ended(tenant_id=other_tenant.pk, session_id=session.pk)
    assert Alert.objects.get().state == "open"
    meter_silent.session_ended(tenant_id=tenant.pk, session_id=session.pk)
    assert Alert.objects.get().state == "resolved"


def test_each_tenant_has_its_threshold(tenant, other_tenant):
    alert_rule_update(tenant_id=tenant.pk, kind="meter_silent", threshold=60)
    alert_rule_update(tenant_id=other_tenant.pk, kind="meter_silent", threshold=1)
    _sample(_charging(tenant), 20)
    theirs = _charging(other_tenant)
    _sample(theirs, 2)
    meter_silent.check(timezone.now())
    assert list(Alert.objects.values_list("tenant_id", flat=True)) == [other_tenant.pk]
