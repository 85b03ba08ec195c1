"""Dynamic load management end to end: charge points over real WebSockets in a load group get
SetChargingProfile with the limits docs/smart-charging.md's allocation gives, as sessions start and stop,
as cars draw less than they may, and around stations that refuse profiles or are offline.

With Redis the rebalances run on a real Celery worker (the `celery_worker` fixture); on the
embedded default they run in the server."""

import asyncio
import time
from contextlib import AsyncExitStack, asynccontextmanager

from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from loadmgmt.models import Allocation, LimitSent, StationControl
from stations.simulator import SimulatedChargePoint
from stations.simulator.core import utcnow
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant


def limit_of(cp, connector_id: int = 1) -> float | None:
    """The limit in force on the connector now, as the simulated station computes it."""
    schedule = cp.composite_schedule(connector_id, 60, "A")
    return schedule["charging_schedule_period"][0]["limit"] if schedule else None


async def make_group(api, stations, **fields) -> dict:
    body = {"name": "Car park", "max_current": "32", "stations": [s.identity for s in stations]} | fields
    response = await api.post("/api/v1/load-groups/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def limits_become(expected: dict, timeout: float = 15) -> None:
    """Wait until every charge point's limit is the expected one."""
    await eventually(lambda: all(limit_of(cp) == value for cp, value in expected.items()), timeout)


class RecordingChargePoint(SimulatedChargePoint):
    """Appends (time, identity, connector, limit) of every profile it accepts to `log`."""

    log: list = []

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        answer = await super().on_set_charging_profile(connector_id, cs_charging_profiles, **kwargs)
        if answer.status == "Accepted":
            limit = cs_charging_profiles["charging_schedule"]["charging_schedule_period"][0]["limit"]
            self.log.append((time.monotonic(), self.id, connector_id,
                             cs_charging_profiles["charging_profile_purpose"], limit))
        return answer


class RefusingChargePoint(SimulatedChargePoint):
    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        self.received.append(("SetChargingProfile", cs_charging_profiles))
        return call_result.SetChargingProfile(status="Rejected")


def async_not_connected(api, identity: str):
    async def check() -> bool:
        return not (await api.get(f"/api/v1/stations/{identity}/")).json()["connected"]
    return check


async def connected(stack: AsyncExitStack, server, tenant, pairs, cls=SimulatedChargePoint) -> list:
    return [await stack.enter_async_context(charge_point(server, tenant, s, p, cls=cls)) for s, p in pairs]


@asynccontextmanager
async def cars_charging(server, cars: int = 2, cls=SimulatedChargePoint, **group_fields):
    """`cars` charge points of one tenant, in one load group, each with a session started;
    yields (api client, group, charge points, stations)."""
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(cars)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs], **group_fields)
        cps = await connected(stack, server, tenant, pairs, cls=cls)
        for cp in cps:
            await cp.start_transaction(1, tag.id_tag)
        yield api, group, cps, [s for s, _ in pairs]


async def test_cars_share_the_cap_and_the_others_are_raised_when_one_stops(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(3)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs])
        a, b, c = await connected(stack, server, tenant, pairs)
        await limits_become({a: 6.0, b: 6.0, c: 6.0})  # the failsafe default, at boot
        await a.start_transaction(1, tag.id_tag)
        await limits_become({a: 32.0})
        await b.start_transaction(1, tag.id_tag)
        await c.start_transaction(1, tag.id_tag)
        await limits_become({a: 10.6, b: 10.6, c: 10.6})
        await c.stop_transaction(1)
        await limits_become({a: 16.0, b: 16.0})
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
    assert allocation["max_current"] == "32.0"
    assert allocation["allocated_current"] == "32.0"
    steered = {(e["station"], e["limit"]) for e in allocation["connectors"] if e["limit"] is not None}
    assert steered == {(pairs[0][0].identity, "16.0"), (pairs[1][0].identity, "16.0")}
    tx = [p for cp in (a, b) for name, p in cp.received
          if name == "SetChargingProfile" and p["charging_profile_purpose"] == "TxProfile"]
    assert all(p["charging_profile_id"] == 9001 and p["stack_level"] == 1 for p in tx)
    assert all(p["charging_schedule"]["charging_rate_unit"] == "A" for p in tx)


async def test_a_fourth_car_is_paused_and_starts_when_another_leaves(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(4)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [s for s, _ in pairs], max_current="20")
        cps = await connected(stack, server, tenant, pairs)
        await limits_become(dict.fromkeys(cps, 6.0))
        for cp in cps:
            await cp.start_transaction(1, tag.id_tag)
            await asyncio.sleep(0.05)  # arrival order decides who waits
        await limits_become({cps[0]: 6.6, cps[1]: 6.6, cps[2]: 6.6, cps[3]: 0.0})
        await cps[0].stop_transaction(1)
        await limits_become({cps[1]: 6.6, cps[2]: 6.6, cps[3]: 6.6})


async def test_lowered_limits_go_out_before_raised_ones_so_the_cap_holds(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(3)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    RecordingChargePoint.log = log = []
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [s for s, _ in pairs], failsafe_current="0")  # a strict cap
        a, b, c = await connected(stack, server, tenant, pairs, cls=RecordingChargePoint)
        await limits_become({a: 0.0, b: 0.0, c: 0.0})
        for cp in (a, b):
            await cp.start_transaction(1, tag.id_tag)
        await limits_become({a: 16.0, b: 16.0})
        await c.start_transaction(1, tag.id_tag)
        await limits_become({a: 10.6, b: 10.6, c: 10.6})
        await b.stop_transaction(1)
        log.append((time.monotonic(), b.id, 1, "stopped", 0))  # its TxProfile ends with it
        await limits_become({a: 16.0, c: 16.0})
    in_force: dict[str, float] = {}
    for _, identity, _, purpose, limit in sorted(log):
        if purpose in ("TxProfile", "stopped"):
            in_force[identity] = limit
            assert sum(in_force.values()) <= 32.0, log
    assert len([e for e in log if e[3] == "TxProfile"]) >= 6


async def test_a_station_that_rejects_profiles_is_counted_at_its_maximum(server, celery_worker):
    tenant = make_tenant()
    steerable = [make_station(tenant) for _ in range(2)]
    refusing = make_station(tenant)
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in [*steerable, refusing]], max_current="63")
        a, b = await connected(stack, server, tenant, steerable)
        r, = await connected(stack, server, tenant, [refusing], cls=RefusingChargePoint)
        for cp in (a, b, r):
            await cp.start_transaction(1, tag.id_tag)
        # 21.0 each while its refusal may still be the station being slow to read our
        # StartTransaction answer (LOAD_EARLY_REJECTION_SECONDS); then it counts at its 32 A
        await limits_become({a: 15.5, b: 15.5})  # (63 - 32) / 2
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
    assert allocation["reserved"] == {"1": "32.0", "2": "32.0", "3": "32.0"}
    entry = next(e for e in allocation["connectors"] if e["station"] == refusing[0].identity)
    assert entry["steered"] is False and entry["limit"] is None
    rejected = LimitSent.objects.filter(station=refusing[0], purpose="TxProfile", status="Rejected")
    assert rejected.count() == 1  # recorded once, after the retries
    assert StationControl.objects.get(station=refusing[0]).controllable is False
    tries = [p for name, p in r.received if name == "SetChargingProfile"
             and p["charging_profile_purpose"] == "TxProfile"]
    assert len(tries) >= 2


async def test_a_car_drawing_less_than_its_limit_gives_the_spare_to_the_others(server, celery_worker):
    async with cars_charging(server) as (_, _, (a, b), _):
        await limits_become({a: 16.0, b: 16.0})
        for _ in range(3):  # the car on `a` takes 8 A of its 16 A, interval after interval
            await a.meter_values(1, 100, power_w=5500.0, current_a=8.0)
            await b.meter_values(1, 200, current_a=limit_of(b))
            await asyncio.sleep(0.4)
        await limits_become({a: 8.8, b: 23.2})  # held at 8 A x 1.1, the rest to `b`
        await b.meter_values(1, 200, current_a=23.2)
        await a.meter_values(1, 100, current_a=8.8)  # it takes all it may again: its share comes back
        await limits_become({a: 16.0, b: 16.0})
        for _ in range(2):
            await a.meter_values(1, 100, current_a=16.0)
            await b.meter_values(1, 100, current_a=16.0)
            await asyncio.sleep(0.4)
        await asyncio.sleep(1)
        assert (limit_of(a), limit_of(b)) == (16.0, 16.0)


async def test_an_offline_station_is_counted_at_its_last_limit(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(3)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs], max_current="40")
        a, b = await connected(stack, server, tenant, pairs[:2])
        async with charge_point(server, tenant, *pairs[2]) as c:
            for cp in (a, b, c):
                await cp.start_transaction(1, tag.id_tag)
            await limits_become({a: 13.3, b: 13.3, c: 13.3})
        # `c` lost its link mid-session: it keeps charging at 13.3 A, so the others cannot rise
        await eventually(async_not_connected(api, pairs[2][0].identity))
        await api.post(f"/api/v1/load-groups/{group['id']}/rebalance/")
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
        assert allocation["reserved"]["1"] == "13.3"
        assert limit_of(a) == 13.3 and limit_of(b) == 13.3


async def test_a_base_load_pushed_through_the_api_comes_off_the_cap(server, celery_worker):
    async with cars_charging(server, max_current="40", base_load_source="api",
                             base_load_current="10") as (api, group, (a, b), _):
        await limits_become({a: 15.0, b: 15.0})  # the fixed base load, no measurement yet
        pushed = await api.post(f"/api/v1/load-groups/{group['id']}/base-load/",
                                json={"currents": {"1": "4", "2": "8", "3": "2"}})
        assert pushed.status_code == 200, pushed.text
        await limits_become({a: 16.0, b: 16.0})  # the busiest phase, L2, leaves 32 A


async def test_allocations_and_profiles_sent_are_recorded(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant)]
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs])
        a, = await connected(stack, server, tenant, pairs)
        await a.start_transaction(1, tag.id_tag)
        await limits_become({a: 32.0})
    sent = LimitSent.objects.filter(station=pairs[0][0]).order_by("sent_at")
    # With Redis the worker records the answer after the station has it: wait for the record
    await eventually(lambda: sent.filter(purpose="TxProfile", status="Accepted").exists())
    assert [(s.purpose, s.connector_id, str(s.limit), s.status) for s in sent][-1] == \
        ("TxProfile", 1, "32.0", "Accepted")
    assert sent.filter(purpose="TxDefaultProfile", connector_id=0, status="Accepted").exists()
    assert all(s.profile_id is not None for s in sent)
    # Recorded: the allocation that gave the limit (the connect and the start may make one
    # rebalance or two, as the debounce falls), with the TxProfile's row pointing at it.
    tx_profile = sent.filter(purpose="TxProfile", status="Accepted").last()
    allocation = Allocation.objects.get(group_id=group["id"], pk=tx_profile.allocation_id)
    assert [c["limit"] for c in allocation.connectors if c["connector_id"] == 1] == ["32.0"]


async def send_currents(cp, connector_id: int, per_phase: dict[str, float]) -> None:
    """A MeterValues with Current.Import per phase (e.g. a single-phase car on L1)."""
    sampled = [{"value": f"{amps:.1f}", "measurand": "Current.Import", "unit": "A", "phase": phase}
               for phase, amps in per_phase.items()]
    transaction_id = cp.connectors[connector_id].transaction_id if connector_id else None
    await cp.call(call.MeterValues(connector_id=connector_id, transaction_id=transaction_id,
                                   meter_value=[{"timestamp": utcnow(), "sampledValue": sampled}]))


async def test_single_phase_cars_on_different_phases_each_get_the_whole_cap(server, celery_worker):
    async with cars_charging(server, max_current="16") as (api, group, (a, b), _):
        await limits_become({a: 8.0, b: 8.0})  # three-phase until the meters tell otherwise
        await send_currents(a, 1, {"L1": 8.0, "L2": 0.0, "L3": 0.0})
        await send_currents(b, 1, {"L1": 0.0, "L2": 8.0, "L3": 0.0})
        await limits_become({a: 16.0, b: 16.0})
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
    assert sorted(e["phases"] for e in allocation["connectors"]) == [[1], [2]]


async def test_an_id_tag_with_priority_is_served_before_earlier_arrivals(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    plain, fleet = make_id_tag(tenant), make_id_tag(tenant, priority=5)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [s for s, _ in pairs], max_current="10")
        early, late = await connected(stack, server, tenant, pairs)
        await early.start_transaction(1, plain.id_tag)
        await limits_become({early: 10.0})
        await late.start_transaction(1, fleet.id_tag)
        await limits_become({early: 0.0, late: 10.0})


async def test_a_building_meter_on_connector_0_is_the_base_load(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    meter, meter_password = make_station(tenant, identity=f"METER-{tenant.pk}")
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for every car
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        created = await api.post("/api/v1/load-groups/", json={
            "name": "Site", "max_current": "40", "stations": [s.identity for s, _ in pairs],
            "base_load_source": "meter", "base_load_meter": meter.identity})
        assert created.status_code == 201, created.text
        a, b = await connected(stack, server, tenant, pairs)
        m, = await connected(stack, server, tenant, [(meter, meter_password)])
        for cp in (a, b):
            await cp.start_transaction(1, tag.id_tag)
        await limits_become({a: 20.0, b: 20.0})
        await send_currents(m, 0, {"L1": 10.0, "L2": 4.0, "L3": 6.0})
        await limits_become({a: 15.0, b: 15.0})  # L1 carries 10 A of the building
        await send_currents(m, 0, {"L1": 2.0, "L2": 2.0, "L3": 2.0})
        await limits_become({a: 19.0, b: 19.0})


class NoDefaultChargePoint(SimulatedChargePoint):
    """Takes a TxProfile but no TxDefaultProfile on connector 0 (seen on real stations)."""

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        if cs_charging_profiles["charging_profile_purpose"] == "TxDefaultProfile":
            return call_result.SetChargingProfile(status="Rejected")
        return await super().on_set_charging_profile(connector_id, cs_charging_profiles, **kwargs)


async def test_a_station_that_takes_no_default_profile_is_still_steered(server, celery_worker):
    async with cars_charging(server, cls=NoDefaultChargePoint) as (_, _, (a, b), stations):
        await limits_become({a: 16.0, b: 16.0})
    assert not StationControl.objects.filter(station__in=stations, controllable=False).exists()


class WattsOnlyChargePoint(SimulatedChargePoint):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration["ChargingScheduleAllowedChargingRateUnit"] = "Power"


async def test_a_station_that_takes_watts_gets_its_limits_in_watts(server, celery_worker):
    async with cars_charging(server, cls=WattsOnlyChargePoint) as (_, _, (a, b), _):
        await limits_become({a: 16.0, b: 16.0})
    tx = [p for name, p in a.received if name == "SetChargingProfile"
          and p["charging_profile_purpose"] == "TxProfile"][-1]
    assert tx["charging_schedule"]["charging_rate_unit"] == "W"
    assert tx["charging_schedule"]["charging_schedule_period"][0]["limit"] == 11040.0  # 16 A x 230 V x 3


class SlowReaderChargePoint(SimulatedChargePoint):
    """Takes a moment to read the StartTransaction answer: a TxProfile sent right after it is
    rejected, as real stations do."""

    async def start_transaction(self, connector_id: int, id_tag: str):
        result = await super().start_transaction(connector_id, id_tag)
        self.connectors[connector_id].transaction_id = None
        asyncio.get_running_loop().call_later(
            0.5, lambda: setattr(self.connectors[connector_id], "transaction_id", result.transaction_id))
        return result


async def test_a_profile_rejected_just_after_the_start_is_sent_again(server, celery_worker):
    async with cars_charging(server, cls=SlowReaderChargePoint) as (_, _, (a, b), stations):
        await limits_become({a: 16.0, b: 16.0})
    assert not StationControl.objects.filter(station__in=stations, controllable=False).exists()
    assert not LimitSent.objects.filter(station__in=stations, status="Rejected").exists()