"""Provisioning and admission, live (docs/ocpp201.md, "Admission"): a tenant holds its new
stations Pending; a Pending station's boot is answered Pending with the retry interval, its other
CALLs get SecurityError unless the backend triggered them, and it gets only provisioning
commands (others: 409 with the reason); an operator accepts it through the API and it is asked
to boot again at once; a Rejected one is served nothing. The same rule for 1.6 stations."""

import asyncio
import json

from django.conf import settings

from stations.models import Station
from tenants.models import Tenant
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.test_link_201 import BOOT, V16, exchange, open_link


def _pending_tenant():
    tenant = make_tenant("Held")
    Tenant.objects.filter(pk=tenant.pk).update(new_stations_pending=True)
    tenant.refresh_from_db()
    return tenant


async def _created_through_the_api(server, tenant, identity: str) -> tuple[dict, str]:
    async with api_client(server, tenant) as api:
        response = await api.post("/api/v1/stations/", json={"identity": identity})
    assert response.status_code == 201, response.text
    body = response.json()
    return body, body["password"]


async def _boot(connection, reason: str = "PowerUp") -> dict:
    answer = await exchange(connection, [2, f"boot-{reason}", "BootNotification",
                                         {**BOOT, "reason": reason}])
    assert answer[0] == 3, answer
    return answer[2]


async def _answer_calls(connection, answers: dict, seen: list) -> None:
    """Answer the backend's CALLs by action (Accepted unless told), noting them in `seen`."""
    while True:
        frame = json.loads(await connection.recv())
        if frame[0] == 2:
            seen.append((frame[2], frame[3]))
            await connection.send(json.dumps([3, frame[1], answers.get(frame[2],
                                                                       {"status": "Accepted"})]))


async def test_a_station_the_tenant_holds_boots_pending_with_the_retry_interval(server):
    tenant = _pending_tenant()
    body, password = await _created_through_the_api(server, tenant, "HELD-1")
    assert body["admission"] == "Pending"
    station = Station.objects.get(tenant=tenant, identity="HELD-1")
    async with await open_link(server, tenant, station, password) as connection:
        answer = await _boot(connection)
        assert answer["status"] == "Pending"
        assert answer["interval"] == settings.OCPP_PENDING_RETRY_SECONDS == 60
    # What it told of itself is kept all the same, for the operator to decide.
    row = await eventually(lambda: Station.objects.filter(pk=station.pk, vendor="V").first())
    assert (row.model, row.boot_reason, row.admission) == ("M", "PowerUp", "Pending")


async def test_a_pending_station_s_other_calls_get_security_error_and_the_link_survives(server):
    tenant = make_tenant()
    station, password = make_station(tenant, admission="Pending")
    async with await open_link(server, tenant, station, password) as connection:
        heartbeat = await exchange(connection, [2, "h1", "Heartbeat", {}])
        assert heartbeat[:3] == [4, "h1", "SecurityError"]
        assert (await _boot(connection))["status"] == "Pending"
        for action, payload in [("Heartbeat", {}), ("DataTransfer", {"vendorId": "V"}),
                                ("StatusNotification", {
                                    "timestamp": "2026-01-01T00:00:00Z", "evseId": 1,
                                    "connectorStatus": "Available", "connectorId": 1})]:
            answer = await exchange(connection, [2, "x", action, payload])
            assert answer[:3] == [4, "x", "SecurityError"], (action, answer)
        assert (await _boot(connection, "Watchdog"))["status"] == "Pending"


async def test_a_pending_station_gets_provisioning_commands_and_may_send_what_they_trigger(
        server):
    tenant = make_tenant()
    station, password = make_station(tenant, admission="Pending")
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with await open_link(server, tenant, station, password) as connection, \
            api_client(server, tenant) as api:
        assert (await _boot(connection))["status"] == "Pending"
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        refused = await api.post(url, json={"action": "ClearCache"})
        assert refused.status_code == 409
        assert "Pending" in refused.json()["detail"] and "ClearCache" in refused.json()["detail"]
        trigger = asyncio.create_task(api.post(url, json={
            "action": "TriggerMessage", "payload": {"requestedMessage": "StatusNotification"}}))
        sent = json.loads(await asyncio.wait_for(connection.recv(), 10))
        assert sent[2:] == ["TriggerMessage", {"requestedMessage": "StatusNotification"}]
        await connection.send(json.dumps([3, sent[1], {"status": "Accepted"}]))
        assert (await trigger).status_code == 200
        status = await exchange(connection, [2, "s1", "StatusNotification", {
            "timestamp": "2026-01-01T00:00:00Z", "evseId": 1, "connectorStatus": "Occupied",
            "connectorId": 1}])
        assert status[:2] == [3, "s1"]
        assert (await exchange(connection, [2, "h", "Heartbeat", {}]))[2] == "SecurityError"


async def test_an_accepted_station_is_asked_to_boot_again_at_once_and_is_then_served(
        server, celery_worker):
    tenant = _pending_tenant()
    _, password = await _created_through_the_api(server, tenant, "HELD-2")
    station = Station.objects.get(tenant=tenant, identity="HELD-2")
    async with await open_link(server, tenant, station, password) as connection, \
            api_client(server, tenant) as api:
        assert (await _boot(connection))["status"] == "Pending"
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        patch = asyncio.create_task(api.patch(f"/api/v1/stations/{station.identity}/",
                                              json={"admission": "Accepted"}))
        sent = json.loads(await asyncio.wait_for(connection.recv(), 15))
        assert sent[2:] == ["TriggerMessage", {"requestedMessage": "BootNotification"}]
        await connection.send(json.dumps([3, sent[1], {"status": "Accepted"}]))
        patched = await patch
        assert patched.status_code == 200 and patched.json()["admission"] == "Accepted"
        answer = await _boot(connection, "Triggered")
        assert answer["status"] == "Accepted" and answer["interval"] == \
            settings.OCPP_HEARTBEAT_INTERVAL
        assert (await exchange(connection, [2, "h", "Heartbeat", {}]))[0] == 3


async def test_a_rejected_station_is_answered_rejected_and_served_nothing(server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api:
        patched = await api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"admission": "Rejected"})
        assert patched.status_code == 200 and patched.json()["admission"] == "Rejected"
        async with await open_link(server, tenant, station, password) as connection:
            answer = await _boot(connection)
            assert answer["status"] == "Rejected" and answer["interval"] == 60
            assert (await exchange(connection, [2, "h", "Heartbeat", {}]))[2] == "SecurityError"
            await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
            refused = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                     json={"action": "TriggerMessage",
                                           "payload": {"requestedMessage": "BootNotification"}})
            assert refused.status_code == 409 and "Rejected" in refused.json()["detail"]
        bad = await api.patch(f"/api/v1/stations/{station.identity}/", json={"admission": "Maybe"})
        assert bad.status_code == 400


async def test_a_connected_station_rejected_by_the_operator_is_refused_at_once(
        server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with await open_link(server, tenant, station, password) as connection, \
            api_client(server, tenant) as api:
        assert (await _boot(connection))["status"] == "Accepted"
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        patched = await api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"admission": "Rejected"})
        assert patched.status_code == 200

        async def refused() -> bool:
            return (await exchange(connection, [2, "h", "Heartbeat", {}]))[2] == "SecurityError"

        await eventually(refused)


async def test_a_1_6_station_is_held_pending_and_accepted_the_same_way(server, celery_worker):
    tenant = _pending_tenant()
    _, password = await _created_through_the_api(server, tenant, "HELD-16")
    station = Station.objects.get(tenant=tenant, identity="HELD-16")
    async with await open_link(server, tenant, station, password, (V16,)) as connection:
        answer = await exchange(connection, [2, "b", "BootNotification",
                                             {"chargePointVendor": "V", "chargePointModel": "M"}])
        assert answer[2]["status"] == "Pending" and answer[2]["interval"] == 60
        assert (await exchange(connection, [2, "h", "Heartbeat", {}]))[2] == "SecurityError"
    async with charge_point(server, tenant, station, password, boot=False) as cp, \
            api_client(server, tenant) as api:
        assert (await cp.boot()).status == "Pending"
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        patched = await api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"admission": "Accepted"})
        assert patched.status_code == 200
        await eventually(lambda: ("TriggerMessage", {"requested_message": "BootNotification",
                                                     "connector_id": None}) in cp.received)
        # The simulator boots again as asked, and is accepted.
        await eventually(lambda: Station.objects.get(pk=station.pk).admission == "Accepted")
        assert (await cp.boot()).status == "Accepted"
