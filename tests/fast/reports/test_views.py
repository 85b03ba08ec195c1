"""reports/views.py: the report pages per role, their CSVs, and tenant isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.services import rollup_stations, totals_rollup
from stations.models import Location, Station
from tests.fast.reports.test_services import a_day_of, at, station_on

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2026-03-01", "to": "2026-03-03"}


@pytest.fixture
def reported(tenant):
    site = Location.objects.create(tenant=tenant, name="Depot North")
    station = station_on(tenant, identity="CP-REPORT", location=site)
    a_day_of(station)
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=at(-24).date(),
                    until=at(30).date(), now=at(30))
    totals_rollup(since=at(-24).date(), until=at(30).date(), now=at(30))
    return station


def test_the_tenant_report_shows_each_station_with_its_figures(owner_web, reported):
    page = owner_web.get("/reports/", PERIOD)
    assert page.status_code == 200
    text = page.content.decode()
    assert "CP-REPORT" in text and "Depot North" in text
    assert 'id="plot-shares"' in text and 'id="report-series"' in text
    assert "Revenue gross" in text and "4.20" in text


def test_an_installer_sees_no_money(member_web, reported):
    text = member_web.get("/reports/", PERIOD).content.decode()
    assert "CP-REPORT" in text
    assert "Revenue" not in text and "4.20" not in text
    csv = member_web.get("/reports/", PERIOD | {"format": "csv"}).content.decode()
    assert "Revenue" not in csv and "CP-REPORT" in csv


def test_the_csv_has_the_columns_shown(owner_web, reported):
    response = owner_web.get("/reports/", PERIOD | {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Station,Name,Site,Uptime %,Occupied %,Charging %,Sessions,Energy kWh,"
                        "Revenue net,Revenue gross,Currency")
    # 1 March, 2 March and 3 March until the rollup's now (06:00): 54 h, of which 18 h up
    # (33.3 %) and 2 h charging (3.7 %)
    assert lines[1] == "CP-REPORT,,Depot North,33.3,3.7,3.7,1,12.0,3.53,4.20,EUR"


def test_the_site_table_sums_its_stations(owner_web, reported):
    text = owner_web.get("/reports/", PERIOD | {"table": "sites"}).content.decode()
    assert "Depot North" in text and 'data-report-table="sites"' in text


def test_a_station_report_per_day_and_month(owner_web, reported):
    daily = owner_web.get("/reports/stations/CP-REPORT/", PERIOD)
    assert daily.status_code == 200 and "2026-03-02" in daily.content.decode()
    monthly = owner_web.get("/reports/stations/CP-REPORT/", {"interval": "month", "from": "2026-01",
                                                             "to": "2026-03"})
    assert monthly.status_code == 200 and "2026-03" in monthly.content.decode()
    csv = (owner_web.get("/reports/stations/CP-REPORT/", PERIOD | {"format": "csv"}).content
           .decode("utf-8-sig").splitlines())
    assert csv[0].startswith("Day,Uptime %") and csv[2].startswith("2026-03-02,75.0,8.3,8.3,1,12.0,3.53,4.20")


def test_a_site_report(owner_web, reported):
    response = owner_web.get(f"/reports/sites/{reported.location_id}/", PERIOD)
    assert response.status_code == 200 and "Depot North" in response.content.decode()
    csv = owner_web.get(f"/reports/sites/{reported.location_id}/", PERIOD | {"format": "csv"}).content
    assert "2026-03-02,75.0,8.3,8.3,1,12.0,3.53,4.20,EUR" in csv.decode("utf-8-sig")


def test_a_bad_period_is_explained_not_a_failure(owner_web, reported):
    text = owner_web.get("/reports/", {"from": "2026-13-45", "to": "x"}).content.decode()
    assert "not a date" in text
    text = owner_web.get("/reports/", {"from": "2020-01-01", "to": "2026-01-01"}).content.decode()
    assert "at most 366 days" in text


def test_another_tenant_sees_nothing(outsider_web, reported):
    assert "CP-REPORT" not in outsider_web.get("/reports/", PERIOD).content.decode()
    assert outsider_web.get("/reports/stations/CP-REPORT/").status_code == 404
    assert outsider_web.get(f"/reports/sites/{reported.location_id}/").status_code == 404


def test_the_station_page_shows_the_last_30_days(owner_web, reported):
    Station.objects.filter(pk=reported.pk).update(created_at=timezone.now() - timedelta(days=40))
    text = owner_web.get(f"/stations/{reported.identity}/").content.decode()
    assert "data-report-card" in text and "/reports/stations/CP-REPORT/" in text


def test_the_pages_only_read(owner_web, reported):
    assert owner_web.post("/reports/").status_code == 405
    assert owner_web.post("/reports/stations/CP-REPORT/").status_code == 405
