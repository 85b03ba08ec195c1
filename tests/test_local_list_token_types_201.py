"""The local list follows the tenant's tokens with their real type (IdTag.token_type): a 2.0.1
station gets each entry's own IdTokenType, a token whose type changed is replaced (the old
IdToken removed), and a 1.6 station the same list without types (its idTag has none)."""

from stations.authlist.services import list_difference
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.authlist.test_local_list import url


def _sent(cp, update_type: str) -> list[dict]:
    return [p for action, p in cp.received
            if action == "SendLocalList" and p["update_type"] == update_type]


async def test_each_entry_goes_with_its_type_and_a_changed_type_replaces_the_token(server,
                                                                                 celery_worker):
    tenant = make_tenant()
    make_id_tag(tenant, "CARD")
    make_id_tag(tenant, "APP-1", token_type="Central")
    make_id_tag(tenant, "PIN-1", token_type="KeyCode")
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        full = await api.post(url(station), json={"update_type": "Full"})
        changed = await api.patch("/api/v1/id-tags/PIN-1/", json={"token_type": "ISO15693"})
        await eventually(lambda: _sent(cp, "Differential"))

        async def in_sync():  # once the backend recorded the station's answer
            return (await api.get(url(station))).json()["in_sync"]
        state = {"in_sync": await eventually(in_sync)}
    assert full.status_code == 201 and changed.status_code == 200, changed.text
    [sent] = _sent(cp, "Full")
    assert {e["id_token"]["id_token"]: e["id_token"]["type"] for e in sent["entries"]} == {
        "CARD": "ISO14443", "APP-1": "Central", "PIN-1": "KeyCode"}
    [differential] = _sent(cp, "Differential")
    assert [(e["id_token"], "id_token_info" in e) for e in differential["entries"]] == [
        ({"id_token": "PIN-1", "type": "ISO15693"}, True),
        ({"id_token": "PIN-1", "type": "KeyCode"}, False)]
    assert state["in_sync"] is True


async def test_a_1_6_station_gets_the_same_list_without_token_types(server):
    tenant = make_tenant()
    make_id_tag(tenant, "PIN-2", token_type="KeyCode")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        full = await api.post(url(station), json={"update_type": "Full"})
    assert (full.status_code, full.json()["status"]) == (201, "Accepted"), full.text
    assert cp.local_list == {"PIN-2": {"status": "Accepted"}}


def test_an_iso14443_token_is_unchanged_by_the_types_and_a_removal_names_its_type():
    held = {"CARD": {"status": "Accepted"}, "PIN": {"status": "Accepted", "tokenType": "KeyCode"}}
    assert list_difference(held, {"CARD": {"status": "Accepted"}}) == [
        {"idTag": "PIN", "tokenType": "KeyCode"}]
    assert list_difference(held, held) == []
