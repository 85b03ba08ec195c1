"""Hostile stations: text the database refuses, huge frames, many sockets of one identity, odd
URLs and answers our checks cannot digest. None of it reaches another tenant or the server log."""

import asyncio
import json
from contextlib import asynccontextmanager

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from stations.models import OcppMessage, Station
from stations.simulator import connect
from stations.simulator.core import basic_auth
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.test_charging_profiles import profile, url

BAD_TEXT_FRAMES = [  # as the station writes them: JSON escapes of NUL and a lone surrogate
    '[2, "nul-%d", "DataTransfer", {"vendorId": "V\\u0000", "data": "a\\u0000b"}]',
    '[2, "sur-%d", "DataTransfer", {"vendorId": "V", "data": "\\ud800 \\udfff"}]',
    '[2, "raw-%d", "DataTransfer", {"vendorId": "V", "data": "nul\x00inside"}]',  # not JSON
]


@asynccontextmanager
async def raw_station(server, tenant=None):
    tenant = tenant or make_tenant()
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password,
                               max_size=None)
    try:
        yield connection, station
    finally:
        await connection.close()


async def _call(connection, unique_id: str, action: str, payload: dict) -> list:
    await connection.send(json.dumps([2, unique_id, action, payload]))
    return json.loads(await connection.recv())


async def test_a_station_sending_nul_and_surrogates_never_costs_another_tenant_its_log(server):
    """One station's unstorable text once failed every batch it shared: another tenant's
    frames and last-seen marks were lost with it (on PostgreSQL; SQLite takes NUL)."""
    mark = len(server.log())
    async with raw_station(server) as (hostile, bad_station), \
            raw_station(server) as (victim, station):
        stop = asyncio.Event()

        async def flood():
            n = 0
            while not stop.is_set():
                await hostile.send(BAD_TEXT_FRAMES[n % len(BAD_TEXT_FRAMES)] % n)
                answer = json.loads(await hostile.recv())
                assert answer[0] == (4 if n % 3 == 2 else 3), answer
                n += 1
                await asyncio.sleep(0.005)
            return n

        flooding = asyncio.create_task(flood())
        await asyncio.sleep(0.1)
        before = Station.objects.get(pk=station.pk).last_seen
        for i in range(100):
            answer = await _call(victim, f"ok-{i}", "DataTransfer", {"vendorId": "Good"})
            assert answer[:2] == [3, f"ok-{i}"]
        stop.set()
        sent = await flooding
    assert sent >= 10

    def stored(station, prefix):
        return OcppMessage.objects.filter(station=station, direction="in",
                                          unique_id__startswith=prefix).count()

    await eventually(lambda: stored(station, "ok-") == 100, timeout=10)
    assert Station.objects.get(pk=station.pk).last_seen > before
    await eventually(lambda: stored(bad_station, "") >= sent, timeout=10)
    row = OcppMessage.objects.get(station=bad_station, direction="in", unique_id="nul-0")
    assert row.payload == {"vendorId": "V\ufffd", "data": "a\ufffdb"}
    row = OcppMessage.objects.get(station=bad_station, direction="in", unique_id="sur-1")
    assert row.payload["data"] == "\ufffd \ufffd"
    assert "Traceback" not in server.log()[mark:]


async def test_megabyte_frames_are_answered_and_stored_bounded(server):
    async with raw_station(server) as (connection, station):
        for i in range(3):
            answer = await _call(connection, f"big-{i}", "DataTransfer",
                                 {"vendorId": "V", "data": "x" * 1_000_000})
            assert answer[:2] == [3, f"big-{i}"]
    await eventually(lambda: OcppMessage.objects.filter(station=station, direction="in").count() == 3)
    for row in OcppMessage.objects.filter(station=station, direction="in"):
        assert row.payload["_truncated"] is True and row.payload["bytes"] > 1_000_000
        assert len(json.dumps(row.payload)) < 70_000 and len(row.raw) <= 10_000


async def test_twenty_parallel_connects_of_one_identity_leave_one_served_socket(server):
    await _one_survivor([server] * 20)


async def test_parallel_connects_through_two_processes_leave_one_served_socket(server, second_server):
    await _one_survivor([server, second_server] * 10)


async def _one_survivor(servers: list) -> None:
    tenant = make_tenant()
    station, password = make_station(tenant)
    sockets = await asyncio.gather(*(connect(f"{s.ws}/ocpp/{tenant.slug}", station.identity,
                                             password) for s in servers))

    async def open_ones():
        for ws in sockets:
            try:
                await asyncio.wait_for(ws.recv(), 0.05)
            except TimeoutError:
                pass
            except ConnectionClosed:
                pass
        return [ws for ws in sockets if ws.close_code is None]

    try:
        await eventually(lambda: _len_is(open_ones(), 1), timeout=8)
        await asyncio.sleep(1)
        [survivor] = await open_ones()
        assert await _call(survivor, "hb", "Heartbeat", {}) != []
        async with api_client(servers[0], tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
        assert body["connected"] is True
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))


async def _len_is(awaitable, n: int) -> bool:
    return len(await awaitable) == n


@pytest.mark.parametrize("path", ["/ocpp/UPPER/CP-1", "/ocpp/t1/a%2Fb", "/ocpp/t1/..%2F..%2Fx",
                                  "/ocpp/../ocpp/t1/CP-1", "/ocpp/t1/CP%00", "/ocpp/t1%00/CP",
                                  "/ocpp/t1/" + "x" * 300, "/nothing/here"])
async def test_an_odd_station_url_is_refused_cleanly(server, path):
    mark = len(server.log())
    with pytest.raises(InvalidStatus) as refused:
        connection = await websockets.connect(f"{server.ws}{path}", subprotocols=["ocpp1.6"],
                                              additional_headers=basic_auth("CP-1", "x" * 20),
                                              open_timeout=10)
        await connection.close()
    assert refused.value.response.status_code in (401, 403, 404)
    await asyncio.sleep(0.2)
    assert "Traceback" not in server.log()[mark:] and " 500 " not in server.log()[mark:]


async def test_api_integers_beyond_int32_and_huge_limits_are_400(server):
    mark = len(server.log())
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        commands = f"/api/v1/stations/{station.identity}/commands/"
        stop = await api.post(commands, json={"action": "RemoteStopTransaction",
                                              "payload": {"transactionId": 2**70}})
        raw_profile = await api.post(commands, json={"action": "SetChargingProfile", "payload": {
            "connectorId": 0, "csChargingProfiles": profile(limit=1e308)}})
        stored_profile = await api.post(url(station), json={
            "connector_id": 0, "charging_profile": profile(limit=1e308)})
        assert (await api.post(commands, json={"action": "Heartbeat"})).status_code == 400
        assert (await api.post(commands, json={"action": "ClearCache"})).status_code == 200
    for response in (stop, raw_profile, stored_profile):
        assert response.status_code == 400, response.text[:300]
    assert not [a for a, _ in cp.received if a in ("RemoteStopTransaction", "SetChargingProfile")]
    assert "Traceback" not in server.log()[mark:]


async def test_an_answer_our_checks_cannot_digest_does_not_kill_the_command_worker(server):
    """A GetCompositeSchedule answer with a limit of 1e308 once raised in the check of the
    answer and took the station's command worker with it: every later command timed out."""
    mark = len(server.log())
    tenant = make_tenant()
    async with raw_station(server, tenant) as (connection, station), \
            api_client(server, tenant) as api:
        composite = asyncio.create_task(api.get(
            url(station, "composite-schedule/?connector_id=1&duration=60")))
        call = json.loads(await connection.recv())
        assert call[2] == "GetCompositeSchedule"
        await connection.send(json.dumps([3, call[1], {
            "status": "Accepted", "connectorId": 1, "scheduleStart": "2030-01-01T00:00:00Z",
            "chargingSchedule": {"chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 1e308}]}}]))
        answered = await composite
        assert answered.status_code == 502, answered.text[:300]
        later = asyncio.create_task(api.post(f"/api/v1/stations/{station.identity}/commands/",
                                             json={"action": "ClearCache"}))
        call = json.loads(await asyncio.wait_for(connection.recv(), 5))
        assert call[2] == "ClearCache"
        await connection.send(json.dumps([3, call[1], {"status": "Accepted"}]))
        answered = await later
        assert answered.status_code == 200 and answered.json()["response"] == {"status": "Accepted"}
    assert "Traceback" not in server.log()[mark:]
