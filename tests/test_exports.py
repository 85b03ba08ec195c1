"""Exports for accountants through the real server: a session charged over a WebSocket exported
at the API's price, each JSON twin holding its CSV's rows, a large export streamed in chunks (the
filters, totals and tenancy in process: tests/fast/billing/exports/test_exports.py)."""

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

from billing.exports import sessions as sessions_export
from billing.exports.sessions import session_row
from billing.models import Customer, SessionPrice
from stations.models import ChargingSession
from tenants.services import api_token_create
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.fast.billing.exports.test_exports import (
    charge,
    make_tariff,
    rows_of,
    total,
)
from tests.test_session_pricing import charge_12345_wh_then_park_40_minutes, priced_finally

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
