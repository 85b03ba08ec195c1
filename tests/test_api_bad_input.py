"""Odd but well-formed requests get a 4xx, never a 500 (issue 16, finding 13): NUL where the
database refuses it, date-time offsets PostgreSQL does not take, pages past its integers, dates
at the calendar's ends, OPTIONS on the seller; while the database or Redis is down the API says
503 with Retry-After."""

import httpx
import pytest

from stations.models import ChargingSession
from tests.factories import api_client, make_station, make_tenant
from tests.server import server_env, start_server


@pytest.fixture(scope="module")
def tenant_with_a_session(database):
    from django.utils import timezone

    tenant = make_tenant("Odd input")
    station, _ = make_station(tenant)
    ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1, transaction_id=1,
                                   started_at=timezone.now(), stopped_at=timezone.now())
    return tenant


@pytest.mark.parametrize("path", ["/api/v1/exports/sessions.csv", "/api/v1/exports/sessions.json",
                                  "/api/v1/exports/energy.csv", "/api/v1/exports/revenue.csv"])
async def test_a_nul_in_the_exports_station_filter_is_a_400(server, tenant_with_a_session, path):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.get(path, params={"station": "CP\x001"})

    assert response.status_code == 400
    assert "station" in response.json()


@pytest.mark.parametrize("path,name", [("/api/v1/sessions/", "since"), ("/api/v1/sessions/", "until"),
                                       ("/api/v1/invoices/", "since"),
                                       ("/api/v1/security-events/", "since"),
                                       ("/api/v1/exports/sessions.csv", "since")])
async def test_any_utc_offset_python_takes_is_answered(server, tenant_with_a_session, path, name):
    async with api_client(server, tenant_with_a_session) as api:
        far_east = await api.get(path, params={name: "2024-01-01T00:00:00+23:00"})
        far_west = await api.get(path, params={name: "2024-01-01T00:00:00-20:00"})
        year_one = await api.get(path, params={name: "0001-01-01T00:00:00+05:00"})

    assert far_east.status_code == far_west.status_code == 200
    assert year_one.status_code == 400


@pytest.mark.parametrize("query", ["limit=9223372036854775808&offset=0",
                                   "limit=99999999999999999999999&offset=99999999999999999999999",
                                   "offset=92233720368547758070"])
async def test_huge_limits_and_offsets_are_pages(server, tenant_with_a_session, query):
    async with api_client(server, tenant_with_a_session) as api:
        sessions = await api.get(f"/api/v1/sessions/?{query}")
        stations = await api.get(f"/api/v1/stations/?{query}")

    assert sessions.status_code == stations.status_code == 200
    assert sessions.json()["count"] == 1


async def test_a_nul_in_a_form_encoded_load_group_is_a_400(server, tenant_with_a_session):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.post("/api/v1/load-groups/", data={"name": "Site\x00A", "max_current": "32"})

    assert response.status_code == 400


async def test_options_on_the_seller_describes_it(server, tenant_with_a_session):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.options("/api/v1/seller/")

    assert response.status_code == 200


async def test_an_invoice_run_over_the_whole_calendar_is_a_400(server, tenant_with_a_session):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.post("/api/v1/invoices/run/", json={"period_start": "0001-01-01",
                                                                 "period_end": "9999-12-31"})
        energy = await api.get("/api/v1/exports/energy.csv", params={"since": "0001-01-01",
                                                                    "until": "9999-12-31"})

    assert response.status_code == 400 and "period_start" in response.json()
    assert energy.status_code == 400


@pytest.fixture
def server_without_its_database(database, tmp_path):
    """A server whose database cannot be reached (PostgreSQL on a closed port, or an SQLite file
    in a folder that does not exist) and whose Redis is on a closed port."""
    env = server_env() | {"REDIS_URL": "redis://127.0.0.1:1/0"}
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/none"
    else:
        env["SQLITE_PATH"] = str(tmp_path / "missing" / "db.sqlite3")
    srv = start_server(env, tmp_path)
    yield srv
    srv.stop(hard=True)


def test_a_database_outage_is_a_503_with_retry_after(server_without_its_database):
    response = httpx.get(f"{server_without_its_database.http}/api/v1/stations/",
                         headers={"Authorization": "Token any"}, timeout=30)

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0


def test_a_redis_outage_is_a_503_with_retry_after(server_without_its_database):
    """The login page's throttle asks Redis first (the cache), before any query."""
    response = httpx.post(f"{server_without_its_database.http}/accounts/login/",
                          data={"username": "someone", "password": "x"}, timeout=30,
                          headers={"Cookie": "csrftoken=" + "a" * 32, "X-CSRFToken": "a" * 32})

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0


async def test_a_number_past_what_the_database_holds_is_a_400(server, tenant_with_a_session):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.get("/api/v1/invoices/", params={"customer": "-9.285100382920801e+269"})

    assert response.status_code in (200, 400)  # PostgreSQL finds no such customer; SQLite refuses it


async def test_a_session_id_that_is_no_number_is_a_404(server, tenant_with_a_session):
    async with api_client(server, tenant_with_a_session) as api:
        response = await api.post("/api/v1/sessions/null/close/")

    assert response.status_code == 404
