"""The REST API against the real server: tokens, tenancy, the station, id tag, session and
message resources, and the OpenAPI schema."""

from datetime import UTC, datetime

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from stations.models import Station
from stations.services.transactions import transaction_start, transaction_stop
from stations.simulator import connect
from tenants.services import api_token_create
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def _start_session(station, *, id_tag: str, at: str, meter_start: int = 0) -> int:
    transaction_id, _ = transaction_start(
        station=station,
        payload={"connectorId": 1, "idTag": id_tag, "meterStart": meter_start, "timestamp": at},
        received_at=datetime.now(tz=UTC),
    )
    return transaction_id


def _stop_session(station, transaction_id: int, *, meter_stop: int, at: str) -> None:
    transaction_stop(
        station=station,
        payload={"transactionId": transaction_id, "meterStop": meter_stop, "timestamp": at},
        received_at=datetime.now(tz=UTC),
    )


async def _refused(server, tenant, identity: str, password: str) -> bool:
    try:
        connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", identity, password)
    except InvalidStatus:
        return True
    await connection.close()
    return False


# Tokens --------------------------------------------------------------------------------------

async def test_a_request_without_a_token_is_a_401(server):
    async with httpx.AsyncClient(base_url=server.http) as http:
        response = await http.get("/api/v1/stations/")
    assert response.status_code == 401


async def test_a_request_with_a_bad_token_is_a_401(server):
    headers = {"Authorization": "Token not-a-real-key"}
    async with httpx.AsyncClient(base_url=server.http, headers=headers) as http:
        response = await http.get("/api/v1/stations/")
    assert response.status_code == 401


async def test_a_revoked_token_is_a_401(server):
    token, key = api_token_create(tenant=make_tenant())
    token.revoked = True
    token.save(update_fields=["revoked"])
    headers = {"Authorization": f"Token {key}"}
    async with httpx.AsyncClient(base_url=server.http, headers=headers) as http:
        response = await http.get("/api/v1/stations/")
    assert response.status_code == 401


# Tenancy -------------------------------------------------------------------------------------

@pytest.fixture
def two_tenants():
    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    station, _ = make_station(theirs)
    make_id_tag(theirs, "THEIRTAG")
    transaction_id = _start_session(station, id_tag="THEIRTAG", at="2024-03-01T10:00:00Z")
    session = station.sessions.get(transaction_id=transaction_id)
    return mine, theirs, station, session


async def test_another_tenants_station_is_a_404(server, two_tenants):
    mine, _, station, _ = two_tenants
    async with api_client(server, mine) as api:
        url = f"/api/v1/stations/{station.identity}/"
        assert (await api.get(url)).status_code == 404
        assert (await api.patch(url, json={"name": "Mine now"})).status_code == 404
        assert (await api.delete(url)).status_code == 404
        listed = (await api.get("/api/v1/stations/")).json()
    assert listed["count"] == 0
    assert await Station.objects.filter(pk=station.pk, name="").aexists()


async def test_another_tenants_id_tag_is_a_404(server, two_tenants):
    mine = two_tenants[0]
    async with api_client(server, mine) as api:
        assert (await api.get("/api/v1/id-tags/THEIRTAG/")).status_code == 404
        assert (await api.patch("/api/v1/id-tags/THEIRTAG/",
                                json={"status": "Blocked"})).status_code == 404
        assert (await api.delete("/api/v1/id-tags/THEIRTAG/")).status_code == 404
        assert (await api.get("/api/v1/id-tags/")).json()["count"] == 0


async def test_another_tenants_session_is_a_404(server, two_tenants):
    mine, _, _, session = two_tenants
    async with api_client(server, mine) as api:
        assert (await api.get(f"/api/v1/sessions/{session.pk}/")).status_code == 404
        assert (await api.get("/api/v1/sessions/")).json()["count"] == 0


async def test_another_tenants_station_messages_are_a_404(server, two_tenants):
    mine, _, station, _ = two_tenants
    async with api_client(server, mine) as api:
        response = await api.get(f"/api/v1/stations/{station.identity}/messages/")
    assert response.status_code == 404


async def test_a_command_to_another_tenants_station_is_a_404(server, two_tenants):
    mine, _, station, _ = two_tenants
    async with api_client(server, mine) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json={"action": "Reset", "payload": {"type": "Soft"}})
    assert response.status_code == 404


async def test_the_same_identity_in_two_tenants_is_two_stations(server, two_tenants):
    mine, theirs, station, _ = two_tenants
    make_station(mine, station.identity, name="Our own")
    async with api_client(server, mine) as api:
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert body["name"] == "Our own"


# Stations ------------------------------------------------------------------------------------

async def test_lists_are_paginated(server):
    tenant = make_tenant()
    for n in range(3):
        make_station(tenant, f"PAGE-{n}")
    async with api_client(server, tenant) as api:
        first = (await api.get("/api/v1/stations/", params={"limit": 2})).json()
        second = (await api.get(first["next"])).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 3
    assert first["previous"] is None
    assert [s["identity"] for s in first["results"]] == ["PAGE-0", "PAGE-1"]
    assert second["next"] is None
    assert second["previous"] is not None
    assert [s["identity"] for s in second["results"]] == ["PAGE-2"]


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


async def test_two_created_stations_get_different_passwords(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        one = (await api.post("/api/v1/stations/", json={"identity": "A"})).json()
        two = (await api.post("/api/v1/stations/", json={"identity": "B"})).json()
    assert one["password"] != two["password"]


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


async def test_a_short_password_is_a_400(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        response = await api.post("/api/v1/stations/", json={"identity": "S", "password": "short"})
    assert response.status_code == 400
    assert "password" in response.json()


async def test_a_password_a_station_cannot_send_in_basic_auth_is_a_400(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/stations/", json={"identity": "S2",
                                                            "password": "with:colon-0123456789"})
        patched = await api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"password": "not ascii é 0123456789"})
    assert created.status_code == 400 and "password" in created.json()
    assert patched.status_code == 400 and "password" in patched.json()


async def test_a_duplicate_identity_is_a_400_with_a_field_error(server):
    tenant = make_tenant()
    make_station(tenant, "TWICE")
    async with api_client(server, tenant) as api:
        response = await api.post("/api/v1/stations/", json={"identity": "TWICE"})
    assert response.status_code == 400
    assert "identity" in response.json()
    assert await Station.objects.filter(tenant=tenant).acount() == 1


async def test_a_bad_timezone_is_a_400_with_a_field_error(server):
    tenant = make_tenant()
    make_station(tenant, "TZ")
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/stations/",
                                 json={"identity": "TZ2", "timezone": "Mars/Olympus"})
        patched = await api.patch("/api/v1/stations/TZ/", json={"timezone": "Europe/Nowhere"})
    assert created.status_code == 400
    assert "timezone" in created.json()
    assert patched.status_code == 400
    assert "timezone" in patched.json()
    assert not await Station.objects.filter(tenant=tenant, identity="TZ2").aexists()


async def test_an_identity_with_a_slash_is_a_400(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        response = await api.post("/api/v1/stations/", json={"identity": "a/b"})
    assert response.status_code == 400
    assert "identity" in response.json()


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


async def test_a_blank_timezone_falls_back_to_the_tenants(server):
    tenant = make_tenant()
    tenant.timezone = "America/New_York"
    await tenant.asave()
    make_station(tenant, "TZ", timezone="Europe/Paris")
    async with api_client(server, tenant) as api:
        response = await api.patch("/api/v1/stations/TZ/", json={"timezone": ""})
    assert response.json()["timezone"] == "America/New_York"


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


async def test_the_identity_cannot_be_changed(server):
    tenant = make_tenant()
    make_station(tenant, "FIXED")
    async with api_client(server, tenant) as api:
        response = await api.patch("/api/v1/stations/FIXED/", json={"identity": "MOVED"})
    assert response.status_code == 400
    assert "identity" in response.json()


async def test_delete_removes_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant, "GONE")
    async with api_client(server, tenant) as api:
        deleted = await api.delete("/api/v1/stations/GONE/")
        fetched = await api.get("/api/v1/stations/GONE/")
    assert deleted.status_code == 204
    assert fetched.status_code == 404
    assert await _refused(server, tenant, "GONE", password)


# Id tags -------------------------------------------------------------------------------------

async def test_id_tags_are_created_read_updated_and_deleted(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        created = await api.post("/api/v1/id-tags/", json={
            "id_tag": "CARD-1", "status": "Blocked", "expiry_date": "2031-05-01T12:00:00Z",
            "parent_id_tag": "FLEET", "name": "Driver"})
        fetched = (await api.get("/api/v1/id-tags/CARD-1/")).json()
        patched = await api.patch("/api/v1/id-tags/CARD-1/",
                                  json={"status": "Accepted", "expiry_date": None})
        listed = (await api.get("/api/v1/id-tags/")).json()
        deleted = await api.delete("/api/v1/id-tags/CARD-1/")
        gone = await api.get("/api/v1/id-tags/CARD-1/")
    assert created.status_code == 201
    assert fetched["status"] == "Blocked"
    assert datetime.fromisoformat(fetched["expiry_date"]) == datetime(2031, 5, 1, 12, tzinfo=UTC)
    assert fetched["parent_id_tag"] == "FLEET"
    assert fetched["name"] == "Driver"
    assert patched.status_code == 200
    assert patched.json()["status"] == "Accepted"
    assert patched.json()["expiry_date"] is None
    assert [t["id_tag"] for t in listed["results"]] == ["CARD-1"]
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_an_unknown_id_tag_status_is_a_400(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        response = await api.post("/api/v1/id-tags/", json={"id_tag": "X", "status": "Maybe"})
    assert response.status_code == 400
    assert "status" in response.json()


async def test_a_duplicate_id_tag_is_a_400_but_another_tenant_may_use_it(server):
    tenant, other = make_tenant(), make_tenant()
    make_id_tag(tenant, "SHARED")
    async with api_client(server, tenant) as api:
        mine = await api.post("/api/v1/id-tags/", json={"id_tag": "SHARED"})
    async with api_client(server, other) as api:
        theirs = await api.post("/api/v1/id-tags/", json={"id_tag": "SHARED"})
    assert mine.status_code == 400
    assert "id_tag" in mine.json()
    assert theirs.status_code == 201


# Sessions ------------------------------------------------------------------------------------

@pytest.fixture
def sessions():
    tenant = make_tenant()
    north, _ = make_station(tenant, "NORTH")
    south, _ = make_station(tenant, "SOUTH")
    made = {
        "north-jan": _start_session(north, id_tag="ANNA", at="2024-01-10T08:00:00Z"),
        "north-feb": _start_session(north, id_tag="BOB", at="2024-02-10T08:00:00Z",
                                    meter_start=1000),
        "south-mar": _start_session(south, id_tag="ANNA", at="2024-03-10T08:00:00Z"),
    }
    _stop_session(north, made["north-feb"], meter_stop=8500, at="2024-02-10T09:00:00Z")
    return tenant, made


async def _transaction_ids(api, **params) -> set[int]:
    response = await api.get("/api/v1/sessions/", params=params)
    assert response.status_code == 200, response.text
    return {s["transaction_id"] for s in response.json()["results"]}


async def test_sessions_filter_by_station_id_tag_and_time(server, sessions):
    tenant, made = sessions
    async with api_client(server, tenant) as api:
        everything = await _transaction_ids(api)
        north = await _transaction_ids(api, station="NORTH")
        anna = await _transaction_ids(api, id_tag="ANNA")
        since_feb = await _transaction_ids(api, since="2024-02-01T00:00:00Z")
        until_feb = await _transaction_ids(api, until="2024-02-01T00:00:00Z")
        february = await _transaction_ids(api, since="2024-02-01T00:00:00Z",
                                          until="2024-03-01T00:00:00Z")
    assert everything == set(made.values())
    assert north == {made["north-jan"], made["north-feb"]}
    assert anna == {made["north-jan"], made["south-mar"]}
    assert since_feb == {made["north-feb"], made["south-mar"]}
    assert until_feb == {made["north-jan"]}
    assert february == {made["north-feb"]}


async def test_a_session_shows_its_energy_and_stop(server, sessions):
    tenant, made = sessions
    async with api_client(server, tenant) as api:
        listed = (await api.get("/api/v1/sessions/", params={"station": "NORTH"})).json()
        pk = next(s["id"] for s in listed["results"] if s["transaction_id"] == made["north-feb"])
        body = (await api.get(f"/api/v1/sessions/{pk}/")).json()
    assert body["station"] == "NORTH"
    assert body["id_tag"] == "BOB"
    assert (body["meter_start"], body["meter_stop"], body["energy_wh"]) == (1000, 8500, 7500)
    assert datetime.fromisoformat(body["started_at"]) == datetime(2024, 2, 10, 8, tzinfo=UTC)
    assert datetime.fromisoformat(body["stopped_at"]) == datetime(2024, 2, 10, 9, tzinfo=UTC)
    assert body["stop_reason"] == "Local"
    assert [s["transaction_id"] for s in listed["results"]] == [made["north-feb"],
                                                                 made["north-jan"]]


async def test_a_malformed_since_is_a_400(server, sessions):
    tenant, _ = sessions
    async with api_client(server, tenant) as api:
        response = await api.get("/api/v1/sessions/", params={"since": "last tuesday"})
    assert response.status_code == 400
    assert "since" in response.json()


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
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/stations/" in paths
    assert "/api/v1/stations/{identity}/commands/" in paths
    assert "/api/v1/sessions/" in paths
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert "/api/schema/" in docs.text
