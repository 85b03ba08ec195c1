"""Exports for accountants, in process: sessions, energy and revenue as CSV (as Excel opens them)
and JSON, filtered by period and station, adding up to the sessions' prices in the API (a session
charged over a WebSocket, the JSON twins and streaming through the server: tests/test_exports.py)."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing.models import SessionPrice, Tariff
from billing.services import tariff_create
from billing.tasks import price_session_task
from stations.models import ChargingSession
from stations.services.transactions import transaction_start, transaction_stop
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

ENERGY_30 = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def make_tariff(tenant, elements=ENERGY_30, **fields) -> Tariff:
    """A tariff in force since long ago, so that sessions of past months are priced with it."""
    tariff = tariff_create(tenant=tenant, **({"name": "Standard", "currency": "EUR", "vat_rate": "19",
                                              "idle_grace_minutes": 0, "elements": elements} | fields))
    Tariff.objects.filter(pk=tariff.pk).update(created_at=LONG_AGO)
    return Tariff.objects.get(pk=tariff.pk)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def charge(station, *, stop: datetime, wh: int, minutes: int = 60, id_tag: str = "DRIVER") -> ChargingSession:
    """A session as the station reported it (start and stop received on time), then priced."""
    start = stop - timedelta(minutes=minutes)
    transaction_id, _ = transaction_start(station=station, received_at=start, payload={
        "connectorId": 1, "idTag": id_tag, "meterStart": 1_000, "timestamp": iso(start)})
    transaction_stop(station=station, received_at=stop, payload={
        "transactionId": transaction_id, "meterStop": 1_000 + wh, "timestamp": iso(stop)})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    price_session_task.run(session.pk)
    return session


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def header_of(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def total(rows: list[dict], column: str) -> Decimal:
    return sum((Decimal(row[column]) for row in rows if row[column]), Decimal(0))


# Sessions --------------------------------------------------------------------------------------


def test_the_csv_totals_equal_the_sum_of_the_sessions_costs_in_the_api():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_tariff(tenant, [{"price_components": [{"type": "FLAT", "price": "0.50"},
                                               {"type": "ENERGY", "price": "0.333"}]}], is_default=True)
    make_id_tag(tenant, "STAFF", internal=True)
    stop = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for n, wh in enumerate([1_001, 7_777, 12_345, 33_333]):
        charge(station, stop=stop + timedelta(hours=n), wh=wh)
    charge(station, stop=stop + timedelta(hours=9), wh=5_000, id_tag="STAFF")
    with api_client(tenant) as api:
        rows = rows_of(api.get("/api/v1/exports/sessions.csv"))
        revenue = rows_of(api.get("/api/v1/exports/revenue.csv"))
        listed = (api.get("/api/v1/sessions/", params={"limit": 100})).json()["results"]
    api_gross = sum(Decimal(session["cost"]) for session in listed)
    assert len(rows) == len(listed) == 5
    assert total(rows, "gross") == total(revenue, "gross") == api_gross
    assert total(rows, "net") == total(revenue, "net") == sum(Decimal(s["cost_net"]) for s in listed)
    assert total(rows, "vat") == total(revenue, "vat") == sum(Decimal(s["cost_vat"]) for s in listed)
    assert total(rows, "energy_kwh") == total(revenue, "energy_kwh") == Decimal("59.456")
    staff = next(row for row in rows if row["id_tag"] == "STAFF")
    assert (staff["internal"], staff["energy_kwh"], staff["gross"]) == ("true", "5.000", "0.00")


def test_sessions_not_priced_yet_are_listed_without_money():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    session = charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=2_000)
    SessionPrice.objects.filter(session=session).update(priced_at=None)
    other, _ = make_station(tenant)
    charge(other, stop=datetime(2026, 3, 10, 13, tzinfo=UTC), wh=2_000)
    Tariff.objects.filter(tenant=tenant).update(is_default=False)
    charge(other, stop=datetime(2026, 3, 10, 14, tzinfo=UTC), wh=2_000)  # no tariff applies
    with api_client(tenant) as api:
        rows = rows_of(api.get("/api/v1/exports/sessions.csv"))
        revenue = rows_of(api.get("/api/v1/exports/revenue.csv"))
    assert [(row["price_status"], row["currency"], row["gross"]) for row in rows] == [
        ("pending", "", ""), ("final", "EUR", "0.71"), ("no_tariff", "", "")]
    assert [(row["sessions"], row["gross"]) for row in revenue] == [("1", "0.71")]


def test_a_formula_in_an_id_tag_is_defused_in_the_csv_but_not_in_the_json():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000, id_tag="=1+2")
    with api_client(tenant) as api:
        [row] = rows_of(api.get("/api/v1/exports/sessions.csv"))
        [item] = (api.get("/api/v1/exports/sessions.json")).json()
    assert (row["id_tag"], item["id_tag"]) == ("'=1+2", "=1+2")


# Filters ---------------------------------------------------------------------------------------

def test_since_and_until_take_dates_local_to_the_station_and_instants_with_an_offset():
    tenant = make_tenant()
    station, _ = make_station(tenant, timezone="Europe/Berlin")  # UTC+1 in March
    stops = {name: charge(station, stop=at, wh=1_000).pk for name, at in [
        ("feb 28, 23:30 local", datetime(2026, 2, 28, 22, 30, tzinfo=UTC)),
        ("mar 1, 00:30 local", datetime(2026, 2, 28, 23, 30, tzinfo=UTC)),
        ("mar 31, 23:30 local", datetime(2026, 3, 31, 21, 30, tzinfo=UTC)),  # CEST: UTC+2
        ("apr 1, 00:30 local", datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),
    ]}

    def exported(**params) -> list[int]:
        with api_client(tenant) as api:
            rows = rows_of(api.get("/api/v1/exports/sessions.csv", params=params))
        return [int(row["session_id"]) for row in rows]

    march = exported(since="2026-03-01", until="2026-04-01")
    assert march == [stops["mar 1, 00:30 local"], stops["mar 31, 23:30 local"]]
    assert exported(since="2026-03-01T00:00:00Z", until="2026-04-01T00:00:00+02:00") == [
  stops["mar 31, 23:30 local"]]
    assert exported(until="2026-03-01") == [stops["feb 28, 23:30 local"]]
    assert exported(since="2026-04-01") == [stops["apr 1, 00:30 local"]]
    assert exported(since="2026-03-31T23:00:00") == [  # wall clock, local
  stops["mar 31, 23:30 local"], stops["apr 1, 00:30 local"]]


def test_the_station_filter_keeps_that_stations_rows_in_every_export():
    tenant = make_tenant()
    make_tariff(tenant, is_default=True)
    north, _ = make_station(tenant, identity="NORTH")
    south, _ = make_station(tenant, identity="SOUTH")
    charge(north, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000)
    charge(south, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=2_000)
    with api_client(tenant) as api:
        sessions = rows_of(api.get("/api/v1/exports/sessions.csv", params={"station": "SOUTH"}))
        energy = rows_of(api.get("/api/v1/exports/energy.csv", params={"station": "SOUTH"}))
        revenue = rows_of(api.get("/api/v1/exports/revenue.csv", params={"station": "SOUTH"}))
        both = rows_of(api.get("/api/v1/exports/energy.csv", params={"station": ["SOUTH", "NORTH"]}))
    assert [row["station"] for row in sessions] == [row["station"] for row in energy] == ["SOUTH"]
    assert [(row["sessions"], row["energy_kwh"]) for row in revenue] == [("1", "2.000")]
    assert [row["station"] for row in both] == ["NORTH", "SOUTH"]


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "yesterday"}, "since"),
    ({"until": "2026-02-30"}, "until"),
    ({"since": "2026-03-01T25:00:00Z"}, "since"),
    ({"since": "2026-04-01", "until": "2026-03-01"}, "until"),
    ({"station": "NOWHERE"}, "station"),
])
def test_a_bad_filter_is_a_400_with_its_reason(params, field):
    tenant = make_tenant()
    make_station(tenant)
    with api_client(tenant) as api:
        for name in ("sessions.csv", "energy.json", "revenue.csv"):
            response = api.get(f"/api/v1/exports/{name}", params=params)
            assert response.status_code == 400, (name, response.text)
            assert list(response.json()) == [field]


def test_an_unknown_period_kind_is_a_400():
    tenant = make_tenant()
    with api_client(tenant) as api:
        response = api.get("/api/v1/exports/energy.csv", params={"period": "week"})
    assert response.status_code == 400 and "period" in response.json()


def test_a_client_that_accepts_only_csv_gets_the_file_and_its_errors_as_json():
    tenant = make_tenant()
    with api_client(tenant) as api:
        csv_only = {"Accept": "text/csv"}
        ok = api.get("/api/v1/exports/revenue.csv", headers=csv_only)
        bad = api.get("/api/v1/exports/revenue.csv", params={"since": "x"}, headers=csv_only)
    assert header_of(ok)[0] == "month" and rows_of(ok) == []
    assert bad.status_code == 400 and "since" in bad.json()


def test_another_tenants_station_is_an_unknown_station():
    tenant, other = make_tenant(), make_tenant()
    make_station(other, identity="THEIRS")
    with api_client(tenant) as api:
        response = api.get("/api/v1/exports/sessions.csv", params={"station": "THEIRS"})
    assert response.status_code == 400 and response.json() == {"station": ["No station 'THEIRS'."]}


def test_another_tenant_exports_nothing_of_this_ones():
    tenant, other = make_tenant(), make_tenant()
    make_tariff(tenant, is_default=True)
    station, _ = make_station(tenant)
    charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000)
    with api_client(other) as api:
        for name in ("sessions", "energy", "revenue"):
            response = api.get(f"/api/v1/exports/{name}.csv")
            assert rows_of(response) == [] and len(header_of(response)) > 3
            assert (api.get(f"/api/v1/exports/{name}.json")).json() == []


# Energy ----------------------------------------------------------------------------------------

def test_energy_is_counted_per_local_day_of_the_stop_across_midnight():
    tenant = make_tenant()
    berlin, _ = make_station(tenant, identity="BERLIN", timezone="Europe/Berlin")
    utc, _ = make_station(tenant, identity="UTC")
    for station in (berlin, utc):  # 23:30 and 00:30 in Berlin, both on March 10 in UTC
        charge(station, stop=datetime(2026, 3, 10, 22, 30, tzinfo=UTC), wh=11_000, minutes=90)
        charge(station, stop=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), wh=2_500)
        charge(station, stop=datetime(2026, 3, 10, 20, 0, tzinfo=UTC), wh=1)
    with api_client(tenant) as api:
        days = rows_of(api.get("/api/v1/exports/energy.csv"))
        months = rows_of(api.get("/api/v1/exports/energy.csv", params={"period": "month"}))
        as_json = (api.get("/api/v1/exports/energy.json")).json()
    assert [(row["station"], row["day"], row["timezone"], row["sessions"], row["energy_kwh"])
            for row in days] == [
        ("BERLIN", "2026-03-10", "Europe/Berlin", "2", "11.001"),
        ("BERLIN", "2026-03-11", "Europe/Berlin", "1", "2.500"),
        ("UTC", "2026-03-10", "UTC", "3", "13.501")]
    assert [(row["station"], row["month"], row["sessions"], row["energy_kwh"]) for row in months] == [
        ("BERLIN", "2026-03", "3", "13.501"), ("UTC", "2026-03", "3", "13.501")]
    assert as_json[1] == {"station": "BERLIN", "station_name": "", "day": "2026-03-11",
                          "timezone": "Europe/Berlin", "sessions": 1, "energy_kwh": "2.500"}


# Revenue ---------------------------------------------------------------------------------------

def test_revenue_is_summed_per_month_tariff_and_vat_rate():
    tenant = make_tenant()
    standard = make_tariff(tenant, is_default=True)  # 0.30/kWh, 19 %
    reduced = make_tariff(tenant, [{"price_components": [  # a flat fee at 7 %, energy at 19 %
        {"type": "FLAT", "price": "1.00", "vat_rate": "7"},
        {"type": "ENERGY", "price": "0.20"}]}],
        name="Reduced", vat_rate="19")
    home, _ = make_station(tenant, timezone="Europe/Berlin")
    shop, _ = make_station(tenant, tariff=reduced)
    charge(home, stop=datetime(2026, 3, 5, 12, tzinfo=UTC), wh=10_000)  # 3.00 + 0.57
    charge(home, stop=datetime(2026, 3, 31, 22, 30, tzinfo=UTC), wh=5_000)  # April 1 in Berlin: 1.50 + 0.29
    charge(home, stop=datetime(2026, 3, 20, 12, tzinfo=UTC), wh=1_005)  # 0.30 + 0.06
    charge(shop, stop=datetime(2026, 3, 6, 12, tzinfo=UTC), wh=10_000)  # 1.00 + 0.07 and 2.00 + 0.38
    with api_client(tenant) as api:
        rows = rows_of(api.get("/api/v1/exports/revenue.csv"))
        sessions = rows_of(api.get("/api/v1/exports/sessions.csv"))
        as_json = (api.get("/api/v1/exports/revenue.json")).json()
    assert [tuple(row.values()) for row in rows] == [
        ("2026-03", "Reduced", "1", "EUR", "7", "0", "0.000", "1.00", "0.07", "1.07"),
        ("2026-03", "Reduced", "1", "EUR", "19", "1", "10.000", "2.00", "0.38", "2.38"),
        ("2026-03", "Standard", "1", "EUR", "19", "2", "11.005", "3.30", "0.63", "3.93"),
        ("2026-04", "Standard", "1", "EUR", "19", "1", "5.000", "1.50", "0.29", "1.79"),
    ]
    assert standard.version == 1
    assert total(rows, "gross") == total(sessions, "gross") == Decimal("9.17")
    assert as_json[0] == {"month": "2026-03", "tariff": "Reduced", "tariff_version": 1, "currency": "EUR",
                          "vat_rate": "7", "sessions": 0, "energy_kwh": "0.000", "net": "1.00",
                          "vat": "0.07", "gross": "1.07"}
