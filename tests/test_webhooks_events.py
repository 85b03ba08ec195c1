"""Webhook events from a real charge point (docs/webhooks.md): an endpoint created through the
API; a 1.6 and a 2.0.1 station connect, boot, change status, charge under a tariff and stop; the
receiver, a real HTTP server in this test, gets station.connected, station.booted,
station.status_changed, session.started, session.stopped and session.priced in that order, each
signed (checked as the docs tell a receiver to) with the payloads the docs describe.

Each step waits until its event is written before the station sends the next message: the
order checked is the order they were written in, which the deliveries keep per station. The
server sends fast (WEBHOOK_BACKOFF_BASE 0.2 s, the sweep every 0.5 s; embedded, the server runs
the sweep; with Redis a real Celery worker prices and delivers, and the sweep is queued here
every half second, as `celery beat` would)."""

import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billing.services import tariff_create
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.webhook_live import beat, webhook_server
from webhooks.models import WebhookEvent

TOLERANCE = 300  # seconds
TOLD = ["station.connected", "station.booted", "station.status_changed", "session.started",
        "session.stopped", "session.priced"]


def verified(secret: str, headers, body: bytes) -> bool:
    """docs/webhooks.md, "Verifying a signature (Python)", as a receiver would copy it."""
    parts = [part.strip().split("=", 1) for part in headers["Webhook-Signature"].split(",")]
    timestamps = [value for key, value in parts if key == "t"]
    if not timestamps or not timestamps[0].isdigit():
        return False
    timestamp = timestamps[0]
    if abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


class Receiver(ThreadingHTTPServer):
    """Accepts every request, keeping its envelope and whether its signature verified."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.secret, self.received, self.lock = "", [], threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/events"

    def types(self) -> list[str]:
        with self.lock:
            return [envelope["type"] for envelope, _ in self.received]

    def of(self, type_: str) -> dict:
        with self.lock:
            return next(envelope for envelope, _ in self.received if envelope["type"] == type_)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        receiver: Receiver = self.server
        with receiver.lock:
            receiver.received.append((json.loads(body), verified(receiver.secret, self.headers, body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    made = Receiver()
    threading.Thread(target=made.serve_forever, daemon=True).start()
    yield made
    made.shutdown()
    made.server_close()


@pytest.fixture(scope="module")
def events_server(database):
    with webhook_server() as srv:
        yield srv


def a_station_with_a_tariff():
    tenant = make_tenant()
    tariff = tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19",
                           elements=[{"price_components": [{"type": "ENERGY", "price": "0.30"}]}])
    station, password = make_station(tenant, tariff=tariff)
    return tenant, station, password, make_id_tag(tenant).id_tag


async def subscribed(api, receiver: Receiver) -> None:
    created = await api.post("/api/v1/webhooks/endpoints/", json={"url": receiver.url,
                                                                  "event_types": TOLD})
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]


def written(tenant, type_: str, count: int = 1):
    return lambda: WebhookEvent.objects.filter(tenant=tenant, type=type_).count() >= count


async def told_in_order(receiver: Receiver) -> list[str]:
    await eventually(lambda: set(TOLD) <= set(receiver.types()), timeout=30)
    firsts = [receiver.types().index(type_) for type_ in TOLD]
    assert firsts == sorted(firsts), receiver.types()
    assert all(ok for _, ok in receiver.received)
    return receiver.types()


async def test_a_16_stations_day_reaches_the_receiver_in_order_and_signed(events_server, receiver):
    tenant, station, password, id_tag = a_station_with_a_tariff()
    async with api_client(events_server, tenant) as api, beat():
        await subscribed(api, receiver)
        async with charge_point(events_server, tenant, station, password, boot=False) as cp:
            await eventually(written(tenant, "station.connected"))
            await cp.boot()
            await eventually(written(tenant, "station.booted"))
            await cp.status(1, "Preparing")
            await eventually(written(tenant, "station.status_changed"))
            await cp.start_transaction(1, id_tag)
            await eventually(written(tenant, "session.started"))
            await cp.meter_values(1, 7500)
            await cp.stop_transaction(1)
            await told_in_order(receiver)

    stopped, priced = receiver.of("session.stopped"), receiver.of("session.priced")
    assert receiver.of("station.booted")["data"]["station"] == {
        "id": station.pk, "identity": station.identity, "ocpp_version": "1.6"}
    assert receiver.of("station.status_changed")["data"]["status"] == "Preparing"
    assert stopped["data"]["session"]["energy_wh"] == 7500
    assert stopped["data"]["session"]["id_tag"] == id_tag
    assert priced["data"]["session"]["id"] == stopped["data"]["session"]["id"]
    assert priced["data"]["price"]["currency"] == "EUR"
    assert Decimal(priced["data"]["price"]["net"]) == Decimal("2.25")  # 7.5 kWh at 0.30
    assert {envelope["tenant"] for envelope, _ in receiver.received} == {tenant.slug}
    assert all(envelope["version"] == 1 for envelope, _ in receiver.received)


async def test_a_201_stations_day_reaches_the_receiver_in_order_and_signed(events_server, receiver):
    tenant, station, password, id_tag = a_station_with_a_tariff()
    async with api_client(events_server, tenant) as api, beat():
        await subscribed(api, receiver)
        async with charge_point_201(events_server, tenant, station, password, boot=False) as cp:
            await eventually(written(tenant, "station.connected"))
            await cp.boot()
            await eventually(written(tenant, "station.booted"))
            await cp.status(1, "Available")
            await eventually(written(tenant, "station.status_changed"))
            await cp.start_transaction(1, id_tag)  # Occupied, then TransactionEvent Started
            await eventually(written(tenant, "session.started"))
            await cp.meter_values(1, 3000)
            await cp.stop_transaction(1, unplug=False)
            await told_in_order(receiver)

    stopped, priced = receiver.of("session.stopped"), receiver.of("session.priced")
    assert receiver.of("station.booted")["data"]["station"]["ocpp_version"] == "2.0.1"
    assert stopped["data"]["session"]["transaction_id"] == priced["data"]["session"]["transaction_id"]
    assert stopped["data"]["session"]["evse_id"] == 1 and stopped["data"]["session"]["energy_wh"] == 3000
    assert Decimal(priced["data"]["price"]["net"]) == Decimal("0.90")  # 3 kWh at 0.30
