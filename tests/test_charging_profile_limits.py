"""Smart charging input bounded by what a station and the database hold."""

from stations.smartcharging.models import ChargingProfile
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_charging_profiles import profile, url


async def test_numbers_beyond_what_a_station_holds_are_refused_with_a_reason(server):
    """OCPP integers are 32-bit and limits have 8 digits before the point: a bigger number is a
    400 naming the field, never a 500 from the database."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "TAG-BIG")
    huge = 2**64
    tx = {"purpose": "TxProfile"}
    bodies = {
        "charging-profiles/": [
            {"connector_id": 0, "charging_profile": profile(2**31)},
            {"connector_id": 0, "charging_profile": profile(stack=2**40)},
            {"connector_id": 0, "charging_profile": profile(limit=1e12)},
            {"connector_id": 0, "charging_profile": profile(periods=[{"startPeriod": 0, "limit": 6.0},
                                                                      {"startPeriod": huge, "limit": 8.0}])},
            {"connector_id": huge, "charging_profile": profile()}],
        "charging-profiles/clear/": [{"id": huge}, {"connector_id": huge}, {"stack_level": huge}],
        "remote-start/": [{"id_tag": "TAG-BIG", "connector_id": huge, "charging_profile": profile(**tx)},
                          {"id_tag": "TAG-BIG", "connector_id": 1,
                           "charging_profile": profile(limit=1e12, **tx)}],
    }
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answers = [(rest, body, await api.post(url(station, rest), json=body))
                   for rest, cases in bodies.items() for body in cases]
        composite = await api.get(url(station, f"composite-schedule/?connector_id={huge}&duration=60"))
    for rest, body, response in answers:
        assert response.status_code == 400, (rest, body, response.text[:300])
        assert set(response.json()) & {"charging_profile", "connector_id", "id", "stack_level"}
    assert composite.status_code == 400 and "connector_id" in composite.json()
    assert not any(action in ("SetChargingProfile", "ClearChargingProfile", "RemoteStartTransaction")
                   for action, _ in cp.received)
    assert not ChargingProfile.objects.filter(station=station).exists()
