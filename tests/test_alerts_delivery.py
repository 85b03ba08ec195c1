"""A manager who configured nothing gets an e-mail when a station has been offline (here: the
offline threshold shortened to 0 minutes with the rules API) and when a connector faults; a few
hundred stations dropped at once are one summary e-mail (docs/alerts.md, Delivery).

Real charge points over real WebSockets; a server that evaluates and delivers every second and
writes its e-mails to files. Embedded: the server runs the schedule itself (EMBEDDED_BEAT). With
Redis: a real Celery worker runs the tasks, queued here every second as `celery beat` would."""

import asyncio
import email
import os
from contextlib import AsyncExitStack, asynccontextmanager
from email.header import decode_header, make_header
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from alerts.tasks import deliver_alerts, evaluate_alerts
from stations.models import Station
from stations.simulator import connect
from tenants.models import Membership, Role
from tests.conftest import _tmp
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.server import server_env, start_celery_worker, start_server

STORM = 300
_n = count()
SEPARATOR = "-" * 79


@pytest.fixture(scope="module")
def alerting(database, tmp_path_factory):
    """A server (and with Redis a worker) that evaluates and delivers alerts every second and
    writes each e-mail into `alerting.mails`."""
    mails = tmp_path_factory.mktemp("alert-mails")
    env = server_env() | {
        "EMBEDDED_BEAT": "1", "ALERT_EVALUATE_INTERVAL": "1", "ALERT_DELIVER_INTERVAL": "1",
        "EMAIL_BACKEND": "tests.alert_mail.EnvFileEmailBackend", "EMAIL_FILE_PATH": str(mails)}
    srv = start_server(env, _tmp)
    worker = start_celery_worker(env, _tmp) if os.environ.get("REDIS_URL") else None
    srv.mails = mails
    yield srv
    if worker is not None:
        worker.stop()
    srv.stop()


@asynccontextmanager
async def beat():
    """With Redis, queue the alerts' tasks every second for the worker (celery beat's part);
    embedded, the server's own beat runs them."""
    if not os.environ.get("REDIS_URL"):
        yield
        return

    async def tick():
        while True:
            evaluate_alerts.delay()
            deliver_alerts.delay()
            await asyncio.sleep(1)

    ticking = asyncio.create_task(tick())
    try:
        yield
    finally:
        ticking.cancel()


def manager_of(tenant):
    n = next(_n)
    user = get_user_model().objects.create_user(username=f"alerted-manager-{tenant.pk}-{n}",
                                                email=f"manager-{tenant.pk}-{n}@example.com")
    Membership.objects.create(user=user, tenant=tenant, role=Role.MANAGER)
    return user


def mails_to(server, address: str) -> list[email.message.Message]:
    """The e-mails the server wrote for `address` (the backend's files hold one or more each)."""
    found = []
    for path in server.mails.iterdir():
        for chunk in path.read_text(errors="replace").split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_string(chunk.strip() + "\n")
                if address in (message["To"] or ""):
                    found.append(message)
    return found


def subjects(messages) -> list[str]:
    return sorted(str(make_header(decode_header(message["Subject"]))) for message in messages)


def subject_with(server, address: str, words: str):
    return lambda: [s for s in subjects(mails_to(server, address)) if words in s]


async def test_a_manager_who_configured_nothing_is_mailed_of_an_offline_station_and_a_fault(
        alerting):
    tenant = make_tenant("mailed")
    manager = manager_of(tenant)
    leaving, faulting = make_station(tenant, "CP-GONE"), make_station(tenant, "CP-FAULT")
    async with api_client(alerting, tenant) as api, beat():
        async with charge_point(alerting, tenant, *faulting) as cp:
            async with charge_point(alerting, tenant, *leaving):
                pass  # it booted and dropped its link
            # the offline threshold shortened for the test (10 minutes by default)
            response = await api.patch("/api/v1/alert-rules/station_offline/",
                                       json={"threshold": 0})
            assert response.status_code == 200, response.text
            await cp.status(1, "Faulted", error_code="GroundFailure")

            offline = await eventually(subject_with(alerting, manager.email, "CP-GONE"),
                                       timeout=30)
            faulted = await eventually(subject_with(alerting, manager.email, "faulted"),
                                       timeout=30)
            await cp.status(1, "Available")
            resolved = await eventually(subject_with(alerting, manager.email, "Resolved:"),
                                        timeout=30)
        history = (await api.get("/api/v1/alert-notifications/")).json()["results"]

    assert offline == ["[CPMS] Station CP-GONE offline since " + offline[0].split("since ")[1]]
    assert faulted == ["[CPMS] CP-FAULT: connector 1 faulted (GroundFailure)"]
    assert resolved == ["[CPMS] Resolved: CP-FAULT: connector 1 faulted (GroundFailure)"]
    [fault_mail] = [m for m in mails_to(alerting, manager.email) if "GroundFailure" in m["Subject"]
                    and "Resolved" not in m["Subject"]]
    assert fault_mail.is_multipart()  # text and HTML
    assert "/alerts/" in fault_mail.get_payload(0).get_payload(decode=True).decode()
    assert {row["subject"] for row in history} >= {offline[0], faulted[0], resolved[0]}
    assert all(row["recipients"] == [manager.email] and not row["error"] for row in history)


async def test_a_few_hundred_stations_dropped_at_once_are_one_summary_mail(alerting):
    tenant = make_tenant("storm")
    manager = manager_of(tenant)
    stations = [make_station(tenant, f"STORM-{n}") for n in range(STORM)]
    fleet = Station.objects.filter(tenant=tenant)
    async with api_client(alerting, tenant) as api, beat():
        async with AsyncExitStack() as links:
            for start in range(0, STORM, 50):
                await asyncio.gather(*(links.enter_async_context(_linked(alerting, tenant, pair))
                                       for pair in stations[start:start + 50]))
            await eventually(lambda: fleet.exclude(channel_name="").count() == STORM, timeout=60)
        # every link dropped at once; the threshold then shortened, so one sweep opens them all
        await eventually(lambda: not fleet.exclude(channel_name="").exists(), timeout=60)
        response = await api.patch("/api/v1/alert-rules/station_offline/", json={"threshold": 0})
        assert response.status_code == 200, response.text
        [summary] = await eventually(lambda: mails_to(alerting, manager.email), timeout=60)
        await asyncio.sleep(3)  # a few more rounds: nothing else comes
        history = (await api.get("/api/v1/alert-notifications/")).json()

    assert subjects(mails_to(alerting, manager.email)) == [
        f"[CPMS] {STORM} alerts: {STORM} stations offline"]
    body = summary.get_payload(0).get_payload(decode=True).decode()
    assert "STORM-" in body and f"and {STORM - 50} more" in body
    assert history["count"] == 1 and history["results"][0]["summarized"]
    assert history["results"][0]["alert_count"] == STORM


@asynccontextmanager
async def _linked(server, tenant, pair):
    station, password = pair
    link = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    try:
        yield link
    finally:
        await link.close()
