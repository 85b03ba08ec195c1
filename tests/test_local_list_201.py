"""Local authorization lists for a real OCPP 2.0.1 station over a real WebSocket: the same list as
for 1.6 stations (derived from the tenant's id tokens), worded as 2.0.1's SendLocalList, and a list
that changed while the station was offline sent after its boot (stations/authlist/ocpp201.py)."""

from stations.authlist.models import LocalList
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import (
    api_client,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.authlist.test_local_list import url
from tests.test_local_list import linked


class HoldingVersionOne(SimulatedChargePoint201):
    """A 2.0.1 station that kept list version 1 through its reboot."""

    local_list_version = 1


def sent_lists(cp) -> list[tuple[int, str, list]]:
    return [(p["version_number"], p["update_type"], p["entries"])
            for action, p in cp.received if action == "SendLocalList"]


async def test_a_full_list_reaches_a_2_0_1_station_in_its_words(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB", status="Blocked")
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(url(station), json={"update_type": "Full"})
        state = (await api.get(url(station))).json()
    assert sent.status_code == 201, sent.text
    (version, update_type, entries), = sent_lists(cp)
    assert (version, update_type) == (1, "Full")
    assert {e["id_token"]["id_token"]: e["id_token_info"]["status"] for e in entries} == {
        "ALICE": "Accepted", "BOB": "Blocked"}
    assert (state["version"], state["in_sync"]) == (1, True)


async def test_a_2_0_1_station_offline_when_its_list_changed_gets_the_update_when_it_boots(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password), \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
    await eventually(lambda: not linked(station).connected)
    async with api_client(server, tenant) as api:
        await api.patch("/api/v1/id-tags/ALICE/", json={"status": "Blocked"})
        await api.post("/api/v1/id-tags/", json={"id_tag": "BOB"})
        due = LocalList.objects.get(station=station).sync_due
        async with charge_point_201(server, tenant, station, password, cls=HoldingVersionOne) as cp:
            await eventually(lambda: cp.local_list_version == 2)
            state = (await api.get(url(station))).json()
    assert due is True
    (version, update_type, entries), = sent_lists(cp)
    assert (version, update_type) == (2, "Differential")
    assert {e["id_token"]["id_token"]: e["id_token_info"]["status"] for e in entries} == {
        "ALICE": "Blocked", "BOB": "Accepted"}
    assert (state["version"], state["in_sync"]) == (2, True)
    assert LocalList.objects.get(station=station).sync_due is False
