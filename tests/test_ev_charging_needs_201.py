"""ISO 15118 charging needs end to end over real WebSockets (docs/smart-charging.md §7): a 2.0.1
car tells its energy and departure, load management gives the urgent car more of the group's cap
(beside 2.0.1 and 1.6 cars without needs), every needs is answered with a TxProfile, the car's
schedule is checked against it, and the API shows what it asked and what it still needs.

With Redis the rebalances run on a real Celery worker (the `celery_worker` fixture); on the
embedded default they run in the server."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from stations.smartcharging.models import ChargingNeeds, EVChargingSchedule
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.test_load_management_201 import limit_of, limits_become, make_group, profiles_sent


def leaving_in(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def test_the_car_leaving_soon_with_much_to_charge_gets_more_of_the_cap(server, celery_worker):
    """32 A for two cars: 16 A each; then one needs 22 kWh in 1.5 h (21.3 A on three phases at
    230 V) and gets it, the other the remaining 10.7 A."""
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs])
        urgent, relaxed = [await stack.enter_async_context(charge_point_201(server, tenant, s, p))
                           for s, p in pairs]
        await urgent.start_transaction(1, tag.id_tag)
        await relaxed.start_transaction(1, tag.id_tag)
        await limits_become({urgent: 16.0, relaxed: 16.0})
        assert await urgent.notify_ev_charging_needs(1, energy_wh=22000,
                                                     departure=leaving_in(1.5)) == "Accepted"
        await limits_become({urgent: 21.3, relaxed: 10.7})
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
        needed = {e["station"]: e["needed_current"] for e in allocation["connectors"]}
        assert needed == {pairs[0][0].identity: "21.3", pairs[1][0].identity: None}
        await urgent.stop_transaction(1)
        await limits_become({relaxed: 32.0})


async def test_needs_are_answered_with_a_tx_profile_even_when_the_share_is_unchanged(
        server, celery_worker):
    """A need the fair share covers changes no limit, yet the EVSE is sent its TxProfile again
    (2.0.1 K15: the CSMS answers needs with a profile), within the car's own maximum."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password) as cp:
        await make_group(api, [station], max_current="20")
        await cp.start_transaction(1, tag.id_tag)
        await limits_become({cp: 20.0})
        before = len(profiles_sent(cp, "TxProfile"))
        await cp.notify_ev_charging_needs(1, energy_wh=5000, departure=leaving_in(8), max_current=32)
        await eventually(lambda: len(profiles_sent(cp, "TxProfile")) > before)
        assert limit_of(cp) == 20.0
        await cp.notify_ev_charging_needs(1, energy_wh=5000, max_current=13)  # a smaller cable
        await limits_become({cp: 13.0})


async def test_a_201_car_with_needs_beside_a_16_station_in_one_group(server, celery_worker):
    """The 1.6 station's car has no needs: it keeps the minimum while the urgent 2.0.1 car
    takes what it needs, and its share comes back when that car leaves."""
    tenant = make_tenant()
    (station, password), (station_16, password_16) = make_station(tenant), make_station(tenant)
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [station, station_16], max_current="32")
        cp = await stack.enter_async_context(charge_point_201(server, tenant, station, password))
        cp16 = await stack.enter_async_context(charge_point(server, tenant, station_16, password_16))
        await cp.start_transaction(1, tag.id_tag)
        await cp16.start_transaction(1, tag.id_tag)
        await limits_become({cp: 16.0, cp16: 16.0})
        await cp.notify_ev_charging_needs(1, energy_wh=40000, departure=leaving_in(2))
        await limits_become({cp: 26.0, cp16: 6.0})  # needs 29 A: what the 1.6 car's 6 A leaves
        await cp.stop_transaction(1)
        await limits_become({cp16: 32.0})


async def test_the_api_shows_what_the_car_asked_and_still_needs_and_its_schedules(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    departure = leaving_in(3).replace(microsecond=0)
    async with api_client(server, tenant) as api, api_client(server, other) as outsider, \
            charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, tag.id_tag)
        await cp.notify_ev_charging_needs(1, energy_wh=30000, departure=departure, max_current=16)
        await eventually(lambda: cp.tx_schedule(1) is not None)
        assert await cp.notify_ev_charging_schedule(1) == "Accepted"
        await cp.meter_values(1, energy_wh=4000, current_a=15.5)
        session_id = ChargingNeeds.objects.get(station=station).session_id

        async def still_needed():
            body = (await api.get(f"/api/v1/sessions/{session_id}/charging-needs/")).json()
            return body if body["energy_still_needed_wh"] == 26000 else None

        body = await eventually(still_needed)
        needs = body["needs"]
        assert (needs["energy_amount_wh"], needs["ev_max_current"]) == (30000, 16)
        assert needs["departure_time"] == departure.isoformat().replace("+00:00", "Z")
        assert body["energy_delivered_wh"] == 4000
        assert [s["status"] for s in body["schedules"]] == ["Accepted"]
        listed = (await api.get(f"/api/v1/stations/{station.identity}/charging-needs/",
                                params={"evse": 1})).json()
        assert [n["id"] for n in listed["results"]] == [needs["id"]]
        bad = await api.get(f"/api/v1/stations/{station.identity}/charging-needs/",
                            params={"evse": "one"})
        assert bad.status_code == 400 and "evse" in bad.json()
        assert (await outsider.get(f"/api/v1/sessions/{session_id}/charging-needs/")).status_code == 404
        assert (await outsider.get(f"/api/v1/stations/{station.identity}/charging-needs/")
                ).status_code == 404


async def test_a_schedule_beyond_the_profile_is_rejected_and_the_profile_sent_again(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, tag.id_tag)
        await cp.notify_ev_charging_needs(1, energy_wh=10000, max_current=16)
        await eventually(lambda: cp.tx_schedule(1) is not None)
        sent = len(profiles_sent(cp, "TxProfile"))
        greedy = {"id": 1, "charging_rate_unit": "W", "charging_schedule_period": [
            {"start_period": 0, "limit": 11040.0, "number_phases": 3},  # 16 A: fine
            {"start_period": 600, "limit": 22080.0, "number_phases": 3}]}  # 32 A: too much
        assert await cp.notify_ev_charging_schedule(1, greedy) == "Rejected"
        await eventually(lambda: len(profiles_sent(cp, "TxProfile")) > sent)
    row = EVChargingSchedule.objects.get(station=station)
    assert row.status == "Rejected" and "600 s asks 32.0 A" in row.reason


async def test_needs_without_a_transaction_are_rejected_and_stored(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.notify_ev_charging_needs(1, energy_wh=10000) == "Rejected"
        assert profiles_sent(cp, "TxProfile") == []
    assert ChargingNeeds.objects.get(station=station).session_id is None


async def test_a_dc_car_asks_what_its_battery_lacks(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    dc = {"ev_max_current": 200, "ev_max_voltage": 800, "ev_energy_capacity": 80000,
          "state_of_charge": 20, "full_soc": 80}
    async with charge_point_201(server, tenant, station, password) as cp:
        await cp.start_transaction(1, tag.id_tag)
        assert await cp.notify_ev_charging_needs(1, transfer="DC", dc=dc) == "Accepted"
        await eventually(lambda: cp.tx_schedule(1) is not None)
    needs = ChargingNeeds.objects.get(station=station)
    assert (needs.energy_amount_wh, needs.state_of_charge) == (48000, 20)


async def test_a_car_that_proposes_schedules_keeps_to_each_profile_it_is_given(server):
    """The simulated car answers every TxProfile with that profile's schedule (as ISO 15118 cars
    renegotiate): the operator's lower TxProfile is accepted as the car's new schedule."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password) as cp:
        cp.propose_schedules = True
        await cp.start_transaction(1, tag.id_tag)
        await cp.notify_ev_charging_needs(1, energy_wh=10000, max_current=16)
        await eventually(lambda: len(cp.ev_schedules) == 1)
        response = await api.post(f"/api/v1/stations/{station.identity}/charging-profiles/", json={
            "connector_id": 1, "charging_profile": {
                "chargingProfileId": 77, "stackLevel": 3, "chargingProfilePurpose": "TxProfile",
                "chargingProfileKind": "Relative", "chargingSchedule": {
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8.0}]}}})
        assert response.status_code == 201, response.text
        await eventually(lambda: len(cp.ev_schedules) == 2)
    assert [status for _, status in cp.ev_schedules] == ["Accepted", "Accepted"]
    assert cp.ev_schedules[-1][0]["charging_schedule_period"][0]["limit"] == 8.0
    checked = EVChargingSchedule.objects.filter(station=station).order_by("received_at", "id")
    assert [row.profile.charging_profile_id for row in checked] == [9001, 77]


async def test_needs_for_evse_0_are_rejected_and_a_cars_nonsense_figures_are_not_taken(server):
    """Found by the 2.0.1 link fuzz: evseId 0 and a negative voltage are schema-valid."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.notify_ev_charging_needs(0, energy_wh=0, min_current=0, max_current=0,
                                                 max_voltage=-1) == "Rejected"
        await cp.start_transaction(1, tag.id_tag)
        assert await cp.notify_ev_charging_needs(1, energy_wh=10000, max_voltage=-1) == "Accepted"
    needs = ChargingNeeds.objects.get(station=station)
    assert (needs.evse_id, needs.energy_amount_wh, needs.ev_max_voltage) == (1, 10000, None)
    assert needs.payload["acChargingParameters"]["evMaxVoltage"] == -1
