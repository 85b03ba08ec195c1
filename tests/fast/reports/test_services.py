"""reports/services.py: the daily rollups from connection and status history, sessions and prices;
running them twice writes the same rows."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from billing.models import SessionPrice
from reports.models import SiteDay, StationDay, TenantDay
from reports.services import rollup_recent, rollup_stations, totals_rollup
from stations.models import (
    ChargingSession,
    ConnectionPeriod,
    Connector,
    Location,
    ServerProcess,
    Station,
    StatusEvent,
)
from tests.factories import make_station

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)
T0 = datetime(2026, 3, 2, tzinfo=UTC)  # the tenant's time zone is UTC unless a test says


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def station_on(tenant, **fields) -> Station:
    station, _ = make_station(tenant, **fields)
    Station.objects.filter(pk=station.pk).update(created_at=at(-48))
    station.refresh_from_db()
    return station


def a_day_of(station) -> None:
    """Online 00:00-20:00, connector 1 faulted 06:00-08:00 and charging 10:00-12:00; one
    session of 12 kWh priced 4.20 EUR gross."""
    ConnectionPeriod.objects.create(station=station, started_at=at(0), ended_at=at(20))
    Connector.objects.create(station=station, connector_id=1, status="Available")
    for hour, status in ((-3, "Available"), (6, "Faulted"), (8, "Available"), (10, "Charging"),
                         (12, "Available")):
        StatusEvent.objects.create(station=station, connector_id=1, status=status,
                                   error_code="NoError", received_at=at(hour))
    session = ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=1, transaction_id=station.pk,
        meter_start=1000, meter_stop=13000, started_at=at(10), stopped_at=at(12))
    SessionPrice.objects.create(session=session, tenant_id=station.tenant_id, currency="EUR",
                                net=Decimal("3.53"), vat=Decimal("0.67"), gross=Decimal("4.20"),
                                final=True, priced_at=at(12))


def test_a_day_is_rolled_up_with_the_documented_figures(tenant):
    station = station_on(tenant)
    a_day_of(station)
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY, until=DAY, now=at(30))
    row = StationDay.objects.get(station=station, day=DAY)
    assert (row.seconds, row.online_s, row.uptime_s, row.faulted_s) == (86400, 72000, 64800, 7200)
    assert (row.connectors, row.connector_s, row.occupied_cs, row.charging_cs) == (1, 86400, 7200, 7200)
    assert (row.sessions, row.energy_wh) == (1, 12000)
    assert (row.currency, row.revenue_net, row.revenue_gross) == ("EUR", Decimal("3.53"), Decimal("4.20"))


def test_running_the_rollup_twice_writes_the_same_rows(tenant):
    station = station_on(tenant)
    a_day_of(station)
    stations = Station.objects.filter(pk=station.pk)

    def rows():
        return list(StationDay.objects.filter(station=station).order_by("day").values(
            *(f.name for f in StationDay._meta.concrete_fields if f.name not in ("id", "computed_at"))))

    rollup_stations(stations=stations, since=DAY - timedelta(days=1), until=DAY, now=at(30))
    first = rows()
    rollup_stations(stations=stations, since=DAY - timedelta(days=1), until=DAY, now=at(30))
    assert rows() == first
    assert len(first) == 2


def test_a_day_is_local_to_the_station(tenant):
    station = station_on(tenant, timezone="Europe/Berlin")  # UTC+1 in March
    ConnectionPeriod.objects.create(station=station, started_at=at(-1), ended_at=at(0))
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY, until=DAY, now=at(30))
    row = StationDay.objects.get(station=station, day=DAY)
    assert (row.seconds, row.online_s) == (86400, 3600)  # 00:00-01:00 Berlin


def test_a_day_across_the_change_to_summer_time_has_23_hours(tenant):
    station = station_on(tenant, timezone="Europe/Berlin")
    Station.objects.filter(pk=station.pk).update(created_at=datetime(2026, 3, 1, tzinfo=UTC))
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=date(2026, 3, 29),
                    until=date(2026, 3, 29), now=datetime(2026, 4, 2, tzinfo=UTC))
    assert StationDay.objects.get(station=station).seconds == 23 * 3600


def test_today_counts_until_now_and_days_before_the_station_none(tenant):
    station = station_on(tenant)
    Station.objects.filter(pk=station.pk).update(created_at=at(6))
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY - timedelta(days=1),
                    until=DAY + timedelta(days=1), now=at(10))
    assert list(StationDay.objects.filter(station=station).values_list("day", "seconds")) == [(DAY, 4 * 3600)]


def test_an_open_period_of_a_dead_process_ends_at_its_last_beat(tenant):
    station = station_on(tenant)
    dead = ServerProcess.objects.create(hostname="gone", pid=1, last_beat=at(5))
    ConnectionPeriod.objects.create(station=station, started_at=at(1), server_process=dead)
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY, until=DAY, now=at(30))
    assert StationDay.objects.get(station=station).online_s == 4 * 3600


def test_the_periodic_rollup_leaves_other_days_and_computes_every_tenant(tenant, other_tenant):
    mine, theirs = station_on(tenant), station_on(other_tenant)
    rollup_recent(now=at(12))
    assert set(StationDay.objects.values_list("station_id", flat=True)) == {mine.pk, theirs.pk}
    assert StationDay.objects.filter(day__lt=DAY - timedelta(days=2)).count() == 0


def test_a_tenants_and_a_sites_day_are_the_sums_of_their_stations(tenant, other_tenant):
    site = Location.objects.create(tenant=tenant, name="Depot")
    one, two, theirs = station_on(tenant, location=site), station_on(tenant), station_on(other_tenant)
    a_day_of(one)
    rollup_stations(stations=Station.objects.all(), since=DAY, until=DAY, now=at(30))
    totals_rollup(since=DAY, until=DAY, now=at(30))
    totals_rollup(since=DAY, until=DAY, now=at(30))  # again: the same rows
    mine = TenantDay.objects.get(tenant=tenant, day=DAY)
    assert (mine.seconds, mine.online_s, mine.uptime_s, mine.connectors) == (2 * 86400, 72000, 64800, 1)
    assert (mine.sessions, mine.energy_wh, mine.revenue_gross, mine.currency) == (
        1, 12000, Decimal("4.20"), "EUR")
    assert SiteDay.objects.get(location=site, day=DAY).uptime_s == 64800
    assert TenantDay.objects.get(tenant=other_tenant).online_s == 0
    assert SiteDay.objects.count() == 1 and two.pk and theirs.pk
