"""Smart charging through the API, against a real charge point that stores its profiles."""

import asyncio
from datetime import UTC, datetime

import pytest
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.commands.sending import StationNotConnected
from stations.models import Connector, ModelQuirks
from stations.quirks import quirks_forget
from stations.selectors import stations_of
from stations.simulator import SimulatedChargePoint, connect
from stations.smartcharging.models import ChargingProfile, ProfileClearing
from stations.smartcharging.services import charging_profile_set, composite_schedule_get
from tests.conftest import needs_redis
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def profile(profile_id: int = 1, *, stack: int = 0, purpose: str = "TxDefaultProfile",
            limit: float = 16.0, unit: str = "A", periods: list | None = None, **extra) -> dict:
    return {
        "chargingProfileId": profile_id, "stackLevel": stack, "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "startSchedule": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "chargingRateUnit": unit,
            "chargingSchedulePeriod": periods or [{"startPeriod": 0, "limit": limit}]},
        **extra,
    }


def url(station, rest: str = "charging-profiles/") -> str:
    return f"/api/v1/stations/{station.identity}/{rest}"


class RejectingStation(SimulatedChargePoint):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        return call_result.SetChargingProfile(status="Rejected")


class StationWithoutSmartCharging(SimulatedChargePoint):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        return call_result.SetChargingProfile(status="NotSupported")


class BrokenStation(SimulatedChargePoint):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        raise RuntimeError("firmware bug")  # the ocpp package answers a CALLERROR


async def test_a_profile_is_sent_stored_with_the_answer_and_held_by_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(7, limit=10.5)})
        listed = (await api.get(url(station), params={"installed": "true"})).json()
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["status"], body["installed"], body["connector_id"]) == ("Accepted", True, 1)
    assert body["periods"] == [{"start_period": 0, "limit": "10.5", "number_phases": None}]
    assert body["charging_profile"]["chargingProfileId"] == 7
    assert body["sent_at"] and body["answered_at"]
    held = cp.charging_profiles[1]
    assert [(p["charging_profile_id"], p["charging_schedule"]["charging_schedule_period"][0]["limit"])
            for p in held] == [(7, 10.5)]
    assert [p["id"] for p in listed["results"]] == [body["id"]] and listed["count"] == 1


async def test_a_profile_with_the_same_stack_level_and_purpose_replaces_the_first(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        first = (await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(1, stack=2, limit=16)})).json()
        second = (await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(2, stack=2, limit=8)})).json()
        other_level = (await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(3, stack=3, limit=6)})).json()
        installed = (await api.get(url(station), params={"installed": "true"})).json()
        replaced = (await api.get(url(station, f"charging-profiles/{first['id']}/"))).json()
    assert sorted(p["id"] for p in installed["results"]) == sorted([second["id"], other_level["id"]])
    assert (replaced["installed"], replaced["ended"]) == (False, "Replaced")
    assert sorted(p["charging_profile_id"] for p in cp.charging_profiles[1]) == [2, 3]


async def test_rejected_and_not_supported_answers_are_recorded_with_201(server):
    tenant = make_tenant()
    for cls, answer in ((RejectingStation, "Rejected"), (StationWithoutSmartCharging, "NotSupported")):
        station, password = make_station(tenant)
        async with charge_point(server, tenant, station, password, cls=cls), \
                api_client(server, tenant) as api:
            sent = await api.post(url(station), json={"connector_id": 0,
                                                      "charging_profile": profile()})
        assert sent.status_code == 201
        assert (sent.json()["status"], sent.json()["installed"]) == (answer, False)


async def test_a_callerror_or_an_absent_station_is_recorded_and_answered_502_or_409(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=BrokenStation), \
            api_client(server, tenant) as api:
        broken = await api.post(url(station), json={"connector_id": 1, "charging_profile": profile(1)})
    offline, _ = make_station(tenant)
    async with api_client(server, tenant) as api:
        absent = await api.post(url(offline), json={"connector_id": 1, "charging_profile": profile(2)})
    assert broken.status_code == 502 and broken.json()["code"] == "InternalError"
    assert absent.status_code == 409
    failed = ChargingProfile.objects.get(station=station)
    assert (failed.failure, failed.status, failed.installed) == ("CallError", "", False)
    assert failed.failure_detail["code"] == "InternalError"
    assert ChargingProfile.objects.get(station=offline).failure == "NotConnected"


async def test_the_composite_schedule_is_the_stations_answer(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        await api.post(url(station), json={"connector_id": 0, "charging_profile": profile(
            1, purpose="ChargePointMaxProfile", limit=32.0)})
        await api.post(url(station), json={"connector_id": 1, "charging_profile": profile(
            2, periods=[{"startPeriod": 0, "limit": 16.0}, {"startPeriod": 600, "limit": 40.0}])})
        in_amperes = await api.get(url(station, "composite-schedule/"),
                                   params={"connector_id": 1, "duration": 3600, "unit": "A"})
        in_watts = await api.get(url(station, "composite-schedule/"),
                                 params={"connector_id": 1, "duration": 300, "unit": "W"})
        unknown_connector = await api.get(url(station, "composite-schedule/"),
                                          params={"connector_id": 5, "duration": 60})
        bad = await api.get(url(station, "composite-schedule/"), params={"connector_id": 1})
    assert in_amperes.status_code == 200
    body = in_amperes.json()
    assert (body["status"], body["connectorId"]) == ("Accepted", 1) and body["scheduleStart"]
    assert body["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.0}, {"startPeriod": 600, "limit": 32.0}]
    assert in_watts.json()["chargingSchedule"] == {
        "duration": 300, "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11040.0}]}
    assert unknown_connector.json() == {"status": "Rejected"}
    assert bad.status_code == 400 and "duration" in bad.json()


async def test_delete_clears_the_profile_on_the_station_and_keeps_it_as_history(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        stored = (await api.post(url(station), json={"connector_id": 1,
                                                     "charging_profile": profile(5)})).json()
        cleared = await api.delete(url(station, f"charging-profiles/{stored['id']}/"))
        again = await api.delete(url(station, f"charging-profiles/{stored['id']}/"))
        after = (await api.get(url(station, f"charging-profiles/{stored['id']}/"))).json()
    assert cleared.status_code == 200
    assert (cleared.json()["status"], cleared.json()["cleared"]) == ("Accepted", [stored["id"]])
    assert again.json()["status"] == "Unknown"
    assert (after["installed"], after["ended"]) == (False, "Cleared")
    assert cp.charging_profiles[1] == []
    assert ("ClearChargingProfile", {"id": 5, "connector_id": None}) in cp.received


async def test_clear_by_criteria_removes_only_the_matching_profiles(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, connectors=2) as cp, \
            api_client(server, tenant) as api:
        for n, connector in ((1, 1), (2, 2)):
            await api.post(url(station), json={"connector_id": connector,
                                               "charging_profile": profile(n)})
        await api.post(url(station), json={"connector_id": 0, "charging_profile": profile(
            3, purpose="ChargePointMaxProfile", limit=32.0)})
        cleared = await api.post(url(station, "charging-profiles/clear/"),
                                 json={"purpose": "TxDefaultProfile", "connector_id": 2})
        bad = await api.post(url(station, "charging-profiles/clear/"), json={"purpose": "Max"})
        installed = (await api.get(url(station), params={"installed": "true"})).json()["results"]
    assert cleared.status_code == 200 and cleared.json()["status"] == "Accepted"
    assert sorted(p["charging_profile_id"] for p in installed) == [1, 3]
    assert [p["charging_profile_id"] for p in cp.charging_profiles[2]] == []
    assert [p["charging_profile_id"] for p in cp.charging_profiles[1]] == [1]
    assert bad.status_code == 400 and "purpose" in bad.json()
    clearing = ProfileClearing.objects.get(station=station)
    assert (clearing.connector_id, clearing.purpose, clearing.status) == (2, "TxDefaultProfile",
                                                                          "Accepted")


async def test_a_tx_profile_binds_to_the_running_transaction_and_ends_with_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        without = await api.post(url(station), json={"connector_id": 1, "charging_profile": profile(
            1, purpose="TxProfile")})
        started = await cp.start_transaction(1, "DRIVER")
        wrong = await api.post(url(station), json={"connector_id": 1, "charging_profile": profile(
            1, purpose="TxProfile", transactionId=started.transaction_id + 1000)})
        sent = await api.post(url(station), json={"connector_id": 1, "charging_profile": profile(
            1, purpose="TxProfile", limit=12.0)})
        await cp.stop_transaction(1)
        ended = (await api.get(url(station, f"charging-profiles/{sent.json()['id']}/"))).json()
    assert without.status_code == 400
    assert "running transaction" in without.json()["charging_profile"][0]
    assert wrong.status_code == 400
    assert sent.status_code == 201 and sent.json()["status"] == "Accepted"
    assert sent.json()["transaction_id"] == started.transaction_id
    assert sent.json()["charging_profile"]["transactionId"] == started.transaction_id
    assert (ended["installed"], ended["ended"]) == (False, "TransactionStopped")


async def test_bad_profiles_are_refused_with_a_reason(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    no_schedule = profile()
    del no_schedule["chargingSchedule"]
    cases = {
        "schema": (1, no_schedule, "chargingSchedule"),
        "two decimals": (1, profile(limit=6.15), "multiple of 0.1"),
        "negative": (1, profile(limit=-6.0), "negative"),
        "max elsewhere": (1, profile(purpose="ChargePointMaxProfile"), "connector 0"),
        "tx on 0": (0, profile(purpose="TxProfile"), "not 0"),
        "recurring": (1, profile(chargingProfileKind="Recurring"), "recurrencyKind"),
        "unordered": (1, profile(periods=[{"startPeriod": 0, "limit": 6.0},
                                          {"startPeriod": 0, "limit": 8.0}]), "increases"),
    }
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        for name, (connector, body, reason) in cases.items():
            response = await api.post(url(station), json={"connector_id": connector,
                                                          "charging_profile": body})
            assert response.status_code == 400, name
            assert reason in str(response.json()), (name, response.json())
        missing = await api.post(url(station), json={"charging_profile": profile()})
        assert missing.status_code == 400 and "connector_id" in missing.json()
    assert not any(action == "SetChargingProfile" for action, _ in cp.received)
    assert not ChargingProfile.objects.filter(station=station).exists()


async def test_another_tenant_gets_404_everywhere(server):
    tenant, other = make_tenant(), make_tenant("Other")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        stored = (await api.post(url(station), json={"connector_id": 1,
                                                     "charging_profile": profile()})).json()
    async with api_client(server, other) as outsider:
        answers = [
            await outsider.get(url(station)),
            await outsider.post(url(station), json={"connector_id": 1, "charging_profile": profile()}),
            await outsider.get(url(station, f"charging-profiles/{stored['id']}/")),
            await outsider.delete(url(station, f"charging-profiles/{stored['id']}/")),
            await outsider.post(url(station, "charging-profiles/clear/"), json={}),
            await outsider.get(url(station, "composite-schedule/"),
                               params={"connector_id": 1, "duration": 60}),
            await outsider.post(url(station, "remote-start/"), json={"id_tag": "X"}),
        ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    other_station, _ = make_station(other)
    async with api_client(server, other) as outsider:  # its own station has none of them
        mine = await outsider.get(url(other_station))
        theirs = await outsider.get(url(other_station, f"charging-profiles/{stored['id']}/"))
    assert mine.json()["count"] == 0 and theirs.status_code == 404


async def test_a_remote_start_profile_waits_for_the_transaction_then_is_installed(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        refused = await api.post(url(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": "APP", "charging_profile": profile(9)})
        started = await api.post(url(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": "APP",
            "charging_profile": profile(9, purpose="TxProfile", limit=10.0)})
        stored_id = started.json()["charging_profile"]["id"]

        async def installed():
            body = (await api.get(url(station, f"charging-profiles/{stored_id}/"))).json()
            return body if body["installed"] else None

        bound = await eventually(installed)
        composite = (await api.get(url(station, "composite-schedule/"),
                                   params={"connector_id": 1, "duration": 60})).json()
    assert refused.status_code == 400 and "TxProfile" in refused.json()["charging_profile"][0]
    assert started.status_code == 200 and started.json()["status"] == "Accepted"
    assert started.json()["charging_profile"]["waiting_for"] == "StartTransaction"
    assert bound["transaction_id"] == cp.connectors[1].transaction_id
    assert (bound["sent_with"], bound["waiting_for"]) == ("RemoteStartTransaction", "")
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [{"startPeriod": 0,
                                                                        "limit": 10.0}]
    received = [p for action, p in cp.received if action == "RemoteStartTransaction.chargingProfile"]
    assert [(p["charging_profile_id"], p["charging_profile_purpose"]) for p in received] == [
        (9, "TxProfile")]
    assert not any(action == "SetChargingProfile" for action, _ in cp.received)


class RejectsTxProfileWithTheStart(SimulatedChargePoint):
    """Seen on stations that refuse a TxProfile before they have the StartTransaction answer."""

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag, connector_id=None, charging_profile=None, **kwargs):
        if charging_profile is not None:
            return call_result.RemoteStartTransaction(status="Rejected")
        return await super().on_remote_start(id_tag, connector_id, **kwargs)


async def test_quirk_tx_profile_after_start_only_holds_the_profile_until_the_transaction_runs(
        server):
    quirks_forget()
    ModelQuirks.objects.create(vendor="LateTx", model_prefix="L", tx_profile_after_start_only=True)
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP")
    async with charge_point(server, tenant, station, password, boot=False,
                            cls=RejectsTxProfileWithTheStart) as cp, \
            api_client(server, tenant) as api:
        await cp.boot(vendor="LateTx", model="L-22")
        started = await api.post(url(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": "APP",
            "charging_profile": profile(4, purpose="TxProfile", limit=8.0)})
        assert started.json()["status"] == "Accepted"
        assert started.json()["charging_profile"]["waiting_for"] == "Held"
        stored_id = started.json()["charging_profile"]["id"]

        async def installed():
            body = (await api.get(url(station, f"charging-profiles/{stored_id}/"))).json()
            return body if body["installed"] else None

        bound = await eventually(installed)
    transaction_id = cp.connectors[1].transaction_id
    assert (bound["status"], bound["transaction_id"]) == ("Accepted", transaction_id)
    assert bound["charging_profile"]["transactionId"] == transaction_id
    sets = [payload for action, payload in cp.received if action == "SetChargingProfile"]
    assert [(s["connector_id"], s["transaction_id"]) for s in sets] == [(1, transaction_id)]
    assert [p["charging_profile_id"] for p in cp.charging_profiles[1]] == [4]


async def test_quirk_max_profile_on_connector_zero_only_sends_a_station_default_per_connector(
        server):
    quirks_forget()
    ModelQuirks.objects.create(vendor="ZeroOnly", model_prefix="",
                               max_profile_on_connector_zero_only=True)
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, connectors=2, boot=False) as cp, \
            api_client(server, tenant) as api:
        await cp.boot(vendor="ZeroOnly", model="Z1")
        for connector in (0, 1, 2):
            await cp.status(connector, "Available")
        await eventually(lambda: Connector.objects.filter(station=station).count() == 3)
        default = await api.post(url(station), json={"connector_id": 0,
                                                     "charging_profile": profile(1, limit=10.0)})
        maximum = await api.post(url(station), json={"connector_id": 0, "charging_profile": profile(
            10, purpose="ChargePointMaxProfile", limit=32.0)})
    assert default.status_code == 201
    body = default.json()
    assert [(p["connector_id"], p["requested_connector_id"], p["status"])
            for p in body["fanned_out"]] == [(1, 0, "Accepted"), (2, 0, "Accepted")]
    # Each copy has an id of its own: a station replaces a profile with the same id anywhere.
    copies = [p["charging_profile_id"] for p in body["fanned_out"]]
    assert copies[0] == 1 and len(set(copies)) == 2
    assert [p["charging_profile_id"] for p in cp.charging_profiles[1]] == [copies[0]]
    assert [p["charging_profile_id"] for p in cp.charging_profiles[2]] == [copies[1]]
    assert [p["charging_profile_id"] for p in cp.charging_profiles[0]] == [10]
    assert maximum.json()["connector_id"] == 0 and "fanned_out" not in maximum.json()


async def test_without_the_quirk_such_a_station_rejects_the_start_and_that_is_recorded(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=RejectsTxProfileWithTheStart), \
            api_client(server, tenant) as api:
        started = await api.post(url(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": "APP",
            "charging_profile": profile(4, purpose="TxProfile", limit=8.0)})
    assert started.status_code == 200 and started.json()["status"] == "Rejected"
    stored = started.json()["charging_profile"]
    assert (stored["status"], stored["waiting_for"], stored["installed"]) == ("Rejected", "", False)


async def test_no_answer_in_time_is_a_504_recorded_as_a_timeout(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    silent = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    async with api_client(server, tenant) as api:
        response = await api.post(url(station), json={"connector_id": 1,
                                                      "charging_profile": profile()})
    await silent.close()
    assert response.status_code == 504
    assert ChargingProfile.objects.get(station=station).failure == "Timeout"


async def test_the_sync_service_records_a_station_that_is_not_connected(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    fresh = stations_of(tenant).get(pk=station.pk)
    with pytest.raises(StationNotConnected):
        await asyncio.to_thread(charging_profile_set, station=fresh, connector_id=0,
                                profile=profile(3))
    assert ChargingProfile.objects.get(station=station).failure == "NotConnected"


@needs_redis
async def test_the_sync_service_sets_a_profile_from_another_process(server):
    # As load management's Celery tasks will: from outside the server, over the channel layer.
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        fresh = stations_of(tenant).get(pk=station.pk)
        rows = await asyncio.to_thread(charging_profile_set, station=fresh, connector_id=1,
                                       profile=profile(11, limit=6.0))
        composite = await asyncio.to_thread(composite_schedule_get, station=fresh,
                                            connector_id=1, duration=60)
    assert [(r.status, r.installed) for r in rows] == [("Accepted", True)]
    assert [p["charging_profile_id"] for p in cp.charging_profiles[1]] == [11]
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [{"startPeriod": 0,
                                                                        "limit": 6.0}]


async def test_staff_see_only_their_tenants_profiles_in_the_admin(server):
    from tests.test_admin import admin_session, make_user

    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    for tenant, identity in ((mine, "MINE-SC"), (theirs, "THEIRS-SC")):
        station, _ = make_station(tenant, identity)
        ChargingProfile.objects.create(
            tenant=tenant, station=station, connector_id=1, payload=profile(), charging_profile_id=1,
            stack_level=0, purpose="TxDefaultProfile", kind="Absolute", charging_rate_unit="A")
    user = make_user(tenant=mine, permissions=("view_chargingprofile",))
    async with admin_session(server, user) as http:
        changelist = await http.get("/admin/smartcharging/chargingprofile/")
    assert changelist.status_code == 200
    assert "MINE-SC" in changelist.text and "THEIRS-SC" not in changelist.text
