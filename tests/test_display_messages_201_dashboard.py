"""The station page's "Display messages" card of a 2.0.1 station, live (a signed-in client, the
simulated station over a real WebSocket): managers and installers set, clear and refresh
messages and see the station's answer in the card; accountants see the card only; a 1.6
station has none (docs/ocpp201.md, display messages)."""

from stations.displaymessages.models import DisplayMessage
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, charge_point_201, make_station, make_tenant


async def test_a_manager_shows_out_of_order_until_monday_and_clears_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = f"/stations/{station.identity}/display-messages/"
    async with charge_point_201(server, tenant, station, password) as cp:
        page = await http.get(f"/stations/{station.identity}/")
        made = await post(http, base, {"content": "Out of order until Monday",
                                       "priority": "AlwaysFront", "state": "Unavailable",
                                       "end_at": "2099-01-05T08:00", "message_format": "UTF8"})
        message_id = DisplayMessage.objects.get(station=station).message_id
        refreshed = await post(http, base + "refresh/", {})
        cleared = await post(http, f"{base}{message_id}/clear/", {})
    assert 'id="h-display-messages"' in page.text and "Send to the station" in page.text
    assert made.status_code == 200 and "Out of order until Monday" in made.text
    assert "SetDisplayMessage:" in made.text and "Accepted" in made.text
    [sent] = [p for a, p in cp.received if a == "SetDisplayMessage"]
    assert (sent["id"], sent["state"], sent["end_date_time"]) == (message_id, "Unavailable",
                                                                  "2099-01-05T08:00:00Z")
    assert refreshed.status_code == 200 and "GetDisplayMessages:" in refreshed.text
    assert "ClearDisplayMessage:" in cleared.text and "No message on the station" in cleared.text
    assert cp.display_messages == {}


async def test_bad_input_is_shown_with_the_reason_and_not_sent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    async with charge_point_201(server, tenant, station, password) as cp:
        answer = await post(http, f"/stations/{station.identity}/display-messages/", {
            "content": "Closed", "priority": "InFront", "message_format": "UTF8",
            "start_at": "2099-01-05T08:00", "end_at": "2099-01-04T08:00"})
    assert answer.status_code == 400 and "The end must be after the start." in answer.text
    assert not [a for a, _ in cp.received if a == "SetDisplayMessage"]


async def test_accountants_see_the_card_but_cannot_act(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    async with charge_point_201(server, tenant, station, password):
        page = await http.get(f"/stations/{station.identity}/")
        refused = await post(http, f"/stations/{station.identity}/display-messages/",
                             {"content": "x", "priority": "InFront", "message_format": "UTF8"})
    assert 'id="h-display-messages"' in page.text and "Send to the station" not in page.text
    assert refused.status_code == 403


async def test_a_1_6_station_page_has_no_display_messages(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    async with charge_point(server, tenant, station, password):
        page = await http.get(f"/stations/{station.identity}/")
    assert page.status_code == 200 and 'id="h-display-messages"' not in page.text


async def test_another_tenants_manager_gets_404_and_nothing_is_sent(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(other, Role.MANAGER))
    base = f"/stations/{station.identity}/display-messages/"
    async with charge_point_201(server, tenant, station, password) as cp:
        answers = [await post(http, base, {"content": "x", "priority": "InFront",
                                           "message_format": "UTF8"}),
                   await post(http, base + "refresh/", {}),
                   await post(http, base + "1/clear/", {})]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert not [a for a, _ in cp.received if "DisplayMessage" in a]
