"""The OCPP 2.0.1 link, live (docs/ocpp201.md): the same URL negotiates ocpp2.0.1 or ocpp1.6 by
the station's offer order, the version is recorded and shown, a station switching from 1.6 to
2.0.1 keeps its history, every bad frame gets its CALLERROR in 2.0.1's words while the link
survives (1.6 keeps its own words), and one CALL of ours at a time is outstanding."""

import asyncio
import json
from contextlib import asynccontextmanager

import pytest
import websockets
from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result

from stations.models import ChargingSession, OcppMessage, Station
from stations.simulator import basic_auth
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)

V201, V16 = "ocpp2.0.1", "ocpp1.6"


async def open_link(server, tenant, station, password, subprotocols=(V201,)):
    return await websockets.connect(f"{server.ws}/ocpp/{tenant.slug}/{station.identity}",
                                    subprotocols=list(subprotocols), open_timeout=10,
                                    additional_headers=basic_auth(station.identity, password))


class Station201(ChargePoint):
    """A 2.0.1 charging station from the `ocpp` package that answers what these tests send."""

    triggered: list

    async def boot(self, reason: str = "PowerUp", vendor: str = "Vendor201", model: str = "M-201"):
        return await self.call(call.BootNotification(
            reason=reason, charging_station={"vendor_name": vendor, "model": model,
                                             "firmware_version": "2.0.1-fw"}))

    @on("TriggerMessage")
    async def on_trigger_message(self, requested_message, **kwargs):
        self.triggered = [*getattr(self, "triggered", []), requested_message]
        if requested_message == "BootNotification":
            asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(
                self.boot(reason="Triggered")))
        return call_result.TriggerMessage(status="Accepted")

    @on("ClearCache")
    async def on_clear_cache(self, **kwargs):
        return call_result.ClearCache(status="Accepted")

    @on("DataTransfer")
    async def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="Accepted", data=f"hello {vendor_id}")


@asynccontextmanager
async def station_201(server, tenant, station, password, cls=Station201):
    connection = await open_link(server, tenant, station, password)
    cp = cls(station.identity, connection)
    runner = asyncio.create_task(cp.start())
    try:
        yield cp
    finally:
        runner.cancel()
        await connection.close()


async def exchange(connection, frame) -> list:
    """Send `frame` and return the answer to it (a CALL of the backend's meanwhile is skipped)."""
    await connection.send(frame if isinstance(frame, str) else json.dumps(frame))
    while True:
        answer = json.loads(await asyncio.wait_for(connection.recv(), 10))
        if answer[0] != 2:
            return answer


async def assert_alive(connection) -> None:
    answer = await exchange(connection, [2, "alive", "Heartbeat", {}])
    assert answer[:2] == [3, "alive"] and "currentTime" in answer[2]


# Negotiation and the version -------------------------------------------------------------------
@pytest.mark.parametrize("offer, spoken", [
    ((V201, V16), "2.0.1"), ((V16, V201), "1.6"), ((V201,), "2.0.1"), (("ocpp2.1", V201), "2.0.1"),
])
async def test_the_station_s_first_offered_version_we_speak_is_negotiated_and_recorded(
        server, offer, spoken):
    tenant = make_tenant()
    station, password = make_station(tenant)
    connection = await open_link(server, tenant, station, password, offer)
    try:
        assert connection.subprotocol == f"ocpp{spoken}"
        await eventually(lambda: Station.objects.get(pk=station.pk).ocpp_version == spoken)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
        assert body["ocpp_version"] == spoken and body["connected"]
    finally:
        await connection.close()


async def test_a_2_0_1_boot_is_accepted_with_the_interval_and_its_reason_is_kept_and_shown(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with station_201(server, tenant, station, password) as cp:
        answer = await cp.boot(reason="PowerUp", vendor="A" * 50)
        assert answer.status == "Accepted" and answer.interval == 300 and answer.current_time
        heartbeat = await cp.call(call.Heartbeat())
        assert heartbeat.current_time
    row = await eventually(lambda: Station.objects.filter(pk=station.pk, boot_reason="PowerUp")
                           .first())
    assert (row.vendor, row.model, row.firmware_version) == ("A" * 50, "M-201", "2.0.1-fw")
    async with api_client(server, tenant) as api:
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert body["boot_reason"] == "PowerUp" and body["vendor"] == "A" * 50


async def test_a_station_that_switches_from_1_6_to_2_0_1_keeps_its_sessions(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "SWITCH-1")
    async with charge_point(server, tenant, station, password) as cp:
        started = await cp.start_transaction(1, "SWITCH-1")
        await cp.meter_values(1, 1500)
        await cp.stop_transaction(1)
    await eventually(lambda: ChargingSession.objects.filter(
        station=station, stopped_at__isnull=False).exists())
    async with station_201(server, tenant, station, password) as cp:
        assert (await cp.boot(reason="FirmwareUpdate")).status == "Accepted"
    row = await eventually(lambda: Station.objects.filter(
        pk=station.pk, ocpp_version="2.0.1", boot_reason="FirmwareUpdate").first())
    assert row.identity == station.identity
    async with api_client(server, tenant) as api:
        sessions = (await api.get("/api/v1/sessions/", params={"station": station.identity})
                    ).json()["results"]
    assert [s["transaction_id"] for s in sessions] == [started.transaction_id]
    assert OcppMessage.objects.filter(station=station, action="StartTransaction").exists()


# Bad frames: 2.0.1's words -----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["this is not json", '{"a": 1}', "42", "[]"])
async def test_a_frame_that_is_no_ocpp_array_gets_an_rpc_framework_error(server, text):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password) as connection:
        answer = await exchange(connection, text)
        assert answer[:3] == [4, "-1", "RpcFrameworkError"]
        await assert_alive(connection)


BOOT = {"reason": "PowerUp", "chargingStation": {"vendorName": "V", "model": "M"}}
STATUS = {"timestamp": "2026-01-01T00:00:00Z", "connectorStatus": "Available", "evseId": 1,
          "connectorId": 1}


@pytest.mark.parametrize("frame, code", [
    ([2, "id1", "Heartbeat"], "RpcFrameworkError"),
    ([2, "id1", "Heartbeat", {}, "extra"], "RpcFrameworkError"),
    ([2, "id1", 42, {}], "RpcFrameworkError"),
    ([7, "id1", "Heartbeat", {}], "MessageTypeNotSupported"),
    ([2, "id1", "Heartbeat", []], "FormatViolation"),
    ([2, "id1", "Heartbeat", {"beat": 1}], "FormatViolation"),
    ([2, "id1", "BootNotification", {"reason": "PowerUp"}], "OccurrenceConstraintViolation"),
    ([2, "id1", "StatusNotification", {**STATUS, "evseId": "one"}], "TypeConstraintViolation"),
    ([2, "id1", "BootNotification", {**BOOT, "reason": "Bored"}], "PropertyConstraintViolation"),
    ([2, "id1", "StatusNotification", {**STATUS, "evseId": 2**40}], "PropertyConstraintViolation"),
    ([2, "id1", "MakeCoffee", {}], "NotImplemented"),
    ([2, "id1", "Reset", {"type": "Immediate"}], "NotSupported"),
])
async def test_a_bad_call_gets_its_2_0_1_error_and_the_link_survives(server, frame, code):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password) as connection:
        answer = await exchange(connection, frame)
        assert answer[:3] == [4, "id1", code], answer
        await assert_alive(connection)


async def test_the_same_bad_frames_keep_their_1_6_words_on_a_1_6_link(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password, (V16,)) as connection:
        assert (await exchange(connection, "not json"))[2] == "FormationViolation"
        assert (await exchange(connection, [7, "i", "Heartbeat", {}]))[2] == "ProtocolError"
        assert (await exchange(connection, [2, "i", "BootNotification", {}]))[2] == \
            "OccurenceConstraintViolation"
        await assert_alive(connection)


async def test_every_call_gets_exactly_one_answer(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password) as connection:
        for n in range(5):
            await connection.send(json.dumps([2, f"c{n}", "Heartbeat", {}]))
        answers = [json.loads(await asyncio.wait_for(connection.recv(), 10)) for _ in range(5)]
        assert [a[1] for a in answers] == [f"c{n}" for n in range(5)]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(connection.recv(), 0.5)


# Data transfer both ways (P02) ----------------------------------------------------------------
async def test_a_station_s_data_transfer_gets_unknown_vendor_id(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with station_201(server, tenant, station, password) as cp:
        await cp.boot()
        answer = await cp.call(call.DataTransfer(vendor_id="com.example", message_id="Hi",
                                                 data="x"))
    assert answer.status == "UnknownVendorId"


async def test_the_backend_s_data_transfer_reaches_a_2_0_1_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with station_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.boot()
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json={"action": "DataTransfer",
                                        "payload": {"vendorId": "com.example", "data": "x"}})
    assert response.status_code == 200, response.text
    assert response.json()["response"] == {"status": "Accepted", "data": "hello com.example"}


# One outstanding CALL ----------------------------------------------------------------------------
async def test_a_2_0_1_station_has_at_most_one_call_of_ours_outstanding(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with await open_link(server, tenant, station, password) as connection, \
            api_client(server, tenant) as api:
        assert (await exchange(connection, [2, "b", "BootNotification", BOOT]))[2]["status"] == \
            "Accepted"
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        commands = [asyncio.create_task(api.post(url, json={"action": "ClearCache"}))
                    for _ in range(3)]
        for _ in range(3):
            first = json.loads(await asyncio.wait_for(connection.recv(), 10))
            assert first[0] == 2 and first[2] == "ClearCache"
            with pytest.raises(TimeoutError):  # the next waits for this one's answer
                await asyncio.wait_for(connection.recv(), 0.5)
            await connection.send(json.dumps([3, first[1], {"status": "Accepted"}]))
        answers = await asyncio.gather(*commands)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.json()["response"] == {"status": "Accepted"} for a in answers)


# Status per EVSE and connector ------------------------------------------------------------------
async def test_statuses_are_kept_per_evse_and_connector_of_a_multi_connector_evse(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    reports = [(1, 1, "Available"), (1, 2, "Occupied"), (2, 1, "Faulted"), (0, 0, "Available")]
    async with station_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.boot()
        for evse_id, connector_id, status in reports:
            await cp.call(call.StatusNotification(
                timestamp="2026-01-01T00:00:00Z", connector_status=status, evse_id=evse_id,
                connector_id=connector_id))

        async def evses():
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
            shown = {e["evse_id"]: [(c["connector_id"], c["evse_connector_id"], c["status"])
                                    for c in e["connectors"]] for e in body["evses"]}
            station_itself = [c["status"] for c in body["connectors"] if c["connector_id"] == 0]
            return shown if sum(map(len, shown.values())) == 3 and station_itself else None

        shown = await eventually(evses)
    assert shown == {1: [(1, 1, "Available"), (1001, 2, "Occupied")], 2: [(2, 1, "Faulted")]}


async def test_an_answer_that_breaks_the_2_0_1_schema_is_told_in_2_0_1_words(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password) as connection, \
            api_client(server, tenant) as api:
        await exchange(connection, [2, "b", "BootNotification", BOOT])
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        command = asyncio.create_task(api.post(f"/api/v1/stations/{station.identity}/commands/",
                                               json={"action": "ClearCache"}))
        sent = json.loads(await asyncio.wait_for(connection.recv(), 10))
        await connection.send(json.dumps([3, sent[1], {"status": "Accepted", "extra": 1}]))
        response = await command
    assert response.status_code == 502
    assert response.json()["code"] == "FormatViolation"
