"""The simulated OCPP 2.0.1 station (stations/simulator/v201/) over a real WebSocket: against
the real server (boot, status, heartbeat stored) and against a small CSMS made in the test with
the `ocpp` package's v201 ChargePoint, which validates every frame both ways against the 2.0.1
schemas: every answer the station gives to what the backend sends in 2.0.1."""

import asyncio
import re
import shlex
from contextlib import asynccontextmanager

import httpx
import websockets
from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action

from stations.models import Station, StatusEvent
from stations.simulator.v201 import SimulatedChargePoint201, connect
from tests.factories import api_client, charge_point_201, eventually, make_station, make_tenant
from tests.test_management import manage


async def test_the_2_0_1_station_boots_reports_status_and_heartbeats_on_the_real_server(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp:
        assert cp.registration == "Accepted"
        assert cp.variable("OCPPCommCtrlr", "HeartbeatInterval") == str(cp.heartbeat_interval)
        assert await cp.heartbeat()
        await cp.status(2, "Unavailable")
        stored = await eventually(lambda: Station.objects.filter(
            pk=station.pk, ocpp_version="2.0.1", model="SIM-201").first())
        assert stored.vendor == "Simulator" and stored.boot_reason == "PowerUp"
        await eventually(lambda: StatusEvent.objects.filter(
            station_id=station.pk, evse_id=2, status="Unavailable").exists())


async def test_a_reset_drops_the_link_and_the_station_comes_back_with_its_new_password(server):
    tenant = make_tenant()
    station, old = make_station(tenant)
    async with charge_point_201(server, tenant, station, old) as cp, \
            api_client(server, tenant) as api:
        cp.reconnect_on_reset = True
        rotated = await api.post(f"/api/v1/stations/{station.identity}/password/", json={})
        assert rotated.json()["status"] == "Accepted", rotated.text
        assert cp.password == rotated.json()["password"] != old
        first_link = cp._connection
        reset = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                               json={"action": "Reset", "payload": {"type": "Immediate"}})
        assert reset.status_code == 200, reset.text
        assert reset.json()["response"]["status"] == "Accepted"
        await eventually(lambda: len(cp.boots) == 2 and cp.registration == "Accepted")
        assert cp._connection is not first_link and first_link.state.name == "CLOSED"
        assert await cp.heartbeat()  # the new link answers
    stored = await Station.objects.aget(pk=station.pk)
    assert stored.boot_reason == "RemoteReset"


def test_the_demo_prints_both_simulate_lines_and_the_2_0_1_one_charges_and_is_priced(server):
    demo = manage("demo", "--host", f"127.0.0.1:{server.port}")
    assert demo.returncode == 0, demo.stderr
    key = re.search(r"API token\s*:\s*(\S+)", demo.stdout).group(1)
    lines = re.findall(r"\.venv/bin/python manage\.py (simulate .*)", demo.stdout)
    assert len(lines) == 2 and "--ocpp" not in lines[0]
    assert lines[1].startswith("simulate --ocpp 2.0.1 ")
    identity = re.search(r"--identity (\S+)", lines[1]).group(1)

    run = manage(*shlex.split(lines[1]), "--samples", "2", "--interval", "0.05")  # as pasted
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BootNotification (OCPP 2.0.1): Accepted" in run.stdout
    assert "Authorize DEMO-TAG-1: Accepted" in run.stdout
    transaction_id = re.search(r"Session (\S+) done", run.stdout).group(1)

    response = httpx.get(f"{server.http}/api/v1/sessions/", params={"station": identity},
                         headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    session = next(s for s in response.json()["results"]
                   if s["station_transaction_id"] == transaction_id)
    assert session["id_tag"] == "DEMO-TAG-1"
    assert session["energy_wh"] == 3000
    assert session["stopped_at"] is not None
    # the demo's default tariff: 3 kWh at 0.35 net, 19 % VAT, as for the 1.6 station
    assert (session["currency"], session["cost_net"], session["cost"]) == ("EUR", "1.05", "1.25")
    station = httpx.get(f"{server.http}/api/v1/stations/{identity}/",
                        headers={"Authorization": f"Token {key}"}).json()
    assert station["ocpp_version"] == "2.0.1"
    groups = httpx.get(f"{server.http}/api/v1/load-groups/",
                       headers={"Authorization": f"Token {key}"}).json()["results"]
    assert [sorted(g["stations"]) for g in groups] == [["DEMO-CP1", identity]]  # one load group


def test_simulate_2_0_1_with_a_wrong_password_fails(server):
    demo = manage("demo", "--host", f"127.0.0.1:{server.port}")
    assert demo.returncode == 0, demo.stderr
    run = manage("simulate", "--ocpp", "2.0.1", f"{server.ws}/ocpp/demo", "--identity",
                 "DEMO-CP2", "--password", "definitely-not-the-password", "--samples", "1",
                 "--interval", "0")
    assert run.returncode != 0
    assert "Session failed" in run.stderr or "Could not connect" in run.stderr


# A CSMS in the test --------------------------------------------------------------------------
class Csms(ChargePoint):
    """Records what the station sends; answers like a plain CSMS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.got: list[tuple[str, dict]] = []
        self.arrived = asyncio.Event()

    def note(self, action: str, payload: dict) -> None:
        self.got.append((action, payload))
        self.arrived.set()

    def of(self, action: str) -> list[dict]:
        return [p for a, p in self.got if a == action]

    async def wait_for(self, action: str, count: int = 1) -> list[dict]:
        async with asyncio.timeout(10):
            while len(self.of(action)) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.of(action)

    pending_boots = 0  # boots answered Pending (interval 1 s) before one is Accepted

    @on(Action.boot_notification)
    async def on_boot(self, **payload):
        self.note("BootNotification", payload)
        if len(self.of("BootNotification")) <= self.pending_boots:
            return call_result.BootNotification(current_time="2026-01-01T00:00:00Z", interval=1,
                                                status="Pending")
        return call_result.BootNotification(current_time="2026-01-01T00:00:00Z", interval=30,
                                            status="Accepted")

    @on(Action.status_notification)
    async def on_status(self, **payload):
        self.note("StatusNotification", payload)
        return call_result.StatusNotification()

    @on(Action.heartbeat)
    async def on_heartbeat(self, **payload):
        self.note("Heartbeat", payload)
        return call_result.Heartbeat(current_time="2026-01-01T00:00:00Z")

    @on(Action.authorize)
    async def on_authorize(self, **payload):
        self.note("Authorize", payload)
        return call_result.Authorize(id_token_info={"status": "Accepted"})

    @on(Action.transaction_event)
    async def on_transaction_event(self, **payload):
        self.note("TransactionEvent", payload)
        return call_result.TransactionEvent(total_cost=1.25, id_token_info={"status": "Accepted"}
                                            if payload.get("id_token") else None)

    @on(Action.meter_values)
    async def on_meter_values(self, **payload):
        self.note("MeterValues", payload)
        return call_result.MeterValues()

    @on(Action.notify_report)
    async def on_notify_report(self, **payload):
        self.note("NotifyReport", payload)
        return call_result.NotifyReport()

    @on(Action.report_charging_profiles)
    async def on_report_charging_profiles(self, **payload):
        self.note("ReportChargingProfiles", payload)
        return call_result.ReportChargingProfiles()

    @on(Action.sign_certificate)
    async def on_sign_certificate(self, **payload):
        self.note("SignCertificate", payload)
        return call_result.SignCertificate(status="Accepted")

    @on(Action.security_event_notification)
    async def on_security_event(self, **payload):
        self.note("SecurityEventNotification", payload)
        return call_result.SecurityEventNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware_status(self, **payload):
        self.note("FirmwareStatusNotification", payload)
        return call_result.FirmwareStatusNotification()

    @on(Action.notify_event)
    async def on_notify_event(self, **payload):
        self.note("NotifyEvent", payload)
        return call_result.NotifyEvent()

    @on(Action.log_status_notification)
    async def on_log_status(self, **payload):
        self.note("LogStatusNotification", payload)
        return call_result.LogStatusNotification()


@asynccontextmanager
async def station_and_csms(evses: int = 1, connectors_per_evse: int = 1, pending_boots: int = 0):
    """A simulated station connected to an in-test CSMS; both running, the station booted."""
    csms_ready: asyncio.Future = asyncio.get_running_loop().create_future()

    async def serve(connection):
        csms = Csms("csms", connection)
        csms.pending_boots = pending_boots
        csms_ready.set_result(csms)
        await csms.start()

    async with websockets.serve(serve, "127.0.0.1", 0, subprotocols=["ocpp2.0.1"]) as listener:
        port = listener.sockets[0].getsockname()[1]
        connection = await connect(f"ws://127.0.0.1:{port}/ocpp/t", "SIM1", "x" * 16)
        assert connection.subprotocol == "ocpp2.0.1"
        cp = SimulatedChargePoint201("SIM1", connection, evses=evses,
                                     connectors_per_evse=connectors_per_evse)
        runner = asyncio.create_task(cp.start())
        csms = await csms_ready
        try:
            await cp.boot_until_accepted(longest_wait=0.05)
            yield cp, csms
        finally:
            runner.cancel()
            await connection.close()


def component(name: str, variable: str, instance: str | None = None, **evse) -> dict:
    item = {"component": {"name": name, **({"evse": evse} if evse else {})},
            "variable": {"name": variable}}
    if instance:
        item["variable"]["instance"] = instance
    return item


async def test_a_local_charge_sends_started_updated_and_ended_with_seq_no_and_meter_values():
    async with station_and_csms(evses=2) as (cp, csms):
        await cp.status_all()
        assert await cp.authorize("04A1B2C3") == "Accepted"
        await cp.start_transaction(2, "04A1B2C3")
        transaction_id = cp.evses[2].transaction_id
        await cp.charge(2, samples=2, interval=0.01, energy_per_sample_wh=500)
        ended = await cp.stop_transaction(2)
        await cp.meter_values(1, 0)  # outside a transaction: MeterValues
    events = csms.of("TransactionEvent")
    assert [e["event_type"] for e in events] == ["Started", "Updated", "Updated", "Ended"]
    assert [e["seq_no"] for e in events] == [0, 1, 2, 3]
    assert {e["transaction_info"]["transaction_id"] for e in events} == {transaction_id}
    assert events[0]["evse"] == {"id": 2, "connector_id": 1}
    assert events[0]["id_token"] == {"id_token": "04A1B2C3", "type": "ISO14443"}
    assert events[0]["trigger_reason"] == "Authorized"
    assert events[1]["trigger_reason"] == "MeterValuePeriodic"
    energy = [next(s["value"] for s in e["meter_value"][0]["sampled_value"]
                   if s["measurand"] == "Energy.Active.Import.Register") for e in events]
    assert energy == [0, 500, 1000, 1000]
    assert events[-1]["transaction_info"]["stopped_reason"] == "Local"
    assert ended.total_cost == 1.25 and cp.costs[transaction_id] == 1.25
    assert [s["connector_status"] for s in csms.of("StatusNotification") if s["evse_id"] == 2] \
        == ["Available", "Occupied", "Available"]
    assert csms.of("MeterValues")[0]["evse_id"] == 1


async def test_a_pending_station_boots_again_after_the_interval_until_accepted():
    async with station_and_csms(pending_boots=2) as (cp, csms):
        assert [b.status for b in cp.boots] == ["Pending", "Pending", "Accepted"]
        assert cp.registration == "Accepted"
        assert len(csms.of("BootNotification")) == 3


async def test_cable_first_then_authorized_and_offline_events_delivered_late_in_any_order():
    async with station_and_csms() as (cp, csms):
        await cp.plug_in(1)
        await cp.authorize_transaction(1, "LATE-CARD")
        await cp.authorize_transaction(1, "OTHER-CARD")  # the token changes mid-transaction
        cp.offline = True
        await cp.meter_values(1, 700)
        await cp.stop_transaction(1)
        assert len(cp.queued) == 2 and len(csms.of("TransactionEvent")) == 3
        await cp.flush_offline(order=[1, 0])  # the Ended first
    events = csms.of("TransactionEvent")
    assert [(e["event_type"], e["trigger_reason"], e["seq_no"], e.get("offline")) for e in events] \
        == [("Started", "CablePluggedIn", 0, None), ("Updated", "Authorized", 1, None),
            ("Updated", "Authorized", 2, None), ("Ended", "StopAuthorized", 4, True),
            ("Updated", "MeterValuePeriodic", 3, True)]
    assert "id_token" not in events[0]
    assert events[0]["transaction_info"]["charging_state"] == "EVConnected"
    assert [e["id_token"]["id_token"] for e in events[1:3]] == ["LATE-CARD", "OTHER-CARD"]


async def test_remote_start_and_stop_with_a_charging_profile():
    async with station_and_csms() as (cp, csms):
        profile = {"id": 7, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
                   "chargingProfileKind": "Absolute",
                   "chargingSchedule": [{"id": 1, "chargingRateUnit": "A",
                                         "chargingSchedulePeriod": [{"startPeriod": 0,
                                                                     "limit": 10}]}]}
        started = await csms.call(call.RequestStartTransaction(
            id_token={"idToken": "APP-1", "type": "Central"}, remote_start_id=42, evse_id=1,
            charging_profile=profile))
        assert started.status == "Accepted"
        [event] = await csms.wait_for("TransactionEvent")
        assert event["trigger_reason"] == "RemoteStart"
        assert event["transaction_info"]["remote_start_id"] == 42
        assert event["id_token"] == {"id_token": "APP-1", "type": "Central"}
        assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"] == [
            {"start_period": 0, "limit": 10.0}]
        busy = await csms.call(call.RequestStartTransaction(
            id_token={"idToken": "APP-2", "type": "Central"}, remote_start_id=43, evse_id=1))
        assert busy.status == "Rejected"
        transaction_id = event["transaction_info"]["transaction_id"]
        status = await csms.call(call.GetTransactionStatus(transaction_id=transaction_id))
        assert (status.messages_in_queue, status.ongoing_indicator) == (False, True)
        assert (await csms.call(call.CostUpdated(total_cost=3.5, transaction_id=transaction_id))) \
            is not None
        assert cp.costs[transaction_id] == 3.5
        assert (await csms.call(call.RequestStopTransaction(transaction_id="nope"))).status \
            == "Rejected"
        stopped = await csms.call(call.RequestStopTransaction(transaction_id=transaction_id))
        assert stopped.status == "Accepted"
        ended = (await csms.wait_for("TransactionEvent", 2))[-1]
        assert ended["event_type"] == "Ended"
        assert ended["trigger_reason"] == "RemoteStop"
        assert ended["transaction_info"]["stopped_reason"] == "Remote"


async def test_the_device_model_answers_get_and_set_variables_per_item():
    async with station_and_csms() as (cp, csms):
        got = await csms.call(call.GetVariables(get_variable_data=[
            component("OCPPCommCtrlr", "HeartbeatInterval"),
            component("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables"),
            component("SecurityCtrlr", "BasicAuthPassword"),
            component("NoSuchCtrlr", "X"), component("TxCtrlr", "Nope"),
            component("Connector", "ConnectorType", id=1, connector_id=1)]))
        assert [(r["attribute_status"], r.get("attribute_value")) for r in got.get_variable_result] \
            == [("Accepted", "30"), ("Accepted", "8"), ("Rejected", None),
                ("UnknownComponent", None), ("UnknownVariable", None), ("Accepted", "cType2")]
        new_password = "a-new-password-of-24-ch"
        set_ = await csms.call(call.SetVariables(set_variable_data=[
            {**component("OCPPCommCtrlr", "HeartbeatInterval"), "attribute_value": "120"},
            {**component("OCPPCommCtrlr", "HeartbeatInterval"), "attribute_value": "soon"},
            {**component("ChargingStation", "Model"), "attribute_value": "X"},
            {**component("SecurityCtrlr", "BasicAuthPassword"), "attribute_value": new_password},
            {**component("SecurityCtrlr", "BasicAuthPassword"), "attribute_value": "short"},
            {**component("TxCtrlr", "TxStartPoint"), "attribute_value": "EVConnected,Authorized"},
            {**component("Nope", "X"), "attribute_value": "1"}]))
        assert [r["attribute_status"] for r in set_.set_variable_result] == [
            "Accepted", "Rejected", "Rejected", "Accepted", "Rejected", "Accepted",
            "UnknownComponent"]
        assert cp.heartbeat_interval == 120 and cp.password == new_password
        network = await csms.call(call.SetNetworkProfile(configuration_slot=2, connection_data={
            "ocppVersion": "OCPP20", "ocppTransport": "JSON", "ocppCsmsUrl": "wss://x/ocpp/t",
            "messageTimeout": 30, "securityProfile": 2, "ocppInterface": "Wired0"}))
        assert network.status == "Accepted" and cp.network_profiles[2]["security_profile"] == 2


async def test_periodic_meter_values_follow_the_sampled_data_interval_set_by_the_csms():
    async with station_and_csms() as (cp, csms):
        set_ = await csms.call(call.SetVariables(set_variable_data=[
            {**component("SampledDataCtrlr", "TxUpdatedInterval"), "attribute_value": "1"}]))
        assert set_.set_variable_result[0]["attribute_status"] == "Accepted"
        await cp.start_transaction(1, "CARD")
        sampling = asyncio.create_task(cp.run_sampling(1, energy_per_sample_wh=250))
        updated = await csms.wait_for("TransactionEvent", 3)
        await cp.stop_transaction(1)
        assert await sampling >= 2
    assert [e["trigger_reason"] for e in updated[1:3]] == ["MeterValuePeriodic"] * 2
    assert cp.evses[1].meter_wh == 250 * await sampling


async def test_reports_come_in_parts_with_seq_no_and_tbc():
    async with station_and_csms(evses=2) as (cp, csms):
        assert (await csms.call(call.GetBaseReport(request_id=5, report_base="FullInventory"))) \
            .status == "Accepted"
        size = len(cp.device_model)
        parts = -(-size // cp.items_per_message)
        reports = await csms.wait_for("NotifyReport", parts)
        assert parts > 2 and [r["seq_no"] for r in reports] == list(range(parts))
        assert [r.get("tbc", False) for r in reports] == [True] * (parts - 1) + [False]
        assert sum(len(r["report_data"]) for r in reports) == size
        password = next(d for r in reports for d in r["report_data"]
                        if d["variable"]["name"] == "BasicAuthPassword")
        assert "value" not in password["variable_attribute"][0]  # WriteOnly: never reported
        summary = await csms.call(call.GetReport(request_id=6, component_variable=[
            {"component": {"name": "EVSE", "evse": {"id": 2}}}]))
        assert summary.status == "Accepted"
        [report] = [r for r in await csms.wait_for("NotifyReport", parts + 1)
                    if r["request_id"] == 6]
        assert {(d["component"]["evse"]["id"], d["variable"]["name"])
                for d in report["report_data"]} == {(2, "AvailabilityState"), (2, "Power")}
        empty = await csms.call(call.GetReport(request_id=7, component_variable=[
            {"component": {"name": "Nothing"}}]))
        assert empty.status == "EmptyResultSet"


async def test_reset_availability_unlock_trigger_cache_and_data_transfer():
    async with station_and_csms(evses=2) as (cp, csms):
        await cp.start_transaction(1, "CARD")
        assert (await csms.call(call.Reset(type="OnIdle"))).status == "Scheduled"
        assert (await csms.call(call.UnlockConnector(evse_id=1, connector_id=1))).status \
            == "OngoingAuthorizedTransaction"
        assert (await csms.call(call.UnlockConnector(evse_id=2, connector_id=1))).status \
            == "Unlocked"
        assert (await csms.call(call.UnlockConnector(evse_id=9, connector_id=1))).status \
            == "UnknownConnector"
        await cp.stop_transaction(1)
        boots = await csms.wait_for("BootNotification", 2)
        assert boots[-1]["reason"] == "RemoteReset"
        assert (await csms.call(call.Reset(type="Immediate", evse_id=2))).status == "Accepted"
        changed = await csms.call(call.ChangeAvailability(operational_status="Inoperative",
                                                          evse={"id": 2}))
        assert changed.status == "Accepted"
        await eventually(lambda: any(s["evse_id"] == 2 and s["connector_status"] == "Unavailable"
                                     for s in csms.of("StatusNotification")))
        assert (await csms.call(call.ChangeAvailability(operational_status="Operative",
                                                        evse={"id": 3}))).status == "Rejected"
        for message in ("Heartbeat", "StatusNotification", "MeterValues", "BootNotification",
                        "FirmwareStatusNotification", "SignChargingStationCertificate"):
            answer = await csms.call(call.TriggerMessage(requested_message=message))
            assert answer.status == "Accepted", message
        assert (await csms.call(call.TriggerMessage(requested_message="SignV2GCertificate"))) \
            .status == "NotImplemented"
        await csms.wait_for("SignCertificate")
        await csms.wait_for("Heartbeat")
        await csms.wait_for("FirmwareStatusNotification")
        assert (await csms.wait_for("BootNotification", 3))[-1]["reason"] == "Triggered"
        cp.unlock_fails = True
        assert (await csms.call(call.UnlockConnector(evse_id=2, connector_id=1))).status \
            == "UnlockFailed"
        [event] = (await csms.wait_for("NotifyEvent"))[0]["event_data"]
        assert (event["component"], event["variable"], event["actual_value"]) == (
            {"name": "ConnectorPlugRetentionLock", "evse": {"id": 2, "connector_id": 1}},
            {"name": "Problem"}, "true")
        assert (await csms.call(call.ClearCache())).status == "Accepted"
        echoed = await csms.call(call.DataTransfer(vendor_id="org.simulator", data={"a": 1}))
        assert (echoed.status, echoed.data) == ("Accepted", {"a": 1})
        assert (await csms.call(call.DataTransfer(vendor_id="acme"))).status == "UnknownVendorId"


async def test_smart_charging_profiles_reports_and_composite_schedule():
    def profile(id: int, purpose: str, limit: float, transaction_id: str | None = None) -> dict:
        body = {"id": id, "stackLevel": 0, "chargingProfilePurpose": purpose,
                "chargingProfileKind": "Absolute" if purpose == "TxProfile" else "Relative",
                "chargingSchedule": [{"id": id, "chargingRateUnit": "A",
                                      "chargingSchedulePeriod": [{"startPeriod": 0,
                                                                  "limit": limit}]}]}
        return body | ({"transactionId": transaction_id} if transaction_id else {})

    async with station_and_csms(evses=2) as (cp, csms):
        max_ = await csms.call(call.SetChargingProfile(
            evse_id=0, charging_profile=profile(1, "ChargingStationMaxProfile", 24)))
        default = await csms.call(call.SetChargingProfile(
            evse_id=0, charging_profile=profile(2, "TxDefaultProfile", 16)))
        orphan = await csms.call(call.SetChargingProfile(
            evse_id=1, charging_profile=profile(3, "TxProfile", 8, "no-such")))
        assert (max_.status, default.status, orphan.status) == ("Accepted", "Accepted", "Rejected")
        await cp.start_transaction(1, "CARD")
        tx = await csms.call(call.SetChargingProfile(
            evse_id=1, charging_profile=profile(3, "TxProfile", 30, cp.evses[1].transaction_id)))
        assert tx.status == "Accepted"
        composite = await csms.call(call.GetCompositeSchedule(duration=60, evse_id=1,
                                                              charging_rate_unit="A"))
        assert composite.status == "Accepted"
        assert composite.schedule["charging_schedule_period"] == [{"start_period": 0, "limit": 24.0}]
        assert cp.composite_schedule(2, 60, "A")["charging_schedule_period"][0]["limit"] == 16.0
        got = await csms.call(call.GetChargingProfiles(request_id=9, charging_profile={}))
        assert got.status == "Accepted"
        reports = await csms.wait_for("ReportChargingProfiles", 2)
        assert [(r["evse_id"], r.get("tbc", False)) for r in reports] == [(0, True), (1, False)]
        assert {p["id"] for r in reports for p in r["charging_profile"]} == {1, 2, 3}
        none = await csms.call(call.GetChargingProfiles(
            request_id=10, charging_profile={"chargingProfilePurpose": "TxProfile"}, evse_id=2))
        assert none.status == "NoProfiles"
        cleared = await csms.call(call.ClearChargingProfile(charging_profile_criteria={
            "chargingProfilePurpose": "ChargingStationMaxProfile"}))
        assert cleared.status == "Accepted"
        assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"][0]["limit"] == 30.0
        assert (await csms.call(call.ClearChargingProfile(charging_profile_id=99))).status \
            == "Unknown"


async def test_certificates_install_list_delete_and_sign():
    from stations.security.ca import hash_data, load_certificate

    pem = self_signed_pem("Operator Root")
    async with station_and_csms() as (cp, csms):
        assert (await csms.call(call.GetInstalledCertificateIds())).status == "NotFound"
        installed = await csms.call(call.InstallCertificate(certificate_type="CSMSRootCertificate",
                                                            certificate=pem))
        assert installed.status == "Accepted"
        listed = await csms.call(call.GetInstalledCertificateIds(
            certificate_type=["CSMSRootCertificate"]))
        assert listed.status == "Accepted"
        [entry] = listed.certificate_hash_data_chain
        assert entry["certificate_type"] == "CSMSRootCertificate"
        data = hash_data(load_certificate(pem))
        assert entry["certificate_hash_data"]["serial_number"] == data["serialNumber"]
        deleted = await csms.call(call.DeleteCertificate(certificate_hash_data=data))
        assert deleted.status == "Accepted"
        assert cp.certificates["CSMSRootCertificate"] == []
        assert (await csms.call(call.CertificateSigned(certificate_chain=pem))).status == "Rejected"
        assert await cp.sign_certificate() == "Accepted"
        [request] = csms.of("SignCertificate")
        assert "BEGIN CERTIFICATE REQUEST" in request["csr"]
        assert (await csms.call(call.CertificateSigned(certificate_chain=pem))).status == "Accepted"
        assert cp.certificate_signed.is_set()
        await cp.security_event("SettingSystemTime", "simulated")
        assert csms.of("SecurityEventNotification")[0]["type"] == "SettingSystemTime"


async def test_local_list_and_reservations():
    async with station_and_csms(evses=2) as (cp, csms):
        entry = {"idToken": {"idToken": "CARD-1", "type": "ISO14443"},
                 "idTokenInfo": {"status": "Accepted"}}
        full = await csms.call(call.SendLocalList(version_number=3, update_type="Full",
                                                  local_authorization_list=[entry]))
        stale = await csms.call(call.SendLocalList(version_number=2, update_type="Differential"))
        assert (full.status, stale.status) == ("Accepted", "VersionMismatch")
        assert (await csms.call(call.GetLocalListVersion())).version_number == 3
        assert cp.local_list == {"CARD-1": {"status": "Accepted"}}
        assert cp.variable("LocalAuthListCtrlr", "Entries") == "1"
        reserved = await csms.call(call.ReserveNow(
            id=5, expiry_date_time="2030-01-01T00:00:00Z", evse_id=2,
            id_token={"idToken": "CARD-1", "type": "ISO14443"}))
        assert reserved.status == "Accepted"
        await eventually(lambda: cp.evses[2].status == "Reserved")
        again = await csms.call(call.ReserveNow(
            id=6, expiry_date_time="2030-01-01T00:00:00Z", evse_id=2,
            id_token={"idToken": "CARD-2", "type": "ISO14443"}))
        assert again.status == "Occupied"
        await cp.start_transaction(2, "CARD-1", reservation_id=5)
        assert 5 not in cp.reservations
        assert csms.of("TransactionEvent")[-1]["reservation_id"] == 5
        await csms.call(call.ReserveNow(id=7, expiry_date_time="2030-01-01T00:00:00Z", evse_id=1,
                                        id_token={"idToken": "CARD-3", "type": "ISO14443"}))
        assert (await csms.call(call.CancelReservation(reservation_id=7))).status == "Accepted"
        assert (await csms.call(call.CancelReservation(reservation_id=7))).status == "Rejected"
        await eventually(lambda: cp.evses[1].status == "Available")


async def test_firmware_is_fetched_and_a_log_request_accepted(tmp_path):
    import functools
    import http.server
    import threading

    (tmp_path / "fw.bin").write_bytes(b"firmware image")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    files = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=files.serve_forever, daemon=True).start()
    location = f"http://127.0.0.1:{files.server_address[1]}/fw.bin"
    try:
        async with station_and_csms() as (cp, csms):
            updated = await csms.call(call.UpdateFirmware(request_id=11, firmware={
                "location": location, "retrieveDateTime": "2026-01-01T00:00:00Z"}))
            assert updated.status == "Accepted"
            await eventually(lambda: cp.downloads.get(location) == b"firmware image")
            await cp.firmware_status("Downloaded", 11)
            assert csms.of("FirmwareStatusNotification")[-1] == {"status": "Downloaded",
                                                                 "request_id": 11}
            log = await csms.call(call.GetLog(log_type="DiagnosticsLog", request_id=12, log={
                "remoteLocation": "ftp://logs.example.com/up/"}))
            assert (log.status, log.filename) == ("Accepted", "DiagnosticsLog-SIM1.log")
            await cp.log_status("Uploaded", 12)
            assert csms.of("LogStatusNotification")[-1]["status"] == "Uploaded"
    finally:
        files.shutdown()


def self_signed_pem(common_name: str) -> str:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(now + timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
