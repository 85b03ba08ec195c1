"""Bad input from a station: the right CALLERROR, one answer per CALL, the link survives."""

import json
from contextlib import asynccontextmanager

import pytest

from stations.models import OcppMessage
from stations.simulator import connect
from tests.factories import eventually, make_station, make_tenant


@asynccontextmanager
async def raw_link(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    try:
        yield connection, station
    finally:
        await connection.close()


async def exchange(connection, frame) -> list:
    await connection.send(frame if isinstance(frame, str) else json.dumps(frame))
    return json.loads(await connection.recv())


async def assert_alive(connection) -> None:
    answer = await exchange(connection, [2, "alive", "Heartbeat", {}])
    assert answer[:2] == [3, "alive"] and "currentTime" in answer[2]


@pytest.mark.parametrize("text", ["this is not json", "{\"a\": 1}", "42", "[]"])
async def test_a_frame_that_is_not_an_ocpp_array_gets_a_formation_violation(server, text):
    async with raw_link(server) as (connection, station):
        answer = await exchange(connection, text)
        assert answer[0] == 4 and answer[1] == "-1" and answer[2] == "FormationViolation"
        await assert_alive(connection)
    await eventually(OcppMessage.objects.filter(station=station, direction="in", raw=text).exists)


@pytest.mark.parametrize("frame, code", [
    ([2, "id1", "Heartbeat"], "ProtocolError"),
    ([2, "id1", "Heartbeat", {}, "extra"], "ProtocolError"),
    ([2, "id1", 42, {}], "ProtocolError"),
    ([2, "id1", "Heartbeat", []], "FormationViolation"),
    ([7, "id1", "Heartbeat", {}], "ProtocolError"),
])
async def test_a_malformed_call_gets_an_error_with_its_unique_id(server, frame, code):
    async with raw_link(server) as (connection, _):
        answer = await exchange(connection, frame)
        assert answer[:3] == [4, "id1", code]
        await assert_alive(connection)


async def test_an_unknown_action_is_not_implemented(server):
    async with raw_link(server) as (connection, _):
        answer = await exchange(connection, [2, "u1", "MakeCoffee", {}])
        assert answer[:3] == [4, "u1", "NotImplemented"]
        await assert_alive(connection)


async def test_a_central_system_action_sent_by_a_station_is_not_supported(server):
    async with raw_link(server) as (connection, _):
        answer = await exchange(connection, [2, "u1", "Reset", {"type": "Hard"}])
        assert answer[:3] == [4, "u1", "NotSupported"]


@pytest.mark.parametrize("action, payload, code", [
    ("BootNotification", {"chargePointVendor": "V"}, "OccurenceConstraintViolation"),
    ("BootNotification", {"chargePointVendor": 5, "chargePointModel": "M"},
     "TypeConstraintViolation"),
    ("BootNotification", {"chargePointVendor": "V" * 21, "chargePointModel": "M"},
     "PropertyConstraintViolation"),
    ("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M", "colour": "red"},
     "FormationViolation"),
    ("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"},
     "PropertyConstraintViolation"),
    ("StartTransaction", {"connectorId": 1, "idTag": "T", "meterStart": 0,
                          "timestamp": "yesterday"}, "PropertyConstraintViolation"),
    ("MeterValues", {"connectorId": 1, "meterValue": []}, "OccurenceConstraintViolation"),
    ("MeterValues", {"connectorId": "one", "meterValue": [
        {"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [{"value": "1"}]}]},
     "TypeConstraintViolation"),
])
async def test_a_payload_that_breaks_the_schema_gets_the_matching_error(server, action, payload,
                                                                        code):
    async with raw_link(server) as (connection, station):
        answer = await exchange(connection, [2, "s1", action, payload])
        assert answer[:3] == [4, "s1", code]
        assert answer[3]  # a description says what is wrong
        await assert_alive(connection)
    logged = OcppMessage.objects.filter(station=station, unique_id="s1")
    await eventually(lambda: {m.direction for m in logged.all()} == {"in", "out"})


async def test_each_call_gets_exactly_one_answer(server):
    async with raw_link(server) as (connection, _):
        frames = [[2, f"m{n}", "Heartbeat", {}] if n % 2 else [2, f"m{n}", "Nope", {}]
                  for n in range(10)]
        for frame in frames:
            await connection.send(json.dumps(frame))
        answers = [json.loads(await connection.recv()) for _ in frames]
        assert [a[1] for a in answers] == [f[1] for f in frames]
        await assert_alive(connection)


async def test_an_answer_to_no_call_is_logged_and_ignored(server):
    async with raw_link(server) as (connection, station):
        await connection.send(json.dumps([3, "nobody-asked", {"status": "Accepted"}]))
        await connection.send(json.dumps([4, "nobody-asked-2", "GenericError", "x", {}]))
        await assert_alive(connection)
    await eventually(OcppMessage.objects.filter(station=station, unique_id="nobody-asked").exists)
