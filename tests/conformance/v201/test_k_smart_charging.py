"""OCA OCPP 2.0.1 conformance scenarios of block K, Smart Charging: the charging station (the
bundled 2.0.1 simulator, which keeps its profiles per EVSE) plays its part over the real
WebSocket, the central system is driven through our API (docs/conformance.md,
docs/smart-charging.md "OCPP 2.0.1")."""

from datetime import UTC, datetime

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import eventually


def profile(profile_id: int, *, purpose: str = "TxDefaultProfile", stack: int = 0,
            limit: float = 16.0, kind: str = "Absolute") -> dict:
    """A profile as the API takes it (the stored 1.6 shape, 2.0.1's purpose names allowed)."""
    schedule = {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]}
    if kind == "Absolute":
        schedule["startSchedule"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {"chargingProfileId": profile_id, "stackLevel": stack, "chargingProfilePurpose": purpose,
            "chargingProfileKind": kind, "chargingSchedule": schedule}


def url(octt201, rest: str = "charging-profiles/") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/{rest}"


async def set_profile(api, octt201, evse_id: int, body: dict, expected: int = 201) -> dict:
    response = await api.post(url(octt201), json={"connector_id": evse_id, "charging_profile": body})
    assert response.status_code == expected, response.text
    return response.json()


def sent(cp, action: str) -> list[dict]:
    return [payload for name, payload in cp.received if name == action]


async def report(api, octt201, **criteria) -> dict:
    """GetChargingProfiles through the API, waited for until its last part came."""
    response = await api.post(url(octt201, "charging-profiles/reports/"), json=criteria)
    assert response.status_code == 201, response.text
    report_id = response.json()["id"]

    async def complete():
        body = (await api.get(url(octt201, f"charging-profiles/reports/{report_id}/"))).json()
        return body if body["completed_at"] else None

    return await eventually(complete)


def reported(body: dict) -> set[tuple[int, int]]:
    return {(p["evseId"], p["chargingProfile"]["id"]) for p in body["profiles"]}


async def test_tc_k_01_set_charging_profile_tx_default_profile_specific_evse(server, octt201):
    """Set Charging Profile – TxDefaultProfile – Specific EVSE"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_profile(api, octt201, 1, profile(101))
        assert (body["status"], body["installed"], body["evse_id"]) == ("Accepted", True, 1)
        [request] = sent(cp, "SetChargingProfile")
        assert request["evse_id"] == 1 and request["charging_profile_purpose"] == "TxDefaultProfile"
        assert cp.charging_profiles[1][0]["id"] == 101


async def test_tc_k_02_set_charging_profile_tx_profile_without_ongoing_transaction(server, octt201):
    """Set Charging Profile – TxProfile without ongoing transaction on the specified EVSE

    The CSMS does not send a TxProfile for an EVSE without a transaction: a 400, nothing sent."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await set_profile(api, octt201, 1, profile(102, purpose="TxProfile"), expected=400)
        assert sent(cp, "SetChargingProfile") == []


async def test_tc_k_03_set_charging_profile_charging_station_max_profile(server, octt201):
    """Set Charging Profile – ChargingStationMaxProfile"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_profile(api, octt201, 0, profile(103, purpose="ChargingStationMaxProfile"))
        assert body["status"] == "Accepted" and body["purpose"] == "ChargePointMaxProfile"
        [request] = sent(cp, "SetChargingProfile")
        assert request["evse_id"] == 0
        assert request["charging_profile_purpose"] == "ChargingStationMaxProfile"


async def test_tc_k_04_replace_charging_profile_with_charging_profile_id(server, octt201):
    """Replace charging profile – With chargingProfileId: the same id again replaces the first,
    which the CSMS no longer counts as installed."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        first = await set_profile(api, octt201, 1, profile(104, limit=16.0))
        second = await set_profile(api, octt201, 1, profile(104, limit=10.0))
        assert second["installed"] is True
        old = (await api.get(url(octt201, f"charging-profiles/{first['id']}/"))).json()
        assert (old["installed"], old["ended"]) == (False, "Replaced")
        [held] = cp.charging_profiles[1]
        assert held["charging_schedule"][0]["charging_schedule_period"][0]["limit"] == 10.0


async def test_tc_k_05_clear_charging_profile_with_charging_profile_id(server, octt201):
    """Clear Charging Profile – With chargingProfileId"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_profile(api, octt201, 1, profile(105))
        response = await api.delete(url(octt201, f"charging-profiles/{body['id']}/"))
        assert response.json()["status"] == "Accepted" and response.json()["cleared"] == [body["id"]]
        assert sent(cp, "ClearChargingProfile")[-1]["charging_profile_id"] == 105
        assert cp.charging_profiles[1] == []


async def test_tc_k_06_clear_charging_profile_with_stack_level_purpose_combination(server, octt201):
    """Clear Charging Profile – With stackLevel/purpose combination for one profile"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await set_profile(api, octt201, 1, profile(106, stack=3))
        await set_profile(api, octt201, 1, profile(107, stack=4))
        response = await api.post(url(octt201, "charging-profiles/clear/"),
                                  json={"purpose": "TxDefaultProfile", "stack_level": 3})
        assert response.json()["status"] == "Accepted"
        criteria = sent(cp, "ClearChargingProfile")[-1]
        assert criteria["charging_profile_purpose"] == "TxDefaultProfile" and criteria["stack_level"] == 3
        assert [p["id"] for p in cp.charging_profiles[1]] == [107]


async def test_tc_k_08_clear_charging_profile_without_previous_charging_profile(server, octt201):
    """Clear Charging Profile – Without previous charging profile: the station answers Unknown,
    which is recorded."""
    async with octt201.charge_point(server), octt201.api(server) as api:
        response = await api.post(url(octt201, "charging-profiles/clear/"), json={"id": 108})
        assert response.status_code == 200 and response.json()["status"] == "Unknown"


async def test_tc_k_10_set_charging_profile_tx_default_profile_all_evse(server, octt201):
    """Set Charging Profile – TxDefaultProfile – All EVSE (evseId 0)"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        body = await set_profile(api, octt201, 0, profile(110))
        assert body["status"] == "Accepted"
        assert sent(cp, "SetChargingProfile")[-1]["evse_id"] == 0
        composite = (await api.get(url(octt201, "composite-schedule/"),
                                   params={"connector_id": 2, "duration": 60})).json()
        assert composite["schedule"]["chargingSchedulePeriod"][0]["limit"] == 16.0


class NoSmartCharging(SimulatedChargePoint201):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, evse_id, charging_profile, **kwargs):
        self.received.append(("SetChargingProfile", {"evse_id": evse_id, **charging_profile}))
        return call_result.SetChargingProfile(status="Rejected",
                                              status_info={"reason_code": "NotSupported"})


async def test_tc_k_15_set_charging_profile_not_supported(server, octt201):
    """Set Charging Profile – Not Supported: the answer is recorded, the profile not installed."""
    async with octt201.charge_point(server, cls=NoSmartCharging), octt201.api(server) as api:
        body = await set_profile(api, octt201, 1, profile(115))
        assert (body["status"], body["installed"]) == ("Rejected", False)


async def test_tc_k_19_set_charging_profile_charging_profile_kind_is_recurring(server, octt201):
    """Set Charging Profile – ChargingProfileKind is Recurring: a daily default reaches the
    station with its recurrencyKind and startSchedule; one without them is refused (400)."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        daily = profile(119, kind="Recurring") | {"recurrencyKind": "Daily"}
        daily["chargingSchedule"] |= {"startSchedule": "2026-01-01T06:00:00Z", "duration": 86400}
        body = await set_profile(api, octt201, 1, daily)
        assert body["status"] == "Accepted" and body["recurrency_kind"] == "Daily"
        request = sent(cp, "SetChargingProfile")[-1]
        assert (request["charging_profile_kind"], request["recurrency_kind"]) == ("Recurring", "Daily")
        assert request["charging_schedule"][0]["start_schedule"] == "2026-01-01T06:00:00Z"
        await set_profile(api, octt201, 1, profile(120, kind="Recurring"), expected=400)


async def _three_profiles(api, octt201) -> None:
    """A max profile on EVSE 0 (stack 0), TxDefaultProfiles on EVSE 1 at stack 1 and 2."""
    await set_profile(api, octt201, 0, profile(290, purpose="ChargingStationMaxProfile"))
    await set_profile(api, octt201, 1, profile(291, stack=1))
    await set_profile(api, octt201, 1, profile(292, stack=2, purpose="TxDefaultProfile"))


async def test_tc_k_29_get_charging_profile_evse_id_0(server, octt201):
    """Get Charging Profile – EvseId 0"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _three_profiles(api, octt201)
        body = await report(api, octt201, evse_id=0)
        assert reported(body) == {(0, 290)}
        assert sent(cp, "GetChargingProfiles")[-1]["evse_id"] == 0


async def test_tc_k_30_get_charging_profile_evse_id_greater_than_0(server, octt201):
    """Get Charging Profile – EvseId > 0"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        assert reported(await report(api, octt201, evse_id=1)) == {(1, 291), (1, 292)}


async def test_tc_k_31_get_charging_profile_no_evse_id(server, octt201):
    """Get Charging Profile – No EvseId: every profile, one part per EVSE"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        body = await report(api, octt201)
        assert reported(body) == {(0, 290), (1, 291), (1, 292)} and body["parts"] == 2


async def test_tc_k_32_get_charging_profile_charging_profile_id(server, octt201):
    """Get Charging Profile – chargingProfileId"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _three_profiles(api, octt201)
        assert reported(await report(api, octt201, ids=[291])) == {(1, 291)}
        assert sent(cp, "GetChargingProfiles")[-1]["charging_profile_id"] == [291]


async def test_tc_k_33_get_charging_profile_evse_id_and_stack_level(server, octt201):
    """Get Charging Profile – EvseId > 0 + stackLevel"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        assert reported(await report(api, octt201, evse_id=1, stack_level=2)) == {(1, 292)}


async def test_tc_k_34_get_charging_profile_evse_id_and_charging_limit_source(server, octt201):
    """Get Charging Profile – EvseId > 0 + chargingLimitSource (our profiles are the CSO's)"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        assert reported(await report(api, octt201, evse_id=1, sources=["CSO"])) == {(1, 291), (1, 292)}
        response = await api.post(url(octt201, "charging-profiles/reports/"),
                                  json={"evse_id": 1, "sources": ["EMS"]})
        assert response.json()["status"] in ("NoProfiles", "Accepted")


async def test_tc_k_35_get_charging_profile_evse_id_and_purpose(server, octt201):
    """Get Charging Profile – EvseId > 0 + chargingProfilePurpose"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        body = await report(api, octt201, evse_id=1, purpose="TxDefaultProfile")
        assert reported(body) == {(1, 291), (1, 292)}


async def test_tc_k_36_get_charging_profile_evse_id_purpose_and_stack_level(server, octt201):
    """Get Charging Profile – EvseId > 0 + chargingProfilePurpose + stackLevel"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await _three_profiles(api, octt201)
        body = await report(api, octt201, evse_id=1, purpose="TxDefaultProfile", stack_level=1)
        assert reported(body) == {(1, 291)}


async def test_tc_k_37_remote_start_transaction_with_charging_profile_success(server, octt201):
    """Remote start transaction with charging profile – Success: RequestStartTransaction carries
    the TxProfile; once the transaction runs the profile is bound to the station's id."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        response = await api.post(url(octt201, "remote-start/"), json={
            "id_tag": octt201.valid, "connector_id": 1,
            "charging_profile": profile(137, purpose="TxProfile", kind="Relative", limit=12.0)})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "Accepted"
        await eventually(lambda: cp.evses[1].transaction_id)
        [carried] = sent(cp, "RequestStartTransaction.chargingProfile")
        assert carried["charging_profile_purpose"] == "TxProfile" and carried["id"] == 137
        transaction_id = cp.evses[1].transaction_id

        async def bound():
            rows = (await api.get(url(octt201), params={"installed": "true"})).json()["results"]
            return [r for r in rows if r["charging_profile_id"] == 137
                    and r["station_transaction_id"] == transaction_id]

        await eventually(bound)
        await cp.stop_transaction(1)


async def test_tc_k_43_get_composite_schedule_specific_evse(server, octt201):
    """Get Composite Schedule – Specific EVSE"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await set_profile(api, octt201, 1, profile(143, limit=11.0))
        response = await api.get(url(octt201, "composite-schedule/"),
                                 params={"connector_id": 1, "duration": 300, "unit": "A"})
        body = response.json()
        assert body["status"] == "Accepted" and body["schedule"]["evseId"] == 1
        assert body["schedule"]["chargingSchedulePeriod"][0]["limit"] == 11.0
        assert sent(cp, "GetCompositeSchedule")[-1] == {"evse_id": 1, "duration": 300}


async def test_tc_k_44_get_composite_schedule_charging_station(server, octt201):
    """Get Composite Schedule – Charging Station (evseId 0)"""
    async with octt201.charge_point(server), octt201.api(server) as api:
        await set_profile(api, octt201, 0, profile(144, purpose="ChargingStationMaxProfile", limit=20.0))
        body = (await api.get(url(octt201, "composite-schedule/"),
                              params={"connector_id": 0, "duration": 60})).json()
        assert body["status"] == "Accepted" and body["schedule"]["evseId"] == 0
        assert body["schedule"]["chargingSchedulePeriod"][0]["limit"] == 20.0


async def test_tc_k_60_set_charging_profile_tx_profile_with_ongoing_transaction(server, octt201):
    """Set Charging Profile – TxProfile with ongoing transaction on the specified EVSE"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        body = await set_profile(api, octt201, 1, profile(160, purpose="TxProfile", limit=8.0))
        assert body["status"] == "Accepted"
        assert body["station_transaction_id"] == cp.evses[1].transaction_id
        assert sent(cp, "SetChargingProfile")[-1]["transaction_id"] == cp.evses[1].transaction_id
        await cp.stop_transaction(1)


async def test_tc_k_70_set_charging_profile_multiple_profiles(server, octt201):
    """Set Charging Profile – Multiple Profiles: a max profile and defaults at two stack levels
    are all held, the composite the lowest in force."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await set_profile(api, octt201, 0, profile(170, purpose="ChargingStationMaxProfile", limit=25.0))
        await set_profile(api, octt201, 1, profile(171, stack=1, limit=20.0))
        await set_profile(api, octt201, 1, profile(172, stack=2, limit=12.0))
        assert {p["id"] for p in cp.charging_profiles[0] + cp.charging_profiles[1]} == {170, 171, 172}
        listed = (await api.get(url(octt201), params={"installed": "true"})).json()["results"]
        assert {170, 171, 172} <= {r["charging_profile_id"] for r in listed}
        body = (await api.get(url(octt201, "composite-schedule/"),
                              params={"connector_id": 1, "duration": 60})).json()
        assert body["schedule"]["chargingSchedulePeriod"][0]["limit"] == 12.0
