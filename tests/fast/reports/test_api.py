"""reports/api.py: the reports API per role (no money for installers), periods, isolation."""

import pytest

from tests.fast.reports.test_views import PERIOD, reported  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_every_station_with_its_figures(owner_api, reported):  # noqa: F811
    response = owner_api.get("/api/v1/reports/stations/", params=PERIOD)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row == {"station": "CP-REPORT", "name": "", "site_id": reported.location_id,
                   "site": "Depot North", "uptime_pct": 33.3, "occupied_pct": 3.7,
                   "charging_pct": 3.7, "sessions": 1, "energy_kwh": 12.0,
                   "revenue_net": "3.53", "revenue_gross": "4.20", "currency": "EUR"}


def test_an_installer_gets_no_money(member_api, reported):  # noqa: F811
    row = member_api.get("/api/v1/reports/stations/", params=PERIOD).json()["results"][0]
    assert "revenue_gross" not in row and "currency" not in row and row["sessions"] == 1
    report = member_api.get("/api/v1/reports/stations/CP-REPORT/", params=PERIOD).json()
    assert "revenue_net" not in report["totals"] and "revenue_net" not in report["series"][0]


def test_a_station_report_per_day(owner_api, reported):  # noqa: F811
    report = owner_api.get("/api/v1/reports/stations/CP-REPORT/", params=PERIOD).json()
    assert report["period"] == {"start": "2026-03-01", "end": "2026-03-03", "interval": "day"}
    assert [b["start"] for b in report["series"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert report["series"][1]["uptime_pct"] == 75.0
    assert report["totals"]["revenue_gross"] == "4.20"


def test_a_site_report_per_month(owner_api, reported):  # noqa: F811
    report = owner_api.get(f"/api/v1/reports/sites/{reported.location_id}/",
                           params={"interval": "month", "from": "2026-02", "to": "2026-03"}).json()
    assert [b["start"] for b in report["series"]] == ["2026-03-01"]  # no figures in February
    assert report["totals"]["sessions"] == 1
    sites = owner_api.get("/api/v1/reports/sites/", params=PERIOD).json()["results"]
    assert sites[0]["site"] == "Depot North" and sites[0]["stations"] == 1


@pytest.mark.parametrize("params", [{"from": "nope"}, {"interval": "week"},
                                    {"from": "2026-03-05", "to": "2026-03-01"},
                                    {"from": "2020-01-01", "to": "2026-01-01"}])
def test_a_bad_period_is_a_400_with_the_reason(owner_api, reported, params):  # noqa: F811
    response = owner_api.get("/api/v1/reports/stations/", params=params)
    assert response.status_code == 400 and response.json()["period"]


def test_another_tenant_sees_nothing(outsider_api, reported):  # noqa: F811
    assert outsider_api.get("/api/v1/reports/stations/", params=PERIOD).json()["results"] == []
    assert outsider_api.get("/api/v1/reports/stations/CP-REPORT/").status_code == 404
    assert outsider_api.get(f"/api/v1/reports/sites/{reported.location_id}/").status_code == 404
