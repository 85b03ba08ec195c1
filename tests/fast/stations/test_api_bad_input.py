"""Odd but well-formed requests get a 4xx, never a 500 (issue 16, finding 13): NUL where the
database refuses it, date-time offsets PostgreSQL does not take, pages past its integers, dates
at the calendar's ends, OPTIONS on the seller (the outages' 503: tests/test_api_bad_input.py)."""

import pytest

from stations.models import ChargingSession
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant_with_a_session(db):
    from django.utils import timezone

    tenant = make_tenant("Odd input")
    station, _ = make_station(tenant)
    ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1, transaction_id=1,
                                   started_at=timezone.now(), stopped_at=timezone.now())
    return tenant


@pytest.mark.parametrize("path", ["/api/v1/exports/sessions.csv", "/api/v1/exports/sessions.json",
                                  "/api/v1/exports/energy.csv", "/api/v1/exports/revenue.csv"])
def test_a_nul_in_the_exports_station_filter_is_a_400(tenant_with_a_session, path):
    with api_client(tenant_with_a_session) as api:
        response = api.get(path, params={"station": "CP\x001"})

    assert response.status_code == 400
    assert "station" in response.json()


@pytest.mark.parametrize("path,name", [("/api/v1/sessions/", "since"), ("/api/v1/sessions/", "until"),
                                       ("/api/v1/invoices/", "since"),
                                       ("/api/v1/security-events/", "since"),
                                       ("/api/v1/exports/sessions.csv", "since")])
def test_any_utc_offset_python_takes_is_answered(tenant_with_a_session, path, name):
    with api_client(tenant_with_a_session) as api:
        far_east = api.get(path, params={name: "2024-01-01T00:00:00+23:00"})
        far_west = api.get(path, params={name: "2024-01-01T00:00:00-20:00"})
        year_one = api.get(path, params={name: "0001-01-01T00:00:00+05:00"})

    assert far_east.status_code == far_west.status_code == 200
    assert year_one.status_code == 400


@pytest.mark.parametrize("query", ["limit=9223372036854775808&offset=0",
                                   "limit=99999999999999999999999&offset=99999999999999999999999",
                                   "offset=92233720368547758070"])
def test_huge_limits_and_offsets_are_pages(tenant_with_a_session, query):
    with api_client(tenant_with_a_session) as api:
        sessions = api.get(f"/api/v1/sessions/?{query}")
        stations = api.get(f"/api/v1/stations/?{query}")

    assert sessions.status_code == stations.status_code == 200
    assert sessions.json()["count"] == 1


def test_a_nul_in_a_form_encoded_load_group_is_a_400(tenant_with_a_session):
    with api_client(tenant_with_a_session) as api:
        response = api.post("/api/v1/load-groups/", data={"name": "Site\x00A", "max_current": "32"})

    assert response.status_code == 400


def test_options_on_the_seller_describes_it(tenant_with_a_session):
    with api_client(tenant_with_a_session) as api:
        response = api.options("/api/v1/seller/")

    assert response.status_code == 200


def test_an_invoice_run_over_the_whole_calendar_is_a_400(tenant_with_a_session):
    with api_client(tenant_with_a_session) as api:
        response = api.post("/api/v1/invoices/run/", json={"period_start": "0001-01-01",
                                                                 "period_end": "9999-12-31"})
        energy = api.get("/api/v1/exports/energy.csv", params={"since": "0001-01-01",
                                                                    "until": "9999-12-31"})

    assert response.status_code == 400 and "period_start" in response.json()
    assert energy.status_code == 400


def test_a_number_past_what_the_database_holds_is_a_400(tenant_with_a_session):
    with api_client(tenant_with_a_session) as api:
        response = api.get("/api/v1/invoices/", params={"customer": "-9.285100382920801e+269"})

    assert response.status_code in (200, 400)  # PostgreSQL finds no such customer; SQLite refuses it


def test_a_session_id_that_is_no_number_is_a_404(tenant_with_a_session):
    with api_client(tenant_with_a_session) as api:
        response = api.post("/api/v1/sessions/null/close/")

    assert response.status_code == 404
