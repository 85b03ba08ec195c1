"""The station page's "Local authorization list" card, live (a signed-in client, a simulated
station over a real WebSocket), for both versions: managers and installers send the full list and
ask the station's version and see the answer in the card; accountants see the card only."""

from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, charge_point_201, make_id_tag, make_station, make_tenant


async def test_a_manager_sends_a_2_0_1_station_its_list_and_asks_its_version(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "ALICE", token_type="KeyCode")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = f"/stations/{station.identity}/local-list/"
    async with charge_point_201(server, tenant, station, password) as cp:
        page = await http.get(f"/stations/{station.identity}/")
        sent = await post(http, base + "send/", {})
        asked = await post(http, base + "version/", {})
    assert 'id="h-local-list"' in page.text and "Send the full list" in page.text
    assert sent.status_code == 200 and "SendLocalList:" in sent.text and "Accepted" in sent.text
    assert 'data-field="local-list-in-sync"><span class="badge ok">yes' in sent.text
    assert "GetLocalListVersion:" in asked.text and "version 1" in asked.text
    assert cp.local_list_version == 1 and "ALICE" in cp.local_list


async def test_an_installer_sends_a_1_6_station_its_list(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "BOB")
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    async with charge_point(server, tenant, station, password) as cp:
        sent = await post(http, f"/stations/{station.identity}/local-list/send/", {})
    assert sent.status_code == 200 and "Accepted" in sent.text
    assert cp.local_list == {"BOB": {"status": "Accepted"}}


async def test_accountants_see_the_list_but_cannot_send_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    async with charge_point_201(server, tenant, station, password) as cp:
        page = await http.get(f"/stations/{station.identity}/")
        refused = await post(http, f"/stations/{station.identity}/local-list/send/", {})
    assert 'id="h-local-list"' in page.text and "Send the full list" not in page.text
    assert refused.status_code == 403
    assert not [a for a, _ in cp.received if a == "SendLocalList"]
