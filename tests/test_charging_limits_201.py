"""External charging limits of OCPP 2.0.1 stations, end to end over real WebSockets
(docs/ocpp201.md, "External charging limits"): NotifyChargingLimit is recorded per station, EVSE
and source (a newer one replaces it), ClearedChargingLimit ends it, the API lists them with the
limit in force, and load management never gives an EVSE more than its external limit; clearing
restores its share. A 1.6 station in the same group keeps its own share; another tenant sees
nothing; a ChargingStationExternalConstraints profile is never sent by us (400, the raw
commands/ endpoint too)."""

from contextlib import AsyncExitStack

from stations.smartcharging.models import ExternalChargingLimit
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


def url(station, rest: str = "charging-limits/") -> str:
    return f"/api/v1/stations/{station.identity}/{rest}"


def tx_limit(cp, evse_id: int) -> float | None:
    """The limit of the last TxProfile load management sent to the EVSE."""
    sent = [p for p in profiles_sent(cp, "TxProfile") if p["evse_id"] == evse_id]
    return sent[-1]["charging_schedule"][0]["charging_schedule_period"][0]["limit"] if sent else None


async def test_external_limits_are_recorded_replaced_cleared_and_listed(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password, evses=2) as cp:
        await cp.notify_charging_limit(1, 16.0, source="SO", grid_critical=True)
        await cp.notify_charging_limit(1, 10.0, source="SO", grid_critical=True)  # replaces it
        await cp.notify_charging_limit(0, None, source="EMS")  # the whole station, no schedule
        rows = (await api.get(url(station))).json()["results"]
        assert [(r["evse_id"], r["source"], r["active"], r["ended"]) for r in rows] == [
            (0, "EMS", True, ""), (1, "SO", True, ""), (1, "SO", False, "Replaced")]
        so = rows[1]
        assert so["grid_critical"] is True and so["in_force"] == [
            {"limit": "10.0", "unit": "A", "phases": None}]
        assert so["schedules"][0]["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": 10.0}]
        assert rows[0]["schedules"] == [] and rows[0]["in_force"] == [] and rows[0]["grid_critical"] is None
        await cp.cleared_charging_limit(1, source="SO")
        await cp.cleared_charging_limit(2, source="Other")  # none there: nothing changes
        active = (await api.get(url(station), params={"active": "true"})).json()["results"]
        assert [(r["evse_id"], r["source"]) for r in active] == [(0, "EMS")]
        ended = (await api.get(url(station), params={"active": "false", "evse": 1})).json()["results"]
        assert [r["ended"] for r in ended] == ["Cleared", "Replaced"]
        one = await api.get(url(station, f"charging-limits/{so['id']}/"))
        assert one.json()["ended"] == "Cleared" and one.json()["in_force"] == []
        assert (await api.get(url(station), params={"active": "maybe"})).status_code == 400
        assert (await api.get(url(station), params={"source": "Grid"})).status_code == 400
    other = make_tenant()
    async with api_client(server, other) as api:
        assert (await api.get(url(station))).status_code == 404
        assert (await api.get(url(station, f"charging-limits/{so['id']}/"))).status_code == 404


async def test_a_cleared_limit_without_an_evse_ends_the_sources_limits_everywhere(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp:
        await cp.notify_charging_limit(1, 10.0, source="EMS")
        await cp.notify_charging_limit(2, 12.0, source="EMS")
        await cp.notify_charging_limit(2, 20.0, source="SO")
        await cp.cleared_charging_limit(None, source="EMS")
    active = ExternalChargingLimit.objects.filter(station=station, ended="")
    assert [(r.evse_id, r.source) for r in active] == [(2, "SO")]


async def test_an_external_constraints_profile_is_never_sent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password) as cp:
        response = await api.post(f"/api/v1/stations/{station.identity}/charging-profiles/", json={
            "connector_id": 1, "charging_profile": {
                "chargingProfileId": 5, "stackLevel": 0,
                "chargingProfilePurpose": "ChargingStationExternalConstraints",
                "chargingProfileKind": "Relative", "chargingSchedule": {
                    "chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8}]}}})
        assert response.status_code == 400
        assert "never by the CSMS" in response.json()["charging_profile"][0]
        raw = await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": "SetChargingProfile", "payload": {"evseId": 1, "chargingProfile": {
                "id": 5, "stackLevel": 0, "chargingProfilePurpose": "ChargingStationExternalConstraints",
                "chargingProfileKind": "Relative", "chargingSchedule": [{
                    "id": 5, "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 8}]}]}}})
        assert raw.status_code == 400 and "never by the CSMS" in raw.json()["payload"][0]
        assert [name for name, _ in cp.received if name == "SetChargingProfile"] == []


async def test_a_limit_on_one_evse_lowers_what_load_management_gives_it(server, celery_worker):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password, evses=2) as cp:
        await make_group(api, [station], max_current="32")
        await cp.start_transaction(1, tag.id_tag)
        await cp.start_transaction(2, tag.id_tag)
        await eventually(lambda: (tx_limit(cp, 1), tx_limit(cp, 2)) == (16.0, 16.0))
        await cp.notify_charging_limit(1, 10.0, source="SO", grid_critical=True)
        await eventually(lambda: (tx_limit(cp, 1), tx_limit(cp, 2)) == (10.0, 22.0))
        assert limit_of(cp, 1) == 10.0  # what the station applies
        await cp.cleared_charging_limit(1, source="SO")
        await eventually(lambda: (tx_limit(cp, 1), tx_limit(cp, 2)) == (16.0, 16.0))


async def test_a_station_wide_limit_in_watts_caps_what_its_sessions_share(server, celery_worker):
    """6900 W on EVSE 0 is 10 A per phase at 230 V on three phases, shared by the station's
    sessions; the 1.6 station in the group takes the rest of the cap."""
    tenant = make_tenant()
    (station, password), (station_16, password_16) = make_station(tenant), make_station(tenant)
    tag = make_id_tag(tenant, max_sessions=0)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        await make_group(api, [station, station_16], max_current="40")
        cp = await stack.enter_async_context(charge_point_201(server, tenant, station, password))
        cp16 = await stack.enter_async_context(charge_point(server, tenant, station_16, password_16))
        await cp.notify_charging_limit(0, 6900.0, unit="W", source="EMS")
        await cp.start_transaction(1, tag.id_tag)
        await cp16.start_transaction(1, tag.id_tag)
        await eventually(lambda: tx_limit(cp, 1) == 10.0)
        await limits_become({cp16: 30.0})
        await cp.cleared_charging_limit(0, source="EMS")
        await eventually(lambda: tx_limit(cp, 1) == 20.0)
        await limits_become({cp16: 20.0})
