"""OCPP 1.6 Local Auth List Management conformance (OCA test cases): the central system sends the
local list and asks its version through our API; the station keeps the list it accepts."""

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.models import IdTag
from stations.simulator import SimulatedChargePoint


def local_list(station, tail: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/local-list/{tail}"


class WithoutLocalList(SimulatedChargePoint):
    """A station without Local Auth List Management: version -1, lists NotSupported."""

    local_list_version = -1

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList", {"list_version": list_version}))
        return call_result.SendLocalList(status="NotSupported")


class FailingLocalList(SimulatedChargePoint):
    """A station whose list storage fails."""

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList", {"list_version": list_version}))
        return call_result.SendLocalList(status="Failed")


async def _version(server, octt, cls) -> tuple[dict, dict]:
    station = octt.station
    async with octt.charge_point(server, cls=cls), octt.api(server) as api:
        response = await api.post(local_list(station, "version/"))
        state = (await api.get(local_list(station))).json()
    assert response.status_code == 200
    return response.json(), state


async def test_tc_042_1_get_local_list_version_not_supported(server, octt):
    """Get Local List Version (not supported)"""
    answer, state = await _version(server, octt, WithoutLocalList)
    assert (answer["list_version"], answer["supported"]) == (-1, False)
    assert state["station_version"] == -1


async def test_tc_042_2_get_local_list_version_empty(server, octt):
    """Get Local List Version (empty)"""
    answer, state = await _version(server, octt, SimulatedChargePoint)
    assert (answer["list_version"], answer["supported"]) == (0, True)
    assert state["station_version"] == 0


async def _held_version(api, station) -> int:
    """The list version the central system knows the station accepted (0: none yet)."""
    response = await api.get(local_list(station))
    return response.json()["version"] if response.status_code == 200 else 0


async def _refused(server, octt, cls) -> tuple[dict, dict, SimulatedChargePoint]:
    station = octt.station
    async with octt.charge_point(server, cls=cls) as cp, octt.api(server) as api:
        held = await _held_version(api, station)
        sent = await api.post(local_list(station), json={"update_type": "Full"})
        state = (await api.get(local_list(station))).json()
    assert sent.status_code == 201
    assert cp.received == [("SendLocalList", {"list_version": held + 1})]
    assert (state["version"], state["in_sync"]) == (held, False)
    return sent.json(), state, cp


async def test_tc_043_1_send_local_authorization_list_not_supported(server, octt):
    """Send Local Authorization List – NotSupported"""
    sent, state, _ = await _refused(server, octt, WithoutLocalList)
    assert sent["status"] == "NotSupported"
    assert state["history"][0]["status"] == "NotSupported"


async def test_tc_043_3_send_local_authorization_list_failed(server, octt):
    """Send Local Authorization List – Failed"""
    sent, state, _ = await _refused(server, octt, FailingLocalList)
    assert sent["status"] == "Failed"
    assert state["history"][0]["status"] == "Failed"


def _statuses(held: dict[str, dict]) -> dict[str, str]:
    return {id_tag: info["status"] for id_tag, info in held.items()}


def _entries(tenant) -> set[str]:
    return set(IdTag.objects.filter(tenant=tenant).values_list("id_tag", flat=True))


async def test_tc_043_4_send_local_authorization_list_full(server, octt):
    """Send Local Authorization List – Full"""
    station = octt.station
    async with octt.charge_point(server) as cp, octt.api(server) as api:
        held = await _held_version(api, station)
        sent = (await api.post(local_list(station), json={"update_type": "Full"})).json()
        version = (await api.post(local_list(station, "version/"))).json()
    assert (sent["status"], sent["update_type"], sent["list_version"]) == (
        "Accepted", "Full", held + 1)
    assert _statuses(cp.local_list) == {e["idTag"]: e["idTagInfo"]["status"] for e in sent["entries"]}
    assert set(cp.local_list) == _entries(octt.tenant)  # every card of the tenant
    assert cp.local_list[octt.valid] == {"status": "Accepted"}
    assert cp.local_list[octt.blocked] == {"status": "Blocked"}
    assert cp.local_list[octt.expired]["status"] == "Expired"
    assert version["list_version"] == held + 1


async def test_tc_043_5_send_local_authorization_list_differential(server, octt):
    """Send Local Authorization List – Differential

    After a Full list, one card changes and one is added (cards of the case's own: the valid
    card stays the only valid one); the differential update carries exactly those two."""
    station = octt.station
    changed = octt.new_tag("Blocked")
    async with octt.charge_point(server) as cp, octt.api(server) as api:
        full = (await api.post(local_list(station), json={"update_type": "Full"})).json()
        IdTag.objects.filter(tenant=octt.tenant, id_tag=changed).update(status="Invalid")
        added = octt.new_tag("Blocked")
        sent = (await api.post(local_list(station), json={"update_type": "Differential"})).json()
        version = (await api.post(local_list(station, "version/"))).json()
        state = (await api.get(local_list(station))).json()
    assert full["status"] == "Accepted"
    assert (sent["status"], sent["update_type"], sent["list_version"]) == (
        "Accepted", "Differential", full["list_version"] + 1)
    assert sent["entries"] == [{"idTag": changed, "idTagInfo": {"status": "Invalid"}},
                               {"idTag": added, "idTagInfo": {"status": "Blocked"}}]
    assert _statuses(cp.local_list) == {e["idTag"]: e["idTagInfo"]["status"] for e in full["entries"]} | {
        changed: "Invalid", added: "Blocked"}
    assert set(cp.local_list) == _entries(octt.tenant)
    assert version["list_version"] == sent["list_version"] and state["in_sync"] is True
