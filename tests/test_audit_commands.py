"""Commands to a real charge point in the audit log (docs/audit.md): the API token that asked,
the request, and what the station answered; a station that does not answer is recorded as such
(a CALLERROR with its code: tests/test_commands.py). And a plain write through the real server
(daphne), whose audit context reaches the view's thread. (Without a server: tests/fast/audit/.)"""

from audit.models import AuditEntry
from tests.factories import api_client, charge_point, make_station, make_tenant
from tests.fast.stations.test_commands import command
from tests.test_commands import _raw_station


def command_entries(tenant) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(tenant=tenant, action="command").order_by("id"))


async def test_a_reset_through_the_api_is_recorded_with_the_token_and_the_stations_answer(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("Reset", {"type": "Soft"}))
        assert response.status_code == 200, response.text
        listed = (await api.get("/api/v1/stations/")).status_code
    assert listed == 200
    [entry] = command_entries(tenant)  # written before the API answered
    assert (entry.actor_type, entry.via, entry.method) == ("token", "api", "POST")
    assert entry.actor.startswith("API token")
    assert (entry.station_id, entry.station_identity) == (station.pk, station.identity)
    assert entry.changes == {"request": {"type": "Soft"}}
    assert entry.result == "Accepted"
    assert entry.ip == "127.0.0.1"


async def test_a_remote_start_the_station_rejects_is_recorded_as_rejected(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("RemoteStartTransaction",
                                               {"idTag": "ANY", "connectorId": 9}))
        assert response.status_code == 200, response.text
    [entry] = command_entries(tenant)
    assert entry.result == response.json()["response"]["status"] == "Rejected"


async def test_a_command_the_station_never_answers_is_recorded_as_a_timeout(server):
    tenant = make_tenant()
    station, connection = await _raw_station(server, tenant)
    async with api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("ClearCache"))
    await connection.close()
    assert response.status_code == 504
    [entry] = command_entries(tenant)
    assert (entry.result, entry.actor_type) == ("timeout", "token")


async def test_a_command_to_a_station_not_connected_is_recorded(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    async with api_client(server, tenant) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json=command("Reset", {"type": "Hard"}))
    assert response.status_code == 409
    [entry] = command_entries(tenant)
    assert (entry.result, entry.changes) == ("not_connected", {"request": {"type": "Hard"}})


async def test_a_write_through_the_real_server_is_recorded_with_its_token(server):
    """The context crosses daphne's event loop into the sync view's thread (asgiref copies it)."""
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/id-tags/", json={"id_tag": "LIVE-1"})
    assert created.status_code == 201, created.text
    [entry] = AuditEntry.objects.filter(tenant=tenant)
    assert (entry.action, entry.object_type, entry.actor_type, entry.via, entry.ip) == (
        "create", "stations.idtag", "token", "api", "127.0.0.1")
