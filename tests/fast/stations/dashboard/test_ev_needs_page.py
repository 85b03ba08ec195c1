"""The charging needs on the station and session pages (docs/smart-charging.md §7): a running
session's car's departure, the energy it asked, what was delivered so far and what it still
needs, and its last schedule with our answer; every role reads them (nothing to act on), and a
station without ISO 15118 cars has no such section."""

from datetime import UTC, datetime, timedelta

import pytest

from stations.models import ChargingSession, Station
from stations.smartcharging.ev_needs import charging_needs_record, ev_schedule_check
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC).replace(microsecond=0)


def car_with_needs(tenant, identity: str) -> ChargingSession:
    station, _ = make_station(tenant, identity)
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    session = ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, evse_id=1, station_transaction_id="tx-1",
        id_tag="CAR", id_tag_status="Accepted", started_at=NOW - timedelta(minutes=30),
        meter_start=1000, meter_last=3000)
    charging_needs_record(station_id=station.pk, evse_id=1, received_at=NOW, max_schedule_tuples=None,
                          needs={"requestedEnergyTransfer": "AC_three_phase",
                                 "departureTime": "2031-05-06T17:30:00Z",
                                 "acChargingParameters": {"energyAmount": 30000, "evMinCurrent": 6,
                                                          "evMaxCurrent": 16, "evMaxVoltage": 400}})
    ev_schedule_check(station_id=station.pk, evse_id=1, time_base=NOW, received_at=NOW,
                      schedule={"id": 1, "chargingRateUnit": "A",
                                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]})
    ChargingSession.objects.filter(pk=session.pk).update(meter_last=7000)
    return session


def test_the_station_page_shows_what_the_car_asked_and_still_needs_to_an_accountant():
    tenant = make_tenant("Needs")
    session = car_with_needs(tenant, "NEEDS-201")
    page = signed_in(member(tenant, Role.ACCOUNTANT)).get("/stations/NEEDS-201/").content.decode()
    assert "Charging needs" in page and f"session {session.pk}" in page
    assert 'datetime="2031-05-06T17:30:00Z"' in page
    assert "30000 Wh" in page and "6000 Wh" in page and "26000 Wh" in page
    assert "16 A" in page and ">Accepted</span>" in page


def test_the_session_page_shows_its_cars_needs():
    tenant = make_tenant("NeedsSession")
    session = car_with_needs(tenant, "NEEDS-S")
    page = signed_in(member(tenant, Role.MANAGER)).get(f"/sessions/{session.pk}/").content.decode()
    assert "Charging needs" in page and "26000 Wh" in page


def test_a_station_without_needs_has_no_such_section():
    tenant = make_tenant("NoNeeds")
    make_station(tenant, "NO-NEEDS")
    page = signed_in(member(tenant, Role.MANAGER)).get("/stations/NO-NEEDS/").content.decode()
    assert "Charging needs" not in page
