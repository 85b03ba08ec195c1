"""Availability of an OCPP 2.0.1 station over a real WebSocket (the simulated 2.0.1 station):
ChangeAvailability for the whole station, one EVSE or one connector of an EVSE, from the
dashboard and the API, Scheduled while a transaction runs there, and the StatusNotifications
per EVSE and connector that follow stored as the connectors' statuses (docs/api.md, OCPP 2.0.1
stations). A 1.6 station cannot be asked for a connector within an EVSE."""

import asyncio

from stations.models import ChargingSession, OcppMessage, StatusEvent
from stations.services.evses import connector_of_evse
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


async def _sent(station, action: str, count: int) -> list[dict]:
    def logged():
        rows = list(OcppMessage.objects.filter(station=station, direction="out", action=action,
                                                message_type=2)
                    .order_by("created_at", "id").values_list("payload", flat=True))
        return rows if len(rows) >= count else None
    return await eventually(logged)


async def _status(station, evse_id: int, connector: int, status: str):
    number = connector_of_evse(evse_id, connector)
    return await eventually(lambda: StatusEvent.objects.filter(
        station_id=station.pk, evse_id=evse_id, connector_id=number, status=status).exists())


async def test_the_station_an_evse_and_a_connector_are_taken_out_of_service_and_back(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = f"/stations/{station.identity}/availability/"
    try:
        async with charge_point_201(server, tenant, station, password, evses=2,
                                    connectors_per_evse=2) as cp:
            station_off = await post(http, base, {"connector_id": "0", "type": "Inoperative"})
            await _status(station, 2, 2, "Unavailable")
            station_on = await post(http, base, {"connector_id": "0", "type": "Operative"})
            evse_off = await post(http, base, {"connector_id": "2", "type": "Inoperative"})
            await _status(station, 2, 1, "Unavailable")
            evse_on = await post(http, base, {"connector_id": "2", "type": "Operative"})
            connector_off = await post(http, base, {"connector_id": "1", "evse_connector_id": "2",
                                                    "type": "Inoperative"})
            await _status(station, 1, 2, "Unavailable")
            connector_on = await post(http, base, {"connector_id": "1", "evse_connector_id": "2",
                                                   "type": "Operative"})
            await cp.settle()
            await _status(station, 1, 2, "Available")
    finally:
        await http.aclose()
    answers = (station_off, station_on, evse_off, evse_on, connector_off, connector_on)
    assert all("Accepted" in r.text for r in answers)
    assert await _sent(station, "ChangeAvailability", 6) == [
        {"operationalStatus": "Inoperative"}, {"operationalStatus": "Operative"},
        {"operationalStatus": "Inoperative", "evse": {"id": 2}},
        {"operationalStatus": "Operative", "evse": {"id": 2}},
        {"operationalStatus": "Inoperative", "evse": {"id": 1, "connectorId": 2}},
        {"operationalStatus": "Operative", "evse": {"id": 1, "connectorId": 2}}]


async def test_a_change_where_a_transaction_runs_is_scheduled_until_it_ends(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "TAG-AVAIL")
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        await cp.start_transaction(1, "TAG-AVAIL")
        session = await eventually(lambda: ChargingSession.objects.filter(
            station=station, stopped_at__isnull=True).first())
        url = f"/api/v1/stations/{station.identity}/commands/"
        evse = await api.post(url, json={"action": "ChangeAvailability", "payload": {
            "operationalStatus": "Inoperative", "evse": {"id": 1}}})
        whole = await api.post(url, json={"action": "ChangeAvailability", "payload": {
            "operationalStatus": "Inoperative"}})
        await cp.stop_transaction(1)
        await cp.settle()
        await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at)
        await _status(station, 1, 1, "Unavailable")
    assert evse.json()["response"]["status"] == "Scheduled"
    assert whole.json()["response"]["status"] == "Scheduled"


async def test_a_connector_within_an_evse_is_refused_for_a_1_6_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        async with charge_point(server, tenant, station, password):
            refused = await post(http, f"/stations/{station.identity}/availability/",
                                 {"connector_id": "1", "evse_connector_id": "2",
                                  "type": "Inoperative"})
            reset = await post(http, f"/stations/{station.identity}/reset/",
                               {"type": "Soft", "evse_id": "1"})
    finally:
        await http.aclose()
    assert "one connector per EVSE" in refused.text
    assert "resets the whole station" in reset.text
    assert not await asyncio.to_thread(lambda: OcppMessage.objects.filter(
        station=station, direction="out", action__in=["ChangeAvailability", "Reset"]).exists())
