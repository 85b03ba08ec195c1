"""OCPP 1.6 Local Auth List Management conformance (OCA test cases): the central system sends the
local list and asks its version through our API; the station keeps the list it accepts."""

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.models import IdTag
from stations.simulator import SimulatedChargePoint
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant


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


async def _version(server, cls) -> tuple[dict, dict]:
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=cls), \
            api_client(server, tenant) as api:
        response = await api.post(local_list(station, "version/"))
        state = (await api.get(local_list(station))).json()
    assert response.status_code == 200
    return response.json(), state


async def test_tc_042_1_get_local_list_version_not_supported(server):
    """Get Local List Version (not supported)"""
    answer, state = await _version(server, WithoutLocalList)
    assert (answer["list_version"], answer["supported"]) == (-1, False)
    assert state["station_version"] == -1


async def test_tc_042_2_get_local_list_version_empty(server):
    """Get Local List Version (empty)"""
    answer, state = await _version(server, SimulatedChargePoint)
    assert (answer["list_version"], answer["supported"]) == (0, True)
    assert state["station_version"] == 0


async def _refused(server, cls) -> tuple[dict, dict, SimulatedChargePoint]:
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=cls) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(local_list(station), json={"update_type": "Full"})
        state = (await api.get(local_list(station))).json()
    assert sent.status_code == 201
    assert cp.received == [("SendLocalList", {"list_version": 1})]
    assert (state["version"], state["in_sync"]) == (0, False)
    return sent.json(), state, cp


async def test_tc_043_1_send_local_authorization_list_not_supported(server):
    """Send Local Authorization List – NotSupported"""
    sent, state, _ = await _refused(server, WithoutLocalList)
    assert sent["status"] == "NotSupported"
    assert state["history"][0]["status"] == "NotSupported"


async def test_tc_043_3_send_local_authorization_list_failed(server):
    """Send Local Authorization List – Failed"""
    sent, state, _ = await _refused(server, FailingLocalList)
    assert sent["status"] == "Failed"
    assert state["history"][0]["status"] == "Failed"


async def test_tc_043_4_send_local_authorization_list_full(server):
    """Send Local Authorization List – Full"""
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB", status="Blocked")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = (await api.post(local_list(station), json={"update_type": "Full"})).json()
        version = (await api.post(local_list(station, "version/"))).json()
    assert (sent["status"], sent["update_type"], sent["list_version"]) == ("Accepted", "Full", 1)
    assert cp.local_list == {"ALICE": {"status": "Accepted"}, "BOB": {"status": "Blocked"}}
    assert version["list_version"] == 1


async def test_tc_043_5_send_local_authorization_list_differential(server):
    """Send Local Authorization List – Differential"""
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(local_list(station), json={"update_type": "Full"})
        IdTag.objects.filter(tenant=tenant, id_tag="BOB").update(status="Blocked")
        make_id_tag(tenant, "CAROL")
        sent = (await api.post(local_list(station), json={"update_type": "Differential"})).json()
        version = (await api.post(local_list(station, "version/"))).json()
        state = (await api.get(local_list(station))).json()
    assert (sent["status"], sent["update_type"], sent["list_version"]) == (
        "Accepted", "Differential", 2)
    assert sent["entries"] == [{"idTag": "BOB", "idTagInfo": {"status": "Blocked"}},
                               {"idTag": "CAROL", "idTagInfo": {"status": "Accepted"}}]
    assert cp.local_list == {"ALICE": {"status": "Accepted"}, "BOB": {"status": "Blocked"},
                             "CAROL": {"status": "Accepted"}}
    assert version["list_version"] == 2 and state["in_sync"] is True
