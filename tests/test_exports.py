"""Exports for accountants: sessions, energy and revenue as CSV (as Excel opens them) and JSON,
streamed, filtered by period and station, adding up to the sessions' prices in the API."""

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

from billing.exports import sessions as sessions_export
from billing.exports.sessions import session_row
from billing.models import Customer, SessionPrice, Tariff
from billing.services import tariff_create
from billing.tasks import price_session_task
from stations.models import ChargingSession
from stations.services.transactions import transaction_start, transaction_stop
from tenants.services import api_token_create
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_session_pricing import charge_12345_wh_then_park_40_minutes, priced_finally

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

async def test_a_session_charged_over_a_websocket_is_exported_with_the_price_the_api_shows(server):
    tenant = make_tenant()
    station, password = make_station(tenant, name="Garage north")
    customer = Customer.objects.create(tenant=tenant, name="Müller GmbH")
    make_id_tag(tenant, "DRIVER", customer=customer)
    make_tariff(tenant, [{"price_components": [{"type": "ENERGY", "price": "0.30"},
                                               {"type": "PARKING_TIME", "price": "6.00"}]}],
                idle_grace_minutes=15, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = await charge_12345_wh_then_park_40_minutes(cp, "DRIVER")
        await priced_finally(session.id)
    async with api_client(server, tenant) as api:
        response = await api.get("/api/v1/exports/sessions.csv")
        cost = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    [row] = rows_of(response)
    assert response.headers["content-disposition"] == f'attachment; filename="sessions-{tenant.slug}.csv"'
    assert response.content.decode("utf-8-sig").split("\r\n")[0] == (
        "session_id,transaction_id,station,station_name,connector,id_tag,customer,started_at,stopped_at,"
        "energy_kwh,tariff,internal,currency,cost_lines,net,vat,gross,price_status")
    assert (row["station"], row["station_name"], row["connector"], row["id_tag"], row["customer"]) == (
        station.identity, "Garage north", "1", "DRIVER", "Müller GmbH")
    assert (row["started_at"], row["stopped_at"]) == (
        cost["started_at"].replace("Z", "+00:00"), cost["stopped_at"].replace("Z", "+00:00"))
    assert row["started_at"].endswith("+00:00")
    assert (row["energy_kwh"], row["tariff"], row["currency"]) == ("12.345", "Standard v1", "EUR")
    assert row["cost_lines"].startswith("ENERGY: 12.345 kWh x 0.30 = 3.70 (VAT 19%); PARKING_TIME: ")
    assert row["cost_lines"].endswith(" h x 6.00 = 2.50 (VAT 19%)")
    assert (row["net"], row["vat"], row["gross"]) == (cost["cost_net"], cost["cost_vat"], cost["cost"]) == (
        "6.20", "1.18", "7.38")
    assert (row["internal"], row["price_status"]) == ("false", "final")


async def test_the_csv_totals_equal_the_sum_of_the_sessions_costs_in_the_api(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_tariff(tenant, [{"price_components": [{"type": "FLAT", "price": "0.50"},
                                               {"type": "ENERGY", "price": "0.333"}]}], is_default=True)
    make_id_tag(tenant, "STAFF", internal=True)
    stop = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for n, wh in enumerate([1_001, 7_777, 12_345, 33_333]):
        charge(station, stop=stop + timedelta(hours=n), wh=wh)
    charge(station, stop=stop + timedelta(hours=9), wh=5_000, id_tag="STAFF")
    async with api_client(server, tenant) as api:
        rows = rows_of(await api.get("/api/v1/exports/sessions.csv"))
        revenue = rows_of(await api.get("/api/v1/exports/revenue.csv"))
        listed = (await api.get("/api/v1/sessions/", params={"limit": 100})).json()["results"]
    api_gross = sum(Decimal(session["cost"]) for session in listed)
    assert len(rows) == len(listed) == 5
    assert total(rows, "gross") == total(revenue, "gross") == api_gross
    assert total(rows, "net") == total(revenue, "net") == sum(Decimal(s["cost_net"]) for s in listed)
    assert total(rows, "vat") == total(revenue, "vat") == sum(Decimal(s["cost_vat"]) for s in listed)
    assert total(rows, "energy_kwh") == total(revenue, "energy_kwh") == Decimal("59.456")
    staff = next(row for row in rows if row["id_tag"] == "STAFF")
    assert (staff["internal"], staff["energy_kwh"], staff["gross"]) == ("true", "5.000", "0.00")


async def test_sessions_not_priced_yet_are_listed_without_money(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    session = charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=2_000)
    SessionPrice.objects.filter(session=session).update(priced_at=None)
    other, _ = make_station(tenant)
    charge(other, stop=datetime(2026, 3, 10, 13, tzinfo=UTC), wh=2_000)
    Tariff.objects.filter(tenant=tenant).update(is_default=False)
    charge(other, stop=datetime(2026, 3, 10, 14, tzinfo=UTC), wh=2_000)  # no tariff applies
    async with api_client(server, tenant) as api:
        rows = rows_of(await api.get("/api/v1/exports/sessions.csv"))
        revenue = rows_of(await api.get("/api/v1/exports/revenue.csv"))
    assert [(row["price_status"], row["currency"], row["gross"]) for row in rows] == [
        ("pending", "", ""), ("final", "EUR", "0.71"), ("no_tariff", "", "")]
    assert [(row["sessions"], row["gross"]) for row in revenue] == [("1", "0.71")]


async def test_a_formula_in_an_id_tag_is_defused_in_the_csv_but_not_in_the_json(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000, id_tag="=1+2")
    async with api_client(server, tenant) as api:
        [row] = rows_of(await api.get("/api/v1/exports/sessions.csv"))
        [item] = (await api.get("/api/v1/exports/sessions.json")).json()
    assert (row["id_tag"], item["id_tag"]) == ("'=1+2", "=1+2")


# Filters ---------------------------------------------------------------------------------------

async def test_since_and_until_take_dates_local_to_the_station_and_instants_with_an_offset(server):
    tenant = make_tenant()
    station, _ = make_station(tenant, timezone="Europe/Berlin")  # UTC+1 in March
    stops = {name: charge(station, stop=at, wh=1_000).pk for name, at in [
        ("feb 28, 23:30 local", datetime(2026, 2, 28, 22, 30, tzinfo=UTC)),
        ("mar 1, 00:30 local", datetime(2026, 2, 28, 23, 30, tzinfo=UTC)),
        ("mar 31, 23:30 local", datetime(2026, 3, 31, 21, 30, tzinfo=UTC)),  # CEST: UTC+2
        ("apr 1, 00:30 local", datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),
    ]}

    async def exported(**params) -> list[int]:
        async with api_client(server, tenant) as api:
            rows = rows_of(await api.get("/api/v1/exports/sessions.csv", params=params))
        return [int(row["session_id"]) for row in rows]

    march = await exported(since="2026-03-01", until="2026-04-01")
    assert march == [stops["mar 1, 00:30 local"], stops["mar 31, 23:30 local"]]
    assert await exported(since="2026-03-01T00:00:00Z", until="2026-04-01T00:00:00+02:00") == [
        stops["mar 31, 23:30 local"]]
    assert await exported(until="2026-03-01") == [stops["feb 28, 23:30 local"]]
    assert await exported(since="2026-04-01") == [stops["apr 1, 00:30 local"]]
    assert await exported(since="2026-03-31T23:00:00") == [  # wall clock, local
        stops["mar 31, 23:30 local"], stops["apr 1, 00:30 local"]]


async def test_the_station_filter_keeps_that_stations_rows_in_every_export(server):
    tenant = make_tenant()
    make_tariff(tenant, is_default=True)
    north, _ = make_station(tenant, identity="NORTH")
    south, _ = make_station(tenant, identity="SOUTH")
    charge(north, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000)
    charge(south, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=2_000)
    async with api_client(server, tenant) as api:
        sessions = rows_of(await api.get("/api/v1/exports/sessions.csv", params={"station": "SOUTH"}))
        energy = rows_of(await api.get("/api/v1/exports/energy.csv", params={"station": "SOUTH"}))
        revenue = rows_of(await api.get("/api/v1/exports/revenue.csv", params={"station": "SOUTH"}))
        both = rows_of(await api.get("/api/v1/exports/energy.csv", params={"station": ["SOUTH", "NORTH"]}))
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
async def test_a_bad_filter_is_a_400_with_its_reason(server, params, field):
    tenant = make_tenant()
    make_station(tenant)
    async with api_client(server, tenant) as api:
        for name in ("sessions.csv", "energy.json", "revenue.csv"):
            response = await api.get(f"/api/v1/exports/{name}", params=params)
            assert response.status_code == 400, (name, response.text)
            assert list(response.json()) == [field]


async def test_an_unknown_period_kind_is_a_400(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        response = await api.get("/api/v1/exports/energy.csv", params={"period": "week"})
    assert response.status_code == 400 and "period" in response.json()


async def test_a_client_that_accepts_only_csv_gets_the_file_and_its_errors_as_json(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        csv_only = {"Accept": "text/csv"}
        ok = await api.get("/api/v1/exports/revenue.csv", headers=csv_only)
        bad = await api.get("/api/v1/exports/revenue.csv", params={"since": "x"}, headers=csv_only)
    assert header_of(ok)[0] == "month" and rows_of(ok) == []
    assert bad.status_code == 400 and "since" in bad.json()


async def test_another_tenants_station_is_an_unknown_station(server):
    tenant, other = make_tenant(), make_tenant()
    make_station(other, identity="THEIRS")
    async with api_client(server, tenant) as api:
        response = await api.get("/api/v1/exports/sessions.csv", params={"station": "THEIRS"})
    assert response.status_code == 400 and response.json() == {"station": ["No station 'THEIRS'."]}


async def test_another_tenant_exports_nothing_of_this_ones(server):
    tenant, other = make_tenant(), make_tenant()
    make_tariff(tenant, is_default=True)
    station, _ = make_station(tenant)
    charge(station, stop=datetime(2026, 3, 10, 12, tzinfo=UTC), wh=1_000)
    async with api_client(server, other) as api:
        for name in ("sessions", "energy", "revenue"):
            response = await api.get(f"/api/v1/exports/{name}.csv")
            assert rows_of(response) == [] and len(header_of(response)) > 3
            assert (await api.get(f"/api/v1/exports/{name}.json")).json() == []


# Energy ----------------------------------------------------------------------------------------

async def test_energy_is_counted_per_local_day_of_the_stop_across_midnight(server):
    tenant = make_tenant()
    berlin, _ = make_station(tenant, identity="BERLIN", timezone="Europe/Berlin")
    utc, _ = make_station(tenant, identity="UTC")
    for station in (berlin, utc):  # 23:30 and 00:30 in Berlin, both on March 10 in UTC
        charge(station, stop=datetime(2026, 3, 10, 22, 30, tzinfo=UTC), wh=11_000, minutes=90)
        charge(station, stop=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), wh=2_500)
        charge(station, stop=datetime(2026, 3, 10, 20, 0, tzinfo=UTC), wh=1)
    async with api_client(server, tenant) as api:
        days = rows_of(await api.get("/api/v1/exports/energy.csv"))
        months = rows_of(await api.get("/api/v1/exports/energy.csv", params={"period": "month"}))
        as_json = (await api.get("/api/v1/exports/energy.json")).json()
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

async def test_revenue_is_summed_per_month_tariff_and_vat_rate(server):
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
    async with api_client(server, tenant) as api:
        rows = rows_of(await api.get("/api/v1/exports/revenue.csv"))
        sessions = rows_of(await api.get("/api/v1/exports/sessions.csv"))
        as_json = (await api.get("/api/v1/exports/revenue.json")).json()
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


# JSON twins ------------------------------------------------------------------------------------

async def test_each_json_twin_holds_the_csvs_rows(server):
    tenant = make_tenant()
    make_tariff(tenant, is_default=True)
    station, _ = make_station(tenant)
    for hour in range(3):
        charge(station, stop=datetime(2026, 3, 10, 12 + hour, tzinfo=UTC), wh=1_234 * (hour + 1))
    async with api_client(server, tenant) as api:
        for name in ("sessions", "energy", "revenue"):
            rows = rows_of(await api.get(f"/api/v1/exports/{name}.csv"))
            response = await api.get(f"/api/v1/exports/{name}.json")
            assert response.headers["content-type"] == "application/json"
            disposition = f'attachment; filename="{name}-{tenant.slug}.json"'
            assert response.headers["content-disposition"] == disposition
            items = response.json()
            assert len(items) == len(rows) > 0
            assert [list(item) for item in items] == [list(row) for row in rows]
            assert [{key: _as_csv(value) for key, value in item.items() if key != "cost_lines"}
                    for item in items] == [{key: value for key, value in row.items() if key != "cost_lines"}
                                           for row in rows]
    assert items[0]["sessions"] == 3
    lines = json.loads(await _sessions_json(server, tenant))[0]["cost_lines"]
    assert lines == [{"component": "ENERGY", "quantity": "1.234", "unit": "kWh", "unit_price": "0.30",
                      "net": "0.37", "vat_rate": "19"}]


async def _sessions_json(server, tenant) -> str:
    async with api_client(server, tenant) as api:
        return (await api.get("/api/v1/exports/sessions.json")).text


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Streaming -------------------------------------------------------------------------------------

def bulk_sessions(station, tariff, count: int) -> None:
    """`count` priced sessions, made in bulk (the export is under test, not the pricing)."""
    first = datetime(2026, 1, 1, tzinfo=UTC)
    sessions = ChargingSession.objects.bulk_create([
        ChargingSession(tenant_id=station.tenant_id, station=station, connector_id=1, transaction_id=n,
                        id_tag="FLEET", meter_start=0, meter_stop=10_000,
                        started_at=first + timedelta(minutes=90 * n),
                        stopped_at=first + timedelta(minutes=90 * n + 60)) for n in range(count)],
        batch_size=1000)
    if sessions[0].pk is None:  # backends that do not return ids
        sessions = list(ChargingSession.objects.filter(station=station).order_by("transaction_id"))
    line = {"component": "ENERGY", "quantity": "10", "unit": "kWh", "unit_price": "0.30", "net": "3.00",
            "vat_rate": "19"}
    now = datetime.now(UTC)
    SessionPrice.objects.bulk_create([
        SessionPrice(session=session, tenant_id=station.tenant_id, tariff=tariff, currency="EUR",
                     net=Decimal("3.00"), vat=Decimal("0.57"), gross=Decimal("3.57"), lines=[line],
                     vat_by_rate={"19": ["3.00", "0.57"]}, priced_at=now, final=True)
        for session in sessions],
        batch_size=1000)


async def asgi_get(path: str, key: str, on_send=None) -> list[dict]:
    """The ASGI messages the Django application sends for one GET (as daphne receives them)."""
    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": [(b"host", b"testserver"),
                                          (b"authorization", f"Token {key}".encode())],
             "client": ("127.0.0.1", 1234), "server": ("testserver", 80)}
    sent: list[dict] = []
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects

    async def send(message):
        if on_send is not None:
            on_send(message)
        sent.append(message)

    await ASGIHandler()(scope, receive, send)
    return sent


async def test_a_large_export_is_streamed_in_many_chunks_not_built_in_memory(monkeypatch):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant)
    await sync_to_async(bulk_sessions)(station, tariff, 5_000)
    _, key = api_token_create(tenant=tenant)
    made, made_when_first_sent = 0, []

    def counting_row(values):
        nonlocal made
        made += 1
        return session_row(values)

    def on_send(message):
        if message.get("body") and not made_when_first_sent:
            made_when_first_sent.append(made)

    monkeypatch.setattr(sessions_export, "session_row", counting_row)
    messages = await asgi_get("/api/v1/exports/sessions.csv", key, on_send)
    start, *rest = messages
    bodies = [message["body"] for message in rest if message.get("body")]
    assert start["status"] == 200 and b"content-length" not in dict(start["headers"])
    assert len(bodies) > 10 and max(len(body) for body in bodies) < 64 * 1024
    assert made == 5_000 and made_when_first_sent[0] < 1_000  # sent while the rest was still unread
    text = b"".join(bodies).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 5_000 and total(rows, "gross") == Decimal("17850.00")
    revenue = await asgi_get("/api/v1/exports/revenue.csv?since=2026-01-01&until=2027-01-01", key)
    text = b"".join(message.get("body", b"") for message in revenue[1:]).decode("utf-8-sig")
    assert total(list(csv.DictReader(io.StringIO(text, newline=""))), "gross") == Decimal("17850.00")
