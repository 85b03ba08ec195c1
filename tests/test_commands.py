"""Commands from the API to a station: any 1.6 action, one outstanding CALL, any process.
(In process, without a station: tests/fast/stations/test_commands.py.)"""

import asyncio
import json
import time

from audit.models import AuditEntry
from stations.models import OcppMessage, Station
from stations.simulator import connect
from tests.conftest import needs_redis
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.test_commands import command


async def test_a_command_returns_the_stations_answer(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("GetConfiguration", {"key": ["HeartbeatInterval"]}))
    assert response.status_code == 200
    body = response.json()
    assert body["action"] == "GetConfiguration"
    assert body["response"]["configurationKey"] == [
        {"key": "HeartbeatInterval", "readonly": False, "value": "300"}]
    # The frame log is written in the next batch, beside the answer's delivery.
    sent = await eventually(lambda: OcppMessage.objects.filter(
        station=station, direction="out", action="GetConfiguration").first())
    answer = await eventually(lambda: OcppMessage.objects.filter(
        station=station, direction="in", unique_id=sent.unique_id).first())
    assert answer.action == "GetConfiguration" and answer.message_type == 3


async def test_remote_start_and_stop_run_a_session_on_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-USER")
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        started = await api.post(url, json=command("RemoteStartTransaction",
                                                   {"idTag": "APP-USER", "connectorId": 1}))
        assert started.json()["response"] == {"status": "Accepted"}

        async def running():
            results = (await api.get("/api/v1/sessions/", params={"active": "true",
                                                                  "station": station.identity})
                       ).json()["results"]
            return results[0] if results else None

        session = await eventually(running)
        assert session["id_tag"] == "APP-USER"
        stopped = await api.post(url, json=command("RemoteStopTransaction",
                                                   {"transactionId": session["transaction_id"]}))
        assert stopped.json()["response"] == {"status": "Accepted"}

        async def stopped_remotely():
            body = (await api.get(f"/api/v1/sessions/{session['id']}/")).json()
            return body["stop_reason"] == "Remote"

        await eventually(stopped_remotely)
    assert ("RemoteStartTransaction", {"id_tag": "APP-USER"}) in cp.received


async def test_an_unknown_action_or_a_bad_payload_is_a_400(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        unknown = await api.post(url, json=command("MakeCoffee"))
        station_action = await api.post(url, json=command("BootNotification"))
        bad = await api.post(url, json=command("Reset", {"type": "Gentle"}))
        missing = await api.post(url, json=command("UnlockConnector"))
    assert unknown.status_code == 400 and "action" in unknown.json()
    assert station_action.status_code == 400
    assert bad.status_code == 400 and "PropertyConstraintViolation" in bad.json()["payload"][0]
    assert missing.status_code == 400 and "connectorId" in missing.json()["payload"][0]


async def test_a_callerror_from_the_station_is_a_502_with_its_code(server):
    tenant = make_tenant()
    station, connection = await _raw_station(server, tenant)

    async def refuse():
        frame = json.loads(await connection.recv())
        await connection.send(json.dumps([4, frame[1], "NotImplemented", "not here", {}]))

    refusing = asyncio.create_task(refuse())
    async with api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("ClearCache"))
    await asyncio.wait_for(refusing, 10)  # the station got the CALL (else the test fails, not hangs)
    await connection.close()
    assert response.status_code == 502
    assert response.json()["code"] == "NotImplemented"
    assert response.json()["description"] == "not here"
    [audited] = await eventually(lambda: list(AuditEntry.objects.filter(tenant=tenant,
                                                                        action="command")))
    # the audit log has its code
    assert audited.result == "error: NotImplemented"


async def _raw_station(server, tenant):
    """A station speaking raw frames, once the backend counts it as connected (its link is
    recorded by the group-commit writer, a few milliseconds after the handshake)."""
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    await eventually(lambda: Station.objects.select_related("server_process").get(pk=station.pk).connected)
    return station, connection


async def test_no_answer_in_time_is_a_504(server):
    tenant = make_tenant()
    station, connection = await _raw_station(server, tenant)
    async with api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("ClearCache"))
    await connection.close()
    assert response.status_code == 504


async def test_an_answer_that_breaks_the_schema_is_a_502(server):
    tenant = make_tenant()
    station, connection = await _raw_station(server, tenant)

    async def answer_badly():
        call = json.loads(await connection.recv())
        await connection.send(json.dumps([3, call[1], {"status": "Maybe"}]))

    async with api_client(server, tenant) as api:
        answering = asyncio.create_task(answer_badly())
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("ClearCache"))
        await answering
    await connection.close()
    assert response.status_code == 502
    assert response.json()["code"] == "PropertyConstraintViolation"


async def test_the_backend_keeps_one_call_outstanding_and_queues_the_rest(server):
    tenant = make_tenant()
    station, connection = await _raw_station(server, tenant)
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with api_client(server, tenant) as api:
        requests = [asyncio.create_task(api.post(url, json=command(
            "ChangeConfiguration", {"key": f"K{n}", "value": str(n)}))) for n in range(3)]
        seen = []
        for _ in range(3):
            call = json.loads(await asyncio.wait_for(connection.recv(), 5))
            seen.append(call[3]["key"])
            try:  # nothing else may arrive while this CALL is unanswered
                extra = await asyncio.wait_for(connection.recv(), 0.5)
                raise AssertionError(f"second outstanding CALL: {extra}")
            except TimeoutError:
                pass
            await connection.send(json.dumps([3, call[1], {"status": "Accepted"}]))
        responses = await asyncio.gather(*requests)
    await connection.close()
    assert sorted(seen) == ["K0", "K1", "K2"]
    assert [r.status_code for r in responses] == [200, 200, 200]


@needs_redis
async def test_a_command_reaches_a_station_connected_to_another_server_process(
        server, second_server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(second_server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("Reset", {"type": "Soft"}))
        assert response.status_code == 200
        assert response.json()["response"] == {"status": "Accepted"}
        assert ("Reset", {"type": "Soft"}) in cp.received
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert body["connected"] is True


async def test_a_command_for_a_socket_that_just_closed_is_a_409_at_once(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        # The row still names a live process, but a link of it that no longer exists: the
        # window between a socket closing and its detach being written.
        address = Station.objects.get(pk=station.pk).channel_name
        Station.objects.filter(pk=station.pk).update(
            channel_name=address.rpartition("#")[0] + "#999999")
        began = time.monotonic()
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("ClearCache"))
    assert response.status_code == 409
    assert time.monotonic() - began < 2  # not the 5 s command timeout
