"""The REST API in process: tokens, tenancy, the station, id tag and session resources (what needs
a real station or the served pages: tests/test_api.py)."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from stations.models import Station
from stations.services.transactions import transaction_start, transaction_stop
from tenants.services import api_token_create
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


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


# Tokens --------------------------------------------------------------------------------------

def test_a_request_without_a_token_is_a_401():
    response = APIClient().get("/api/v1/stations/")
    assert response.status_code == 401


def test_a_request_with_a_bad_token_is_a_401():
    response = APIClient(headers={"Authorization": "Token not-a-real-key"}).get("/api/v1/stations/")
    assert response.status_code == 401


def test_a_revoked_token_is_a_401():
    token, key = api_token_create(tenant=make_tenant())
    token.revoked = True
    token.save(update_fields=["revoked"])
    response = APIClient(headers={"Authorization": f"Token {key}"}).get("/api/v1/stations/")
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


def test_another_tenants_station_is_a_404(two_tenants):
    mine, _, station, _ = two_tenants
    with api_client(mine) as api:
        url = f"/api/v1/stations/{station.identity}/"
        assert (api.get(url)).status_code == 404
        assert (api.patch(url, json={"name": "Mine now"})).status_code == 404
        assert (api.delete(url)).status_code == 404
        listed = (api.get("/api/v1/stations/")).json()
    assert listed["count"] == 0
    assert Station.objects.filter(pk=station.pk, name="").exists()


def test_another_tenants_id_tag_is_a_404(two_tenants):
    mine = two_tenants[0]
    with api_client(mine) as api:
        assert (api.get("/api/v1/id-tags/THEIRTAG/")).status_code == 404
        assert (api.patch("/api/v1/id-tags/THEIRTAG/",
                                json={"status": "Blocked"})).status_code == 404
        assert (api.delete("/api/v1/id-tags/THEIRTAG/")).status_code == 404
        assert (api.get("/api/v1/id-tags/")).json()["count"] == 0


def test_another_tenants_session_is_a_404(two_tenants):
    mine, _, _, session = two_tenants
    with api_client(mine) as api:
        assert (api.get(f"/api/v1/sessions/{session.pk}/")).status_code == 404
        assert (api.get("/api/v1/sessions/")).json()["count"] == 0


def test_another_tenants_station_messages_are_a_404(two_tenants):
    mine, _, station, _ = two_tenants
    with api_client(mine) as api:
        response = api.get(f"/api/v1/stations/{station.identity}/messages/")
    assert response.status_code == 404


def test_a_command_to_another_tenants_station_is_a_404(two_tenants):
    mine, _, station, _ = two_tenants
    with api_client(mine) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/commands/",
                                  json={"action": "Reset", "payload": {"type": "Soft"}})
    assert response.status_code == 404


def test_the_same_identity_in_two_tenants_is_two_stations(two_tenants):
    mine, theirs, station, _ = two_tenants
    make_station(mine, station.identity, name="Our own")
    with api_client(mine) as api:
        body = (api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert body["name"] == "Our own"


# Stations ------------------------------------------------------------------------------------

def test_lists_are_paginated():
    tenant = make_tenant()
    for n in range(3):
        make_station(tenant, f"PAGE-{n}")
    with api_client(tenant) as api:
        first = (api.get("/api/v1/stations/", params={"limit": 2})).json()
        second = (api.get(first["next"])).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 3
    assert first["previous"] is None
    assert [s["identity"] for s in first["results"]] == ["PAGE-0", "PAGE-1"]
    assert second["next"] is None
    assert second["previous"] is not None
    assert [s["identity"] for s in second["results"]] == ["PAGE-2"]


def test_two_created_stations_get_different_passwords():
    tenant = make_tenant()
    with api_client(tenant) as api:
        one = (api.post("/api/v1/stations/", json={"identity": "A"})).json()
        two = (api.post("/api/v1/stations/", json={"identity": "B"})).json()
    assert one["password"] != two["password"]


def test_a_short_password_is_a_400():
    tenant = make_tenant()
    with api_client(tenant) as api:
        response = api.post("/api/v1/stations/", json={"identity": "S", "password": "short"})
    assert response.status_code == 400
    assert "password" in response.json()


def test_a_password_a_station_cannot_send_in_basic_auth_is_a_400():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        created = api.post("/api/v1/stations/", json={"identity": "S2",
                                                            "password": "with:colon-0123456789"})
        patched = api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"password": "not ascii é 0123456789"})
    assert created.status_code == 400 and "password" in created.json()
    assert patched.status_code == 400 and "password" in patched.json()


def test_a_duplicate_identity_is_a_400_with_a_field_error():
    tenant = make_tenant()
    make_station(tenant, "TWICE")
    with api_client(tenant) as api:
        response = api.post("/api/v1/stations/", json={"identity": "TWICE"})
    assert response.status_code == 400
    assert "identity" in response.json()
    assert Station.objects.filter(tenant=tenant).count() == 1


def test_a_bad_timezone_is_a_400_with_a_field_error():
    tenant = make_tenant()
    make_station(tenant, "TZ")
    with api_client(tenant) as api:
        created = api.post("/api/v1/stations/",
                                 json={"identity": "TZ2", "timezone": "Mars/Olympus"})
        patched = api.patch("/api/v1/stations/TZ/", json={"timezone": "Europe/Nowhere"})
    assert created.status_code == 400
    assert "timezone" in created.json()
    assert patched.status_code == 400
    assert "timezone" in patched.json()
    assert not Station.objects.filter(tenant=tenant, identity="TZ2").exists()


def test_an_identity_with_a_slash_is_a_400():
    tenant = make_tenant()
    with api_client(tenant) as api:
        response = api.post("/api/v1/stations/", json={"identity": "a/b"})
    assert response.status_code == 400
    assert "identity" in response.json()


def test_a_blank_timezone_falls_back_to_the_tenants():
    tenant = make_tenant()
    tenant.timezone = "America/New_York"
    tenant.save()
    make_station(tenant, "TZ", timezone="Europe/Paris")
    with api_client(tenant) as api:
        response = api.patch("/api/v1/stations/TZ/", json={"timezone": ""})
    assert response.json()["timezone"] == "America/New_York"


def test_the_identity_cannot_be_changed():
    tenant = make_tenant()
    make_station(tenant, "FIXED")
    with api_client(tenant) as api:
        response = api.patch("/api/v1/stations/FIXED/", json={"identity": "MOVED"})
    assert response.status_code == 400
    assert "identity" in response.json()


# Id tags -------------------------------------------------------------------------------------

def test_id_tags_are_created_read_updated_and_deleted():
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = api.post("/api/v1/id-tags/", json={
            "id_tag": "CARD-1", "status": "Blocked", "expiry_date": "2031-05-01T12:00:00Z",
            "parent_id_tag": "FLEET", "name": "Driver"})
        fetched = (api.get("/api/v1/id-tags/CARD-1/")).json()
        patched = api.patch("/api/v1/id-tags/CARD-1/",
                                  json={"status": "Accepted", "expiry_date": None})
        listed = (api.get("/api/v1/id-tags/")).json()
        deleted = api.delete("/api/v1/id-tags/CARD-1/")
        gone = api.get("/api/v1/id-tags/CARD-1/")
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


def test_an_unknown_id_tag_status_is_a_400():
    tenant = make_tenant()
    with api_client(tenant) as api:
        response = api.post("/api/v1/id-tags/", json={"id_tag": "X", "status": "Maybe"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_a_duplicate_id_tag_is_a_400_but_another_tenant_may_use_it():
    tenant, other = make_tenant(), make_tenant()
    make_id_tag(tenant, "SHARED")
    with api_client(tenant) as api:
        mine = api.post("/api/v1/id-tags/", json={"id_tag": "SHARED"})
    with api_client(other) as api:
        theirs = api.post("/api/v1/id-tags/", json={"id_tag": "SHARED"})
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


def _transaction_ids(api, **params) -> set[int]:
    response = api.get("/api/v1/sessions/", params=params)
    assert response.status_code == 200, response.text
    return {s["transaction_id"] for s in response.json()["results"]}


def test_sessions_filter_by_station_id_tag_and_time(sessions):
    tenant, made = sessions
    with api_client(tenant) as api:
        everything = _transaction_ids(api)
        north = _transaction_ids(api, station="NORTH")
        anna = _transaction_ids(api, id_tag="ANNA")
        since_feb = _transaction_ids(api, since="2024-02-01T00:00:00Z")
        until_feb = _transaction_ids(api, until="2024-02-01T00:00:00Z")
        february = _transaction_ids(api, since="2024-02-01T00:00:00Z",
                                          until="2024-03-01T00:00:00Z")
    assert everything == set(made.values())
    assert north == {made["north-jan"], made["north-feb"]}
    assert anna == {made["north-jan"], made["south-mar"]}
    assert since_feb == {made["north-feb"], made["south-mar"]}
    assert until_feb == {made["north-jan"]}
    assert february == {made["north-feb"]}


def test_a_session_shows_its_energy_and_stop(sessions):
    tenant, made = sessions
    with api_client(tenant) as api:
        listed = (api.get("/api/v1/sessions/", params={"station": "NORTH"})).json()
        pk = next(s["id"] for s in listed["results"] if s["transaction_id"] == made["north-feb"])
        body = (api.get(f"/api/v1/sessions/{pk}/")).json()
    assert body["station"] == "NORTH"
    assert body["id_tag"] == "BOB"
    assert (body["meter_start"], body["meter_stop"], body["energy_wh"]) == (1000, 8500, 7500)
    assert datetime.fromisoformat(body["started_at"]) == datetime(2024, 2, 10, 8, tzinfo=UTC)
    assert datetime.fromisoformat(body["stopped_at"]) == datetime(2024, 2, 10, 9, tzinfo=UTC)
    assert body["stop_reason"] == "Local"
    assert [s["transaction_id"] for s in listed["results"]] == [made["north-feb"],
                                                                 made["north-jan"]]


def test_a_malformed_since_is_a_400(sessions):
    tenant, _ = sessions
    with api_client(tenant) as api:
        response = api.get("/api/v1/sessions/", params={"since": "last tuesday"})
    assert response.status_code == 400
    assert "since" in response.json()


# Messages and schema -------------------------------------------------------------------------


