"""Load groups drawing above their cap (alerts/conditions/load_over_cap.py): measured per phase
from the running sessions' current samples and the base load, continuously above the cap for
longer than the threshold (5 minutes by default) → one alert; back under → resolved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alerts.conditions import load_over_cap
from alerts.models import Alert, AlertKind, AlertState
from loadmgmt.services import load_group_create
from stations.models import ChargingSession, MeterSample
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db
KIND = AlertKind.LOAD_OVER_CAP
NOW = timezone.now().replace(microsecond=0)


def group_with_cars(tenant, cars: int = 2, **fields):
    stations = [make_station(tenant)[0] for _ in range(cars)]
    group = load_group_create(tenant=tenant, stations=stations, name="Car park",
                              **({"max_current": Decimal(32)} | fields))
    sessions = [ChargingSession.objects.create(
        tenant=tenant, station=s, connector_id=1, transaction_id=n + 1, id_tag="TAG",
        id_tag_status="Accepted", meter_start=0,
        started_at=NOW - timedelta(hours=1)) for n, s in enumerate(stations)]
    return group, sessions


def draws(session, minutes_ago: float, amperes: str, phase: str = "") -> None:
    at = NOW - timedelta(minutes=minutes_ago)
    MeterSample.objects.create(station_id=session.station_id, session=session, connector_id=1,
                               timestamp=at, received_at=at, measurand="Current.Import",
                               phase=phase, unit="A", value=Decimal(amperes))


def alerts_of(tenant, state=AlertState.OPEN):
    return list(Alert.objects.filter(tenant=tenant, kind=KIND, state=state))


def test_a_group_above_its_cap_for_longer_than_the_threshold_is_one_alert():
    tenant, other = make_tenant(), make_tenant()
    group, (a, b) = group_with_cars(tenant)
    for minutes in (6, 3, 0):
        draws(a, minutes, "20")
        draws(b, minutes, "20")
    load_over_cap.check(NOW)
    load_over_cap.check(NOW + timedelta(seconds=30))
    alert, = alerts_of(tenant)
    assert alert.key == f"load_group:{group.pk}" and alert.occurrences == 2
    assert alert.details["cap"] == "32.0" and alert.details["measured"] == "40.0"
    assert alert.details["since"] == (NOW - timedelta(minutes=6)).isoformat()
    assert "Car park" in alert.title
    assert alerts_of(other) == []


def test_above_the_cap_for_less_than_the_threshold_is_no_alert_yet():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant)
    for minutes in (4, 0):
        draws(a, minutes, "20")
        draws(b, minutes, "20")
    load_over_cap.check(NOW)
    assert alerts_of(tenant) == []
    load_over_cap.check(NOW + timedelta(minutes=2))
    assert len(alerts_of(tenant)) == 1


def test_a_dip_under_the_cap_starts_the_count_again():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant)
    draws(a, 10, "20")
    draws(b, 10, "20")
    draws(a, 3, "10")  # 30 A: under the cap
    draws(a, 2, "20")
    load_over_cap.check(NOW)
    assert alerts_of(tenant) == []


def test_back_under_the_cap_resolves_it():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant)
    for minutes in (8, 0):
        draws(a, minutes, "20")
        draws(b, minutes, "20")
    load_over_cap.check(NOW)
    draws(a, -1, "10")
    load_over_cap.check(NOW + timedelta(minutes=1))
    assert alerts_of(tenant) == []
    resolved, = alerts_of(tenant, AlertState.RESOLVED)
    assert resolved.resolution


def test_the_base_load_counts_and_a_stopped_session_does_not():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant, base_load_current=Decimal(10))
    draws(a, 7, "25")
    draws(b, 7, "30")
    ChargingSession.objects.filter(pk=b.pk).update(stopped_at=NOW - timedelta(minutes=8))
    load_over_cap.check(NOW)
    alert, = alerts_of(tenant)
    assert alert.details["measured"] == "35.0"


def test_cars_on_different_phases_are_counted_per_phase():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant)
    for minutes in (10, 0):
        draws(a, minutes, "30", phase="L1")
        draws(b, minutes, "30", phase="L2")
    load_over_cap.check(NOW)
    assert alerts_of(tenant) == []


def test_a_sample_too_old_to_count_is_no_draw():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant)
    draws(a, 40, "40")
    draws(b, 40, "40")
    load_over_cap.check(NOW)
    assert alerts_of(tenant) == []


def test_the_power_cap_holds_when_it_is_the_lower():
    tenant = make_tenant()
    _, (a, b) = group_with_cars(tenant, max_power=Decimal("13.8"))  # 20 A on 3 x 230 V
    for minutes in (6, 0):
        draws(a, minutes, "12")
        draws(b, minutes, "12")
    load_over_cap.check(NOW)
    alert, = alerts_of(tenant)
    assert alert.details["cap"] == "20.0"
