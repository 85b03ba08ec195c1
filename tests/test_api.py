"""The REST API against the real server where a station or the served pages take part: a created
station's password connects, a changed or deleted one no longer does, a real session and the station's
messages read back, the OpenAPI schema and docs (the rest: tests/fast/stations/test_api.py)."""

from datetime import datetime

import httpx
from websockets.exceptions import InvalidStatus

from stations.models import Station
from stations.simulator import connect
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


async def _refused(server, tenant, identity: str, password: str) -> bool:
    try:
        connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", identity, password)
    except InvalidStatus:
        return True
    await connection.close()
    return False


# Stations ------------------------------------------------------------------------------------


async def test_creating_a_station_returns_its_generated_password_once(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/stations/", json={"identity": "NEW-1", "name": "Yard"})
        fetched = (await api.get("/api/v1/stations/NEW-1/")).json()
        listed = (await api.get("/api/v1/stations/")).json()
    assert created.status_code == 201
    body = created.json()
    assert len(body["password"]) >= 16
    assert body["ocpp_url"].endswith(f"/ocpp/{tenant.slug}/NEW-1")
    assert body["name"] == "Yard"
    assert body["timezone"] == "UTC"
    assert "password" not in fetched
    assert all("password" not in s for s in listed["results"])
    assert fetched["connected"] is False
    async with charge_point(server, tenant, Station(identity="NEW-1"), body["password"]) as cp:
        await cp.status(1, "Available")


async def test_a_station_created_with_a_password_connects_with_it(server):
    tenant = make_tenant()
    password = "chosen-by-installer-0123"
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/stations/",
                                 json={"identity": "OWN-PW", "password": password})
        assert created.status_code == 201
        assert created.json()["password"] == password
        station = Station(identity="OWN-PW")
        async with charge_point(server, tenant, station, password):
            body = (await api.get("/api/v1/stations/OWN-PW/")).json()
    assert body["connected"] is True
    assert body["vendor"] == "Simulator"
    assert await _refused(server, tenant, "OWN-PW", "some-other-password-000")


async def test_patch_changes_name_timezone_and_enabled(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "EDIT")
    async with api_client(server, tenant) as api:
        response = await api.patch("/api/v1/stations/EDIT/", json={
            "name": "Garage", "timezone": "Europe/Berlin", "enabled": False})
        body = (await api.get("/api/v1/stations/EDIT/")).json()
    assert response.status_code == 200
    assert "password" not in response.json()
    assert (body["name"], body["timezone"], body["enabled"]) == ("Garage", "Europe/Berlin", False)
    assert await _refused(server, tenant, "EDIT", password)


async def test_patching_the_password_replaces_the_old_one(server):
    tenant = make_tenant()
    station, old = make_station(tenant, "ROTATE")
    new = "a-brand-new-password-42"
    async with api_client(server, tenant) as api:
        response = await api.patch("/api/v1/stations/ROTATE/", json={"password": new})
    assert response.status_code == 200
    assert "password" not in response.json()
    assert await _refused(server, tenant, "ROTATE", old)
    assert not await _refused(server, tenant, "ROTATE", new)


async def test_delete_removes_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "GONE")
    async with api_client(server, tenant) as api:
        deleted = await api.delete("/api/v1/stations/GONE/")
        fetched = await api.get("/api/v1/stations/GONE/")
    assert deleted.status_code == 204
    assert fetched.status_code == 404
    assert await _refused(server, tenant, "GONE", password)


async def test_a_real_charging_session_appears_in_the_api(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "REAL")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "REAL")
        await cp.meter_values(1, 2500)
        await cp.stop_transaction(1)
    async with api_client(server, tenant) as api:
        body = (await api.get("/api/v1/sessions/", params={"id_tag": "REAL"})).json()
    assert body["count"] == 1
    session = body["results"][0]
    assert session["transaction_id"] == start.transaction_id
    assert session["station"] == station.identity
    assert session["energy_wh"] == 2500
    assert session["stopped_at"] is not None


# Messages and schema -------------------------------------------------------------------------

async def test_station_messages_are_listed_newest_first(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Available")
    async with api_client(server, tenant) as api:
        async def all_four():
            body = (await api.get(f"/api/v1/stations/{station.identity}/messages/")).json()
            return body if body["count"] >= 4 else None

        body = await eventually(all_four)
    frames = body["results"]
    assert body["count"] == 4
    assert {"direction", "message_type", "action", "unique_id", "payload",
            "created_at"} <= set(frames[0])
    assert [(f["direction"], f["message_type"], f["action"]) for f in frames] == [
        ("out", 3, "StatusNotification"), ("in", 2, "StatusNotification"),
        ("out", 3, "BootNotification"), ("in", 2, "BootNotification"),
    ]
    assert frames[0]["unique_id"] == frames[1]["unique_id"]
    assert frames[1]["payload"]["status"] == "Available"
    assert frames[3]["payload"]["chargePointVendor"] == "Simulator"
    stamps = [datetime.fromisoformat(f["created_at"]) for f in frames]
    assert stamps == sorted(stamps, reverse=True)


async def test_the_openapi_schema_and_docs_are_served(server):
    async with httpx.AsyncClient(base_url=server.http) as http:
        schema = await http.get("/api/schema/", params={"format": "json"})
        docs = await http.get("/api/docs/")
        start = await http.get("/api/docs/", params={"script": ""})  # Swagger UI's start script
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/stations/" in paths
    assert "/api/v1/stations/{identity}/commands/" in paths
    assert "/api/v1/sessions/" in paths
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "/api/docs/?script" in docs.text
    assert "/api/schema/" in start.text
