"""POST /api/v1/stations/<identity>/trigger/: which variant is sent, the station's answer, errors.
(In process, without a station: tests/fast/stations/test_triggers.py.)"""

from stations.models import OcppMessage
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant


async def test_a_trigger_returns_the_stations_answer_and_the_station_sends_the_message(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/trigger/"
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        response = await api.post(url, json={"requested_message": "Heartbeat"})
        extended = await api.post(url, json={"requested_message": "StatusNotification",
                                             "connector_id": 1, "extended": True})
    assert response.status_code == 200
    assert response.json() == {"action": "TriggerMessage", "requested_message": "Heartbeat",
                               "connector_id": None, "status": "Accepted"}
    assert extended.json()["action"] == "ExtendedTriggerMessage"
    assert extended.json()["status"] == "Accepted"
    assert cp.triggered == ["Heartbeat", "StatusNotification"]
    await eventually(lambda: OcppMessage.objects.filter(
        station=station, direction="in", action="Heartbeat", message_type=2).exists())


async def test_a_message_no_trigger_can_request_is_a_400(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/trigger/"
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        unknown = await api.post(url, json={"requested_message": "Authorize"})
        missing = await api.post(url, json={})
        not_extended = await api.post(url, json={"requested_message": "DiagnosticsStatusNotification",
                                                 "extended": True})
        negative = await api.post(url, json={"requested_message": "Heartbeat", "connector_id": -1})
    assert unknown.status_code == 400 and "requested_message" in unknown.json()
    assert missing.status_code == 400 and "requested_message" in missing.json()
    assert not_extended.status_code == 400 and "requested_message" in not_extended.json()
    assert negative.status_code == 400 and "connector_id" in negative.json()
    assert cp.triggered == []


async def test_another_tenant_gets_a_404_and_the_station_gets_nothing(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, other) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/trigger/",
                                  json={"requested_message": "Heartbeat"})
    assert response.status_code == 404
    assert cp.triggered == []
