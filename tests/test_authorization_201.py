"""OCPP 2.0.1 authorization over a real WebSocket (docs/sessions.md, 2.0.1 authorization): id
tokens of every type, group tokens, the idTokenInfo's expiry, language and personal message as
the API set them, and the per-card limit shared with 1.6 stations in the same tenant."""

from datetime import UTC, datetime, timedelta

from ocpp.v16 import call as call16

from stations.models import ChargingSession
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    make_id_tag,
    make_station,
    make_tenant,
)

TOKEN_36 = "E0-4A2B3C4D5E6F-7081-92A3-B4C5D6E7F8"  # 36 characters, over 1.6's 20


async def test_a_token_made_through_the_api_authorizes_with_its_group_language_and_message(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    expiry = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    async with api_client(server, tenant) as api:
        group = await api.post("/api/v1/id-tags/", json={"id_tag": "FLEET-7", "token_type": "Central"})
        made = await api.post("/api/v1/id-tags/", json={
            "id_tag": TOKEN_36, "token_type": "eMAID", "parent_id_tag": "FLEET-7", "language": "nl",
            "personal_message": "Welkom terug", "expiry_date": expiry.isoformat()})
    assert (group.status_code, made.status_code) == (201, 201), made.text
    assert (made.json()["language"], made.json()["personal_message"]) == ("nl", "Welkom terug")
    async with charge_point_201(server, tenant, station, password) as cp:
        status = await cp.authorize({"idToken": TOKEN_36.lower(), "type": "eMAID"})
    assert status == "Accepted"
    assert cp.id_token_infos[-1] == {  # as the ocpp package gives it: in snake case
        "status": "Accepted", "cache_expiry_date_time": expiry.isoformat().replace("+00:00", "Z"),
        "group_id_token": {"id_token": "FLEET-7", "type": "Central"}, "language1": "nl",
        "personal_message": {"format": "UTF8", "content": "Welkom terug"}}


async def test_every_token_type_and_status_is_answered_by_the_tags_rules(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "04A2B3C4")  # ISO14443 by default
    make_id_tag(tenant, "AA:BB:CC:DD:EE:FF", token_type="MacAddress")
    make_id_tag(tenant, "1234", token_type="KeyCode", status="Blocked")
    make_id_tag(tenant, "OLD-CARD", token_type="ISO15693", expiry_date=datetime(2020, 1, 1, tzinfo=UTC))
    make_id_tag(tenant, "BLOCKED-GROUP", status="Blocked")
    make_id_tag(tenant, "MEMBER", token_type="Local", parent_id_tag="BLOCKED-GROUP")
    asked = [({"idToken": "04a2b3c4", "type": "ISO14443"}, "Accepted"),
             ({"idToken": "aa:bb:cc:dd:ee:ff", "type": "MacAddress"}, "Accepted"),
             ({"idToken": "04A2B3C4", "type": "MacAddress"}, "Unknown"),  # known as another type
             ({"idToken": "04A2B3C4", "type": "Central"}, "Accepted"),  # ours, for a remote start
             ({"idToken": "NOBODY", "type": "ISO14443"}, "Unknown"),
             ({"idToken": "", "type": "NoAuthorization"}, "Accepted"),
             ({"idToken": "1234", "type": "KeyCode"}, "Blocked"),
             ({"idToken": "OLD-CARD", "type": "ISO15693"}, "Expired"),
             ({"idToken": "MEMBER", "type": "Local"}, "Blocked")]
    async with charge_point_201(server, tenant, station, password) as cp:
        answers = [await cp.authorize(id_token) for id_token, _ in asked]
    assert answers == [status for _, status in asked]


async def test_a_card_charging_at_a_1_6_station_is_concurrent_at_a_2_0_1_station(server):
    tenant = make_tenant()
    station_16, password_16 = make_station(tenant)
    station_201, password_201 = make_station(tenant)
    make_id_tag(tenant, "ONE-CAR", max_sessions=1)
    async with charge_point(server, tenant, station_16, password_16) as cp16:
        await cp16.call(call16.StartTransaction(connector_id=1, id_tag="one-car", meter_start=0,
                                                timestamp=datetime.now(UTC).isoformat()))
        async with charge_point_201(server, tenant, station_201, password_201) as cp:
            assert await cp.authorize("ONE-CAR") == "ConcurrentTx"
            started = await cp.start_transaction(1, "ONE-CAR")
    assert started.id_token_info["status"] == "ConcurrentTx"
    assert ChargingSession.objects.get(station=station_201).id_tag_status == "ConcurrentTx"


async def test_another_tenants_card_is_unknown(server):
    tenant, other = make_tenant(), make_tenant("Other")
    station, password = make_station(tenant)
    make_id_tag(other, "THEIRS")
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.authorize("THEIRS") == "Unknown"


async def test_a_2_0_1_session_counts_against_the_cards_limit_until_it_ends(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "SOLO", max_sessions=1)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp:
        await cp.start_transaction(1, "SOLO")
        assert await cp.authorize("SOLO") == "ConcurrentTx"
        await cp.stop_transaction(1)
        assert await cp.authorize("SOLO") == "Accepted"
        async with api_client(server, tenant) as api:
            sessions = (await api.get("/api/v1/sessions/", params={"station": station.identity})).json()
    rows = sessions["results"] if isinstance(sessions, dict) else sessions
    assert [(row["id_tag"], row["id_token_type"], row["transaction_id"]) for row in rows] == [
        ("SOLO", "ISO14443", None)]
