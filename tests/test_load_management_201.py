"""Load management for OCPP 2.0.1 stations, end to end over real WebSockets
(docs/smart-charging.md, "OCPP 2.0.1"): a 2.0.1 station in a load group gets the failsafe as a
TxDefaultProfile on EVSE 0 at boot, a TxProfile bound to the station's string transactionId when
its session starts (from TransactionEvent), sent again as the group is rebalanced; a TxProfile
rejected right after the start is sent again; leaving the group clears our profiles.

With Redis the rebalances run on a real Celery worker (the `celery_worker` fixture); on the
embedded default they run in the server."""

import asyncio
from contextlib import AsyncExitStack

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from loadmgmt.models import LimitSent, StationControl
from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.device_model import ro
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def limit_of(cp, evse_id: int = 1) -> float | None:
    """The limit in force on the EVSE now, as the simulated station computes it."""
    schedule = cp.composite_schedule(evse_id, 60, "A")
    return schedule["charging_schedule_period"][0]["limit"] if schedule else None


async def limits_become(expected: dict, timeout: float = 15) -> None:
    await eventually(lambda: all(limit_of(cp) == value for cp, value in expected.items()), timeout)


async def make_group(api, stations, **fields) -> dict:
    body = {"name": "Car park", "max_current": "32", "stations": [s.identity for s in stations]} | fields
    response = await api.post("/api/v1/load-groups/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def profiles_sent(cp, purpose: str) -> list[dict]:
    return [p for name, p in cp.received
            if name == "SetChargingProfile" and p["charging_profile_purpose"] == purpose]


async def test_201_stations_share_the_cap_with_tx_profiles_bound_to_their_transactions(
        server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs])
        a, b = [await stack.enter_async_context(charge_point_201(server, tenant, s, p))
                for s, p in pairs]
        await limits_become({a: 6.0, b: 6.0})  # the failsafe, at boot
        [failsafe] = profiles_sent(a, "TxDefaultProfile")[-1:]
        assert failsafe["evse_id"] == 0 and failsafe["id"] == 9000
        assert failsafe["charging_profile_kind"] == "Relative"
        assert failsafe["charging_schedule"][0]["charging_rate_unit"] == "A"
        await a.start_transaction(1, tag.id_tag)
        await limits_become({a: 32.0})
        await b.start_transaction(1, tag.id_tag)
        await limits_become({a: 16.0, b: 16.0})
        tx = profiles_sent(b, "TxProfile")[-1]
        assert tx["evse_id"] == 1 and tx["id"] == 9001 and tx["stack_level"] == 1
        assert tx["transaction_id"] == b.evses[1].transaction_id  # the station's string
        await b.stop_transaction(1)
        await limits_become({a: 32.0})
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
    steered = {e["station"]: e for e in allocation["connectors"] if e["limit"] is not None}
    assert steered[pairs[0][0].identity]["limit"] == "32.0"
    assert steered[pairs[0][0].identity]["station_transaction_id"] == a.evses[1].transaction_id
    sent = LimitSent.objects.filter(station=pairs[0][0], purpose="TxProfile").first()
    assert sent.station_transaction_id == a.evses[1].transaction_id and sent.transaction_id is None


class FirstTxProfileRejected(SimulatedChargePoint201):
    """Rejects the first TxProfile of each transaction, as a station that has not yet taken in
    its own transaction does."""

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, evse_id, charging_profile, **kwargs):
        transaction_id = charging_profile.get("transaction_id")
        seen = self.__dict__.setdefault("rejected_once", set())
        if charging_profile["charging_profile_purpose"] == "TxProfile" and transaction_id not in seen:
            seen.add(transaction_id)
            self.received.append(("SetChargingProfile", {"evse_id": evse_id, **charging_profile}))
            return call_result.SetChargingProfile(status="Rejected")
        return await super().on_set_charging_profile(evse_id, charging_profile, **kwargs)


async def test_a_tx_profile_rejected_right_after_the_start_is_sent_again(server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password, cls=FirstTxProfileRejected) as cp:
        await make_group(api, [station], max_current="20")
        await limits_become({cp: 6.0})
        await cp.start_transaction(1, tag.id_tag)
        await limits_become({cp: 20.0})

        def recorded() -> list[str]:  # with Redis, the worker records it after the answer
            statuses = list(LimitSent.objects.filter(station=station, purpose="TxProfile")
                            .order_by("sent_at", "id").values_list("status", flat=True))
            return statuses if statuses and statuses[-1] == "Accepted" else []

        assert await eventually(recorded)
    assert len(profiles_sent(cp, "TxProfile")) >= 2


async def test_leaving_the_group_clears_our_profiles_from_a_201_station(server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password) as cp:
        group = await make_group(api, [station], max_current="20")
        await cp.start_transaction(1, tag.id_tag)
        await limits_become({cp: 20.0})
        response = await api.patch(f"/api/v1/load-groups/{group['id']}/", json={"stations": []})
        assert response.status_code == 200, response.text
        await eventually(lambda: limit_of(cp) is None)
    clears = [p for name, p in cp.received if name == "ClearChargingProfile"]
    assert {c["charging_profile_purpose"] for c in clears} == {"TxProfile", "TxDefaultProfile"}
    assert all(c["stack_level"] == 1 and c["charging_profile_id"] is None for c in clears)


class WattsOnly(SimulatedChargePoint201):
    """Takes limits in watts only: SmartChargingCtrlr.RateUnit is "W"."""

    def initial_device_model(self):
        model = super().initial_device_model()
        model[("SmartChargingCtrlr", None, None, None, "RateUnit", None)] = ro("W", "MemberList", "A,W")
        return model


async def test_a_201_station_that_takes_watts_only_gets_its_limits_in_watts(server, celery_worker):
    """The rate unit is read from SmartChargingCtrlr.RateUnit (GetVariables), as 1.6's
    ChargingScheduleAllowedChargingRateUnit (docs/smart-charging.md §5)."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password, cls=WattsOnly) as cp:
        await make_group(api, [station], max_current="16")
        await eventually(lambda: profiles_sent(cp, "TxDefaultProfile"))
        await cp.start_transaction(1, tag.id_tag)
        await eventually(lambda: profiles_sent(cp, "TxProfile"))
    [failsafe] = profiles_sent(cp, "TxDefaultProfile")
    [schedule] = failsafe["charging_schedule"]
    assert schedule["charging_rate_unit"] == "W"
    assert schedule["charging_schedule_period"][0]["limit"] == 6 * 230 * 3
    [schedule] = profiles_sent(cp, "TxProfile")[-1]["charging_schedule"]
    assert (schedule["charging_rate_unit"], schedule["charging_schedule_period"][0]["limit"]) == (
        "W", 16 * 230 * 3)
    assert StationControl.objects.get(station=station).rate_units == "Power"


async def test_a_201_car_drawing_less_gives_the_spare_to_a_16_car(server, celery_worker):
    """What a 2.0.1 car draws comes from its TransactionEvent meter values: drawing clearly less
    than its limit for two intervals, it is held near its draw and the spare goes to the other
    car (docs/smart-charging.md §3 step 4), here a 1.6 one."""
    tenant = make_tenant()
    (station_201, password_201), (station_16, password_16) = make_station(tenant), make_station(tenant)
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [station_201, station_16])
        a = await stack.enter_async_context(charge_point_201(server, tenant, station_201, password_201))
        b = await stack.enter_async_context(charge_point(server, tenant, station_16, password_16))
        await a.start_transaction(1, tag.id_tag)
        await b.start_transaction(1, tag.id_tag)
        await limits_become({a: 16.0, b: 16.0})
        for _ in range(3):  # the 2.0.1 car takes 8 A of its 16 A, interval after interval
            await a.meter_values(1, 100, power_w=5500.0, current_a=8.0)
            await b.meter_values(1, 200, current_a=limit_of(b))  # takes all it may
            await asyncio.sleep(0.4)
        await limits_become({a: 8.8, b: 23.2})  # held at 8 A x 1.1, the rest to the 1.6 car
