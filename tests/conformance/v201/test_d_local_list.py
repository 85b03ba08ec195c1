"""OCA OCPP 2.0.1 conformance scenarios of block D, Local authorization list management: the
central system sends the station its list (`local-list/`, Full), keeps it following the tenant's
id tokens (a token added, changed or deleted through `id-tags/` goes out as a Differential update
at once), clears it (a Full list without entries) and asks which version the station holds
(`local-list/version/`); each entry carries the token's own type (docs/ocpp201.md, local
authorization list; docs/conformance.md). Each case checks only its own tokens: a shared run's
list holds every earlier case's cards too. The Differential updates a token change makes are a
task (`celery_worker`: a real worker with Redis, run in the server otherwise)."""

from tests.factories import eventually


def _url(octt201, tail: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/local-list/{tail}"


async def _send_full(octt201, api, group: str = "") -> dict:
    """SendLocalList Full through the API (once an update the boot sent has its answer)."""
    async def sent():
        response = await api.post(_url(octt201), json={"update_type": "Full", "group": group})
        return response if response.status_code != 409 else None
    response = await eventually(sent)
    assert response.status_code == 201, response.text
    return response.json()


def _lists(cp, update_type: str) -> list[dict]:
    return [p for action, p in cp.received
            if action == "SendLocalList" and p["update_type"] == update_type]


def _entry(sent: dict, token: str) -> dict | None:
    return next((e for e in sent["entries"] if e["id_token"]["id_token"] == token), None)


async def test_tc_d_01_send_local_authorization_list_full(server, octt201):
    """Send Local Authorization List – Full

    The whole list, each token with its type and status: the station accepts it, holds it, and
    the central system records the version as confirmed and in sync."""
    card = octt201.new_tag(token_type="KeyCode")  # blocked: no second valid card
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        update = await _send_full(octt201, api)
        state = (await api.get(_url(octt201))).json()
    [sent] = _lists(cp, "Full")
    assert update["status"] == "Accepted" and sent["version_number"] == update["list_version"]
    assert _entry(sent, card)["id_token"] == {"id_token": card, "type": "KeyCode"}
    assert _entry(sent, card)["id_token_info"]["status"] == "Blocked"
    assert _entry(sent, octt201.valid)["id_token"]["type"] == "ISO14443"
    assert cp.local_list[octt201.valid]["status"] == "Accepted"
    assert (state["version"], state["in_sync"]) == (update["list_version"], True)


async def test_tc_d_02_send_local_authorization_list_differential_update(server, octt201,
                                                                         celery_worker):
    """Send Local Authorization List – Differential Update

    A token added through the API goes out at once as a Differential update holding only what
    changed, with the next version; the station adds it."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        full = await _send_full(octt201, api)
        created = await api.post("/api/v1/id-tags/", json={
            "id_tag": f"{octt201.station.pk}D02EMAID", "token_type": "eMAID", "status": "Blocked"})
        card = created.json()["id_tag"]
        await eventually(lambda: card in cp.local_list)
    assert created.status_code == 201, created.text
    [differential] = _lists(cp, "Differential")
    assert differential["version_number"] == full["list_version"] + 1
    assert [e["id_token"] for e in differential["entries"]] == [{"id_token": card, "type": "eMAID"}]
    assert differential["entries"][0]["id_token_info"]["status"] == "Blocked"


async def test_tc_d_03_send_local_authorization_list_differential_remove(server, octt201,
                                                                         celery_worker):
    """Send Local Authorization List – Differential Remove

    A token deleted through the API goes out as a Differential entry without idTokenInfo (of its
    type): the station removes it."""
    card = octt201.new_tag(token_type="ISO15693")
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _send_full(octt201, api)
        assert card in cp.local_list
        deleted = await api.delete(f"/api/v1/id-tags/{card}/")
        await eventually(lambda: card not in cp.local_list)
    assert deleted.status_code == 204, deleted.text
    [differential] = _lists(cp, "Differential")
    assert differential["entries"] == [{"id_token": {"id_token": card, "type": "ISO15693"}}]


async def test_tc_d_04_send_local_authorization_list_full_with_empty_list(server, octt201):
    """Send Local Authorization List – Full with empty list

    The station is given a group no token belongs to: its Full list is empty and clears what it
    held. (The case then gives it every token again.)"""
    empty_group = octt201.new_tag()
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _send_full(octt201, api)
        assert cp.local_list
        cleared = await _send_full(octt201, api, group=empty_group)
        held_after = dict(cp.local_list)
        await _send_full(octt201, api)
    first, emptied, _ = _lists(cp, "Full")
    assert (cleared["status"], cleared["entry_count"]) == ("Accepted", 0)
    assert emptied["entries"] == [] and held_after == {}


async def test_tc_d_08_get_local_list_version_success(server, octt201):
    """Get Local List Version – Success

    GetLocalListVersion: the station holds the list the central system sent; its version is
    shown."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        update = await _send_full(octt201, api)
        asked = await api.post(_url(octt201, "version/"))
    assert ("GetLocalListVersion", {}) in cp.received
    assert asked.json()["list_version"] == update["list_version"] == cp.local_list_version
    assert asked.json()["supported"] is True


async def test_tc_d_09_get_local_list_version_no_list_available(server, octt201):
    """Get Local List Version – No list available

    A station holding no list answers version 0: shown as such (supported, empty)."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        asked = await api.post(_url(octt201, "version/"))
        state = (await api.get(_url(octt201))).json()
    assert cp.local_list_version == 0
    assert (asked.json()["list_version"], asked.json()["supported"]) == (0, True)
    assert state["station_version"] == 0
