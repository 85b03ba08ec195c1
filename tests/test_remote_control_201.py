"""Remote control of an OCPP 2.0.1 station over a real WebSocket (the simulated 2.0.1 station,
stations/simulator/v201/, on the `ocpp` package's v201 ChargePoint, which checks every frame
against the 2.0.1 schemas): the operator's actions on the dashboard and the API reach it in
2.0.1's words (RequestStart/StopTransaction, Reset, UnlockConnector, TriggerMessage,
DataTransfer), its answers and refusals come back as for 1.6, and a remote start's
remoteStartId names the session it began (docs/api.md, OCPP 2.0.1 stations)."""

from ocpp.exceptions import GenericError
from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.models import ChargingSession, OcppMessage
from stations.simulator.v201 import SimulatedChargePoint201
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import (
    api_client,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)

TOKEN = "TOKEN-2.0.1-LONGER-THAN-TWENTY"  # 30 characters: more than 1.6 allows


async def _sent(station, action: str) -> list[dict]:
    """The payloads of the CALLs of `action` we sent to `station`, oldest first."""
    def logged():
        return list(OcppMessage.objects.filter(station=station, direction="out", action=action,
                                                message_type=2)
                    .order_by("created_at", "id").values_list("payload", flat=True))
    return await eventually(logged)


def _running(station):
    return ChargingSession.objects.filter(station=station, stopped_at__isnull=True).first()


async def test_a_remote_start_through_the_api_names_its_session_and_a_remote_stop_ends_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, TOKEN)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        started = await api.post(f"/api/v1/stations/{station.identity}/remote-start/",
                                 json={"id_tag": TOKEN, "connector_id": 2,
                                       "token_type": "eMAID"})
        assert started.status_code == 200, started.text
        answer = started.json()
        session = await eventually(lambda: _running(station))
        found = await api.get("/api/v1/sessions/",
                              params={"remote_start_id": answer["remote_start_id"]})
        stop = await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": "RequestStopTransaction",
            "payload": {"transactionId": session.station_transaction_id}})
        await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at)
    assert answer["status"] == "Accepted" and isinstance(answer["remote_start_id"], int)
    assert await _sent(station, "RequestStartTransaction") == [{
        "idToken": {"idToken": TOKEN, "type": "eMAID"},
        "remoteStartId": answer["remote_start_id"], "evseId": 2}]
    assert (session.remote_start_id, session.evse_id, session.id_tag) == (
        answer["remote_start_id"], 2, TOKEN)
    assert [s["id"] for s in found.json()["results"]] == [session.pk]
    assert (stop.status_code, stop.json()["response"]) == (200, {"status": "Accepted"})
    assert ("RequestStopTransaction", {"transaction_id": session.station_transaction_id}) in cp.received


async def test_the_dashboard_s_actions_reach_a_2_0_1_station_in_its_words(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, TOKEN)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = f"/stations/{station.identity}"
    try:
        async with charge_point_201(server, tenant, station, password, evses=2) as cp:
            idle = await post(http, f"{base}/reset/", {"type": "OnIdle", "evse_id": "2"})
            unlock = await post(http, f"{base}/unlock/", {"connector_id": "1"})
            trigger = await post(http, f"{base}/trigger/",
                                 {"requested_message": "DiagnosticsStatusNotification"})
            started = await post(http, f"{base}/remote-start/", {"id_tag": TOKEN,
                                                                 "connector_id": "1"})
            session = await eventually(lambda: _running(station))
            stopped = await post(http, f"{base}/remote-stop/",
                                 {"transaction_id": session.station_transaction_id})
            await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at)
            await cp.settle()
            immediate = await post(http, f"{base}/reset/", {"type": "Hard"})
            await cp.settle()
    finally:
        await http.aclose()
    assert all("Accepted" in r.text for r in (idle, trigger, started, stopped, immediate))
    assert "Unlocked" in unlock.text
    assert await _sent(station, "Reset") == [{"type": "OnIdle", "evseId": 2},
                                             {"type": "Immediate"}]
    assert await _sent(station, "UnlockConnector") == [{"evseId": 1, "connectorId": 1}]
    assert await _sent(station, "TriggerMessage") == [{"requestedMessage": "LogStatusNotification"}]
    assert (await _sent(station, "RequestStartTransaction"))[0]["evseId"] == 1
    assert await _sent(station, "RequestStopTransaction") == [
        {"transactionId": session.station_transaction_id}]
    assert cp.boots[-1].status == "Accepted" and len(cp.boots) == 2  # the Immediate reset rebooted it


class Refusing(SimulatedChargePoint201):
    """A station that cannot unlock and fails on any DataTransfer with a CALLERROR."""

    unlock_fails = True

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id, **kwargs):
        raise GenericError(description="no vendor extensions here")


async def test_refusals_and_callerrors_reach_the_caller_as_for_1_6(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Refusing) as cp, \
            api_client(server, tenant) as api:
        url = f"/api/v1/stations/{station.identity}"
        no_evse = await api.post(f"{url}/commands/", json={
            "action": "Reset", "payload": {"type": "Immediate", "evseId": 7}})
        unlock = await api.post(f"{url}/commands/", json={
            "action": "UnlockConnector", "payload": {"evseId": 1, "connectorId": 1}})
        not_implemented = await api.post(f"{url}/trigger/",
                                         json={"requested_message": "SignV2GCertificate"})
        one_6_only = await api.post(f"{url}/trigger/",
                                    json={"requested_message": "SignChargePointCertificate"})
        wrong_version = await api.post(f"{url}/commands/", json={
            "action": "RemoteStartTransaction", "payload": {"idTag": "X"}})
        failing = await api.post(f"{url}/commands/", json={
            "action": "DataTransfer", "payload": {"vendorId": "com.example"}})
        busy = await api.post(f"{url}/remote-start/", json={"id_tag": "NOT-KNOWN", "connector_id": 9})
    assert no_evse.json()["response"] == {"status": "Rejected"}
    assert unlock.json()["response"] == {"status": "UnlockFailed"}
    assert (not_implemented.status_code, not_implemented.json()["status"]) == (200, "NotImplemented")
    assert one_6_only.status_code == 400 and "2.0.1" in one_6_only.json()["requested_message"][0]
    assert wrong_version.status_code == 400
    assert "the station speaks OCPP 2.0.1" in wrong_version.json()["action"][0]
    assert failing.status_code == 502
    assert (failing.json()["code"], failing.json()["description"]) == (
        "GenericError", "no vendor extensions here")
    assert (busy.status_code, busy.json()["status"]) == (200, "Rejected")
    assert ("TriggerMessage", {"requested_message": "SignV2GCertificate", "evse": None}) in cp.received


async def test_a_data_transfer_both_ways(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        ours = await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": "DataTransfer",
            "payload": {"vendorId": "org.simulator", "messageId": "echo", "data": {"n": 1}}})
        theirs = await cp.data_transfer("com.unknown-vendor", "hello", "x")
    assert ours.json()["response"] == {"status": "Accepted", "data": {"n": 1}}
    assert theirs.status == "UnknownVendorId"
    assert isinstance(theirs, call_result.DataTransfer)
