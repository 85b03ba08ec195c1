"""OCPP 1.6 Smart Charging conformance (OCA test cases): the central system sets, reads and clears
charging profiles through our API; a real charge point stores them, computes its composite
schedule from them and gives the negative answers a station gives."""

from datetime import UTC, datetime

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.simulator import SimulatedChargePoint
from stations.smartcharging.models import ChargingProfile
from tests.factories import (
    api_client,
    eventually,
)


def tx_profile(profile_id: int, purpose: str, limit: float, **extra) -> dict:
    return {"chargingProfileId": profile_id, "stackLevel": 0, "chargingProfilePurpose": purpose,
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {"startSchedule": datetime.now(UTC).isoformat(),
                                 "chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]},
            **extra}


def path(station, rest: str) -> str:
    return f"/api/v1/stations/{station.identity}/{rest}"


async def composite_limits(api, station, connector_id: int) -> list[dict]:
    answer = (await api.get(path(station, "composite-schedule/"),
                            params={"connector_id": connector_id, "duration": 600})).json()
    assert answer["status"] == "Accepted", answer
    return answer["chargingSchedule"]["chargingSchedulePeriod"]


class NoSmartChargingStation(SimulatedChargePoint):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        return call_result.SetChargingProfile(status="NotSupported")


async def test_tc_056_central_smart_charging_txdefaultprofile(server, octt):
    """Central Smart Charging – TxDefaultProfile"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 0, "charging_profile": tx_profile(1, "TxDefaultProfile", 13.0)})
        # The next transaction on any connector charges within the default.
        assert await cp.authorize(octt.valid) == "Accepted"
        await cp.status(1, "Preparing")
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        limits = await composite_limits(api, station, 1)
    # The same station, configured without smart charging, refuses it.
    async with octt.charge_point(server, cls=NoSmartChargingStation), octt.api(server) as api:
        refused = await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 0, "charging_profile": tx_profile(1, "TxDefaultProfile", 13.0)})
    assert sent.status_code == 201
    assert (sent.json()["status"], sent.json()["installed"]) == ("Accepted", True)
    assert [p["charging_profile_id"] for p in cp.charging_profiles[0]] == [1]
    assert limits == [{"startPeriod": 0, "limit": 13.0}]
    assert refused.status_code == 201
    assert (refused.json()["status"], refused.json()["installed"]) == ("NotSupported", False)


async def test_tc_057_central_smart_charging_txprofile(server, octt):
    """Central Smart Charging – TxProfile"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Available")
        before = await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 1, "charging_profile": tx_profile(2, "TxProfile", 10.0)})
        await cp.status(1, "Preparing")
        started = await cp.start_transaction(1, octt.valid)
        assert started.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        sent = await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 1, "charging_profile": tx_profile(
                2, "TxProfile", 10.0, transactionId=started.transaction_id)})
        limits = await composite_limits(api, station, 1)
        await cp.stop_transaction(1)
        await cp.status(1, "Finishing")
        ended = (await api.get(path(station, f"charging-profiles/{sent.json()['id']}/"))).json()
    assert before.status_code == 400  # no transaction on the connector: never sent
    assert sent.json()["status"] == "Accepted"
    assert sent.json()["transaction_id"] == started.transaction_id
    assert limits == [{"startPeriod": 0, "limit": 10.0}]
    assert (ended["installed"], ended["ended"]) == (False, "TransactionStopped")
    assert [a for a, _ in cp.received].count("SetChargingProfile") == 1


async def test_tc_059_remote_start_transaction_with_charging_profile(server, octt):
    """Remote Start Transaction with Charging Profile"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Available")
        answer = await api.post(path(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": octt.valid,
            "charging_profile": tx_profile(3, "TxProfile", 7.0)})
        stored_id = answer.json()["charging_profile"]["id"]

        async def bound():
            body = (await api.get(path(station, f"charging-profiles/{stored_id}/"))).json()
            return body if body["transaction_id"] else None

        profile = await eventually(bound)
        limits = await composite_limits(api, station, 1)
        not_tx = await api.post(path(station, "remote-start/"), json={
            "connector_id": 1, "id_tag": octt.valid,
            "charging_profile": tx_profile(4, "TxDefaultProfile", 7.0)})
    assert answer.status_code == 200 and answer.json()["status"] == "Accepted"
    assert profile["transaction_id"] == cp.connectors[1].transaction_id
    assert (profile["installed"], profile["sent_with"]) == (True, "RemoteStartTransaction")
    assert limits == [{"startPeriod": 0, "limit": 7.0}]
    assert not_tx.status_code == 400


async def test_tc_066_get_composite_schedule(server, octt):
    """Get Composite Schedule"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server), api_client(server, tenant) as api:
        await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 0, "charging_profile": tx_profile(5, "ChargePointMaxProfile", 20.0)})
        await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 1, "charging_profile": tx_profile(6, "TxDefaultProfile", 24.0)})
        composite = await api.get(path(station, "composite-schedule/"),
                                  params={"connector_id": 1, "duration": 900, "unit": "A"})
        unknown = await api.get(path(station, "composite-schedule/"),
                                params={"connector_id": 9, "duration": 900})
    body = composite.json()
    assert composite.status_code == 200
    assert (body["status"], body["connectorId"]) == ("Accepted", 1)
    assert body["chargingSchedule"] == {"duration": 900, "chargingRateUnit": "A",
                                        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 20.0}]}
    assert unknown.status_code == 200 and unknown.json() == {"status": "Rejected"}


async def test_tc_067_clear_charging_profile(server, octt):
    """Clear Charging Profile"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        stored = (await api.post(path(station, "charging-profiles/"), json={
            "connector_id": 1, "charging_profile": tx_profile(8, "TxDefaultProfile", 16.0)})).json()
        cleared = await api.post(path(station, "charging-profiles/clear/"), json={"id": 8})
        unknown = await api.post(path(station, "charging-profiles/clear/"), json={"id": 8})
    assert (cleared.json()["status"], cleared.json()["cleared"]) == ("Accepted", [stored["id"]])
    assert unknown.json()["status"] == "Unknown"
    assert cp.charging_profiles[1] == []
    assert ChargingProfile.objects.get(pk=stored["id"]).ended == "Cleared"
