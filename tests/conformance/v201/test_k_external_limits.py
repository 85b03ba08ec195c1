"""OCA OCPP 2.0.1 conformance scenarios of block K, external charging limits (K11-K13): the
charging station (the bundled 2.0.1 simulator) tells the central system of limits a grid operator
or an energy management system set on it, and of their release; the central system answers,
records them and shows them through our API (docs/conformance.md, docs/ocpp201.md "External
charging limits"). Each case checks only the limits received since it began, and releases what it
set, so the shared mode's one station carries nothing into the next case."""

from datetime import datetime

from ocpp.v201 import call_result

from tests.conformance.v201.test_k_smart_charging import report, reported, set_profile
from tests.factories import eventually


async def limits(api, octt201, **params) -> list[dict]:
    """The station's external limits received since the case began, newest first."""
    response = await api.get(f"/api/v1/stations/{octt201.station.identity}/charging-limits/",
                             params=params)
    assert response.status_code == 200, response.text
    return [row for row in response.json()["results"]
            if datetime.fromisoformat(row["received_at"]) >= octt201.began]


async def test_tc_k_48_set_update_external_charging_limit_not_on_a_transaction(server, octt201):
    """Set / Update External Charging Limit (not on a transaction): each NotifyChargingLimit is
    answered, the newer limit replaces the older one of its source on the EVSE."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await cp.notify_charging_limit(1, 8.0, source="SO", grid_critical=True)
        assert answer == call_result.NotifyChargingLimit()
        await cp.notify_charging_limit(1, 12.0, source="SO", grid_critical=True)
        rows = await limits(api, octt201, evse=1, source="SO")
        assert [(r["active"], r["ended"]) for r in rows] == [(True, ""), (False, "Replaced")]
        assert rows[0]["grid_critical"] is True
        assert rows[0]["in_force"] == [{"limit": "12.0", "unit": "A", "phases": None}]
        await cp.cleared_charging_limit(1, source="SO")


async def test_tc_k_50_reset_release_external_charging_limit_without_ongoing_transaction(
        server, octt201):
    """Reset / release external charging limit – Without ongoing transaction"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.notify_charging_limit(1, 10.0, source="EMS")
        answer = await cp.cleared_charging_limit(1, source="EMS")
        assert answer == call_result.ClearedChargingLimit()
        [row] = await limits(api, octt201, evse=1, source="EMS")
        assert (row["active"], row["ended"], row["in_force"]) == (False, "Cleared", [])


async def test_tc_k_51_reset_release_external_charging_limit_with_ongoing_transaction(
        server, octt201):
    """Reset / release external charging limit – With ongoing transaction: the release is
    answered, then the TransactionEvent (ChargingRateChanged) that follows it."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        await cp.notify_charging_limit(1, 10.0, source="SO")
        await cp.cleared_charging_limit(1, source="SO")
        await cp.transaction_event(1, "Updated", "ChargingRateChanged",
                                   meter_value=[cp.meter_value(1)])
        [row] = await limits(api, octt201, evse=1, source="SO")
        assert (row["active"], row["ended"]) == (False, "Cleared")
        [session] = await octt201.sessions(api)
        assert session["stopped_at"] is None
        await cp.stop_transaction(1)
        await eventually(lambda: octt201.own_sessions().filter(stopped_at__isnull=False).exists())


async def test_tc_k_52_set_update_external_charging_limit_charging_station_external_constraints_in_report(
        server, octt201):
    """Set / Update External Charging Limit – ChargingStationExternalConstraints in report: the
    station's report of its external constraints (source SO) is recorded as it came; such a
    profile cannot be set through the central system (400), nothing is sent."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.notify_charging_limit(1, 9.0, source="SO", profile_id=152)
        body = await report(api, octt201, evse_id=1, sources=["SO"])
        assert reported(body) == {(1, 152)}
        [part] = body["profiles"]
        assert part["chargingLimitSource"] == "SO"
        assert part["chargingProfile"]["chargingProfilePurpose"] == "ChargingStationExternalConstraints"
        assert part["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"] == 9.0
        body = await report(api, octt201, purpose="ChargingStationExternalConstraints")
        assert reported(body) == {(1, 152)}
        refused = await set_profile(api, octt201, 1, {
            **part["chargingProfile"], "chargingProfileId": 152, "stackLevel": 0,
            "chargingSchedule": {"chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 9.0}]}},
            expected=400)
        assert "never by the CSMS" in refused["charging_profile"][0]
        assert [name for name, _ in cp.received if name == "SetChargingProfile"] == []
        await cp.cleared_charging_limit(1, source="SO")
