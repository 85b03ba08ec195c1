"""OCA OCPP 2.0.1 conformance scenarios of block K, ISO 15118 charging needs (K15–K17): the
charging station (the bundled 2.0.1 simulator, whose car tells its needs and proposes schedules)
plays its part over the real WebSocket; the central system answers the needs with a TxProfile
and checks the car's schedule against it, and is driven through our API where the case has the
CSMS act (docs/conformance.md, docs/smart-charging.md §7)."""

import asyncio

from tests.conformance.v201.test_k_smart_charging import profile, sent, set_profile
from tests.factories import eventually

NO_FURTHER_PROFILE = 0.5  # s: the station gets no other profile without cause (OCA waits 5)


def tx_profiles(cp) -> list[dict]:
    return [p for p in sent(cp, "SetChargingProfile")
            if p["charging_profile_purpose"] == "TxProfile"]


async def next_tx_profile(cp, before: int) -> dict:
    """The TxProfile the CSMS sends after the `before` first ones."""
    await eventually(lambda: len(tx_profiles(cp)) > before)
    return tx_profiles(cp)[before]


async def iso15118_smart_charging(cp, evse_id: int = 1, **needs) -> dict:
    """The OCA's reusable state ISO15118SmartCharging: the car's needs, the CSMS's TxProfile, the
    car's schedule within it, charging. Returns the TxProfile."""
    before = len(tx_profiles(cp))
    assert await cp.notify_ev_charging_needs(evse_id, **needs) == "Accepted"
    given = await next_tx_profile(cp, before)
    assert await cp.notify_ev_charging_schedule(evse_id) == "Accepted"
    await cp.set_charging_state(evse_id, "Charging")
    return given


def of_transaction(cp, given: dict, evse_id: int = 1) -> bool:
    return given["evse_id"] == evse_id and given["transaction_id"] == cp.evses[evse_id].transaction_id


async def test_tc_k_53_charging_with_load_leveling_based_on_hlc_success(server, octt201):
    """Charging with load leveling based on High Level Communication – Success: the needs are
    stored and Accepted, a TxProfile within the car's maximum follows, the car's schedule from it
    is Accepted, and no further profile comes without cause."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        given = await iso15118_smart_charging(cp, energy_wh=50000, max_current=16, max_voltage=230)
        assert of_transaction(cp, given)
        assert given["charging_schedule"][0]["charging_schedule_period"][0]["limit"] <= 16
        count = len(sent(cp, "SetChargingProfile"))
        await asyncio.sleep(NO_FURTHER_PROFILE)
        assert len(sent(cp, "SetChargingProfile")) == count
        [session] = await octt201.sessions(api)
        body = (await api.get(f"/api/v1/sessions/{session['id']}/charging-needs/")).json()
        assert body["needs"]["energy_amount_wh"] == 50000
        assert body["schedules"][0]["status"] == "Accepted"
        await cp.stop_transaction(1)


async def test_tc_k_55_charging_with_load_leveling_ev_profile_exceeds_limits(server, octt201):
    """Charging with load leveling – EV charging profile exceeds limits: a schedule asking twice
    the TxProfile is Rejected and the TxProfile goes out again; the car's schedule within it is
    then Accepted."""
    async with octt201.charge_point(server) as cp:
        await cp.start_transaction(1, octt201.valid)
        assert await cp.notify_ev_charging_needs(1, max_schedule_tuples=10) == "Accepted"
        first = await next_tx_profile(cp, 0)
        assert of_transaction(cp, first)
        schedule = first["charging_schedule"][0]
        doubled = schedule | {"charging_schedule_period": [
            p | {"limit": p["limit"] * 2} for p in schedule["charging_schedule_period"]]}
        assert await cp.notify_ev_charging_schedule(1, doubled) == "Rejected"
        await cp.set_charging_state(1, "Charging")
        second = await next_tx_profile(cp, 1)
        assert of_transaction(cp, second)
        assert await cp.notify_ev_charging_schedule(1) == "Accepted"
        await cp.stop_transaction(1)


async def test_tc_k_57_renegotiating_a_charging_schedule_initiated_by_ev(server, octt201):
    """Renegotiating a Charging Schedule – Initiated by EV: new needs, a new TxProfile for the
    transaction, the car's schedule from it Accepted."""
    async with octt201.charge_point(server) as cp:
        await cp.start_transaction(1, octt201.valid)
        await iso15118_smart_charging(cp, energy_wh=30000, max_current=32)
        before = len(tx_profiles(cp))
        assert await cp.notify_ev_charging_needs(1, energy_wh=20000, max_current=20) == "Accepted"
        given = await next_tx_profile(cp, before)
        assert of_transaction(cp, given)
        assert given["charging_schedule"][0]["charging_schedule_period"][0]["limit"] <= 20
        assert await cp.notify_ev_charging_schedule(1) == "Accepted"
        await cp.stop_transaction(1)


async def test_tc_k_58_renegotiating_a_charging_schedule_initiated_by_csms(server, octt201):
    """Renegotiating a Charging Schedule – Initiated by CSMS: the operator's TxProfile (through
    the API) reaches the EVSE for the transaction; the car's schedule within it is Accepted."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        await iso15118_smart_charging(cp)
        before = len(tx_profiles(cp))
        await set_profile(api, octt201, 1, profile(158, purpose="TxProfile", stack=2, limit=10.0,
                                                   kind="Relative"))
        given = await next_tx_profile(cp, before)
        assert of_transaction(cp, given)
        assert await cp.notify_ev_charging_schedule(1) == "Accepted"
        await cp.stop_transaction(1)


async def test_tc_k_59_renegotiating_initiated_by_csms_send_notify_ev_charging_needs(server, octt201):
    """Renegotiating a Charging Schedule – Initiated by CSMS – Send NotifyEVChargingNeeds: after
    the operator's TxProfile the car tells its needs again; the CSMS answers with a TxProfile
    again (the one in force, held to the car's maximum), whose schedule the car keeps to."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        await iso15118_smart_charging(cp)
        await set_profile(api, octt201, 1, profile(159, purpose="TxProfile", stack=2, limit=10.0,
                                                   kind="Relative"))
        before = len(tx_profiles(cp))
        assert await cp.notify_ev_charging_needs(1, max_schedule_tuples=10) == "Accepted"
        given = await next_tx_profile(cp, before)
        assert of_transaction(cp, given)
        assert given["charging_schedule"][0]["charging_schedule_period"][0]["limit"] == 10.0
        assert await cp.notify_ev_charging_schedule(1) == "Accepted"
        await cp.stop_transaction(1)
