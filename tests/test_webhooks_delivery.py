"""Webhooks end to end (docs/webhooks.md, "Delivery, signatures and retries"): a real HTTP
receiver in this test checks every signature and fails the first attempts with a 500; the
server (and with Redis a real Celery worker) retries with back-off until it accepts, with the
same event id each time; a real charge point's status changes reach it in the order they
happened although the first ones failed.

The server retries fast here (WEBHOOK_BACKOFF_BASE 0.2 s, the sweep every 0.5 s). Embedded: the
server runs the sweep itself (EMBEDDED_BEAT). With Redis: `deliver_due` is queued here every
half second for the worker, as `celery beat` would."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

import pytest
from django.db import connection

from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.webhook_live import beat, webhook_server
from webhooks import dispatch, services
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.signing import signature_verify


class Receiver(ThreadingHTTPServer):
    """Answers 500 to its first `fail_first` requests, then 200; keeps every request with
    whether its signature verified against `secret`."""

    daemon_threads = True

    def __init__(self, fail_first: int):
        super().__init__(("127.0.0.1", 0), Handler)
        self.fail_first, self.secret, self.requests = fail_first, "", []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks"

    def accepted(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        receiver: Receiver = self.server
        with receiver.lock:
            status = 500 if len(receiver.requests) < receiver.fail_first else 200
            receiver.requests.append({
                "status": status, "id": self.headers["Webhook-Id"], "envelope": json.loads(body),
                "verified": signature_verify(secret=receiver.secret, body=body,
                                             header=self.headers["Webhook-Signature"])})
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"no" if status == 500 else b"thanks")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    def start(fail_first: int) -> Receiver:
        made = Receiver(fail_first)
        threading.Thread(target=made.serve_forever, daemon=True).start()
        started.append(made)
        return made
    started: list[Receiver] = []
    yield start
    for made in started:
        made.shutdown()
        made.server_close()


@pytest.fixture(scope="module")
def hooks_server(database):
    with webhook_server() as srv:
        yield srv


async def add_endpoint(api, receiver: Receiver, event_types: list[str]) -> dict:
    created = await api.post("/api/v1/webhooks/endpoints/", json={"url": receiver.url,
                                                                  "event_types": event_types})
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]
    return created.json()


async def test_a_test_event_is_retried_until_accepted_signed_and_with_one_id(hooks_server, receiver):
    tenant = make_tenant()
    station, password = make_station(tenant)
    hook = receiver(fail_first=2)
    async with api_client(hooks_server, tenant) as api, beat(), \
            charge_point(hooks_server, tenant, station, password):  # the embedded beat starts with a link
        endpoint = await add_endpoint(api, hook, ["session.started"])
        sent = await api.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test/")
        assert sent.status_code == 202
        await eventually(lambda: hook.accepted(), timeout=20)
        delivery = WebhookDelivery.objects.get(pk=sent.json()["id"])
        await eventually(lambda: WebhookDelivery.objects.get(pk=delivery.pk).state == "succeeded")
        log = await api.get("/api/v1/webhooks/deliveries/", params={"event": str(delivery.event_id)})
    assert [r["status"] for r in hook.requests] == [500, 500, 200]
    assert {r["id"] for r in hook.requests} == {str(delivery.event_id)}
    assert all(r["verified"] for r in hook.requests)
    assert hook.requests[0]["envelope"]["type"] == "webhook.test"
    assert hook.requests[0]["envelope"]["tenant"] == tenant.slug
    [row] = log.json()["results"]
    assert [a["status_code"] for a in row["attempt_log"]] == [500, 500, 200]
    assert row["attempts"] == 3


async def test_a_stations_status_changes_arrive_in_order_after_failures(hooks_server, receiver):
    tenant = make_tenant()
    station, password = make_station(tenant)
    hook = receiver(fail_first=3)
    statuses = ["Preparing", "Charging", "SuspendedEV", "Charging", "Finishing", "Available"]
    async with api_client(hooks_server, tenant) as api, beat():
        await add_endpoint(api, hook, ["station.status_changed"])
        async with charge_point(hooks_server, tenant, station, password) as cp:
            for status in statuses:  # back to back, as a station sends them
                await cp.status(1, status)
            await eventually(lambda: len(hook.accepted()) >= len(statuses), timeout=30)
    told = [r["envelope"]["data"]["status"] for r in hook.accepted()]
    assert told == statuses
    assert all(r["verified"] for r in hook.requests)
    failed_ids = {r["id"] for r in hook.requests if r["status"] == 500}
    assert failed_ids <= {r["id"] for r in hook.accepted()}  # retried with the same event id
    assert WebhookAttempt.objects.filter(delivery__tenant=tenant, status_code=500).count() == 3


def test_racing_workers_claim_a_delivery_once_and_never_a_stations_second_before_its_first(database):
    """The claim under real concurrency (committed rows, one connection per thread; on
    PostgreSQL, READ COMMITTED): a rolled-back fast test cannot race two transactions."""
    tenant = make_tenant()
    station, _ = make_station(tenant)
    services.endpoint_create(tenant=tenant, url="https://hooks.example.com/in", event_types=[])
    with patch.object(dispatch, "deliveries_dispatch", lambda ids: None):
        first, second = (services.webhook_emit(tenant_id=tenant.pk, type="station.connected",
                                               data={"n": n}, station_id=station.pk).deliveries.get()
                         for n in (1, 2))
    barrier = threading.Barrier(8)

    def claim(delivery_id: int):
        try:
            barrier.wait()
            return delivery_id, services.delivery_claim(delivery_id=delivery_id)
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(claim, [first.pk, second.pk] * 4))
    assert [d for d, until in claims if until is not None] == [first.pk]
