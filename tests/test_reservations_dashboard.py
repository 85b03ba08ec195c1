"""The station page's "Reservations" card, live (a signed-in client, a simulated station over a
real WebSocket): managers and installers reserve (a 2.0.1 station also by connector type) and
cancel, and see the station's answer in the card; bad input is refused with its reason and not
sent; accountants see the card only (docs/ocpp201.md, reservations)."""

from stations.reservations.models import Reservation
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, charge_point_201, make_id_tag, make_station, make_tenant


async def test_a_manager_reserves_a_connector_type_and_cancels_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "ALICE")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = f"/stations/{station.identity}/reservations/"
    async with charge_point_201(server, tenant, station, password, evses=2) as cp:
        cp.connector_types[2] = "cCCS2"
        page = await http.get(f"/stations/{station.identity}/")
        made = await post(http, base, {"connector_id": "0", "connector_type": "cCCS2",
                                       "id_tag": "alice", "minutes": "30"})
        reservation = Reservation.objects.get(station=station)
        cancelled = await post(http, f"{base}{reservation.reservation_id}/cancel/", {})
    assert 'id="h-reservations"' in page.text and 'name="connector_type"' in page.text
    assert made.status_code == 200 and "ReserveNow:" in made.text and "Accepted" in made.text
    assert "cCCS2" in made.text
    [sent] = [p for a, p in cp.received if a == "ReserveNow"]
    assert (sent["connector_type"], sent["id_token"]["id_token"]) == ("cCCS2", "ALICE")
    assert "CancelReservation:" in cancelled.text and "Cancelled" in cancelled.text
    assert cp.reservations == {}


async def test_a_1_6_station_reserves_a_connector_and_bad_input_is_refused_with_its_reason(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "BOB")
    make_id_tag(tenant, "BLOCKED", status="Blocked")
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    base = f"/stations/{station.identity}/reservations/"
    async with charge_point(server, tenant, station, password) as cp:
        page = await http.get(f"/stations/{station.identity}/")
        blocked = await post(http, base, {"connector_id": "1", "id_tag": "BLOCKED", "minutes": "30"})
        made = await post(http, base, {"connector_id": "1", "id_tag": "BOB", "minutes": "30"})
    assert 'id="h-reservations"' in page.text and 'name="connector_type"' not in page.text
    assert blocked.status_code == 400 and "Blocked" in blocked.text
    assert made.status_code == 200 and "Accepted" in made.text
    assert [a for a, _ in cp.received if a == "ReserveNow"] == ["ReserveNow"]


async def test_accountants_see_the_reservations_but_cannot_reserve(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CAROL")
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    async with charge_point_201(server, tenant, station, password) as cp:
        page = await http.get(f"/stations/{station.identity}/")
        refused = await post(http, f"/stations/{station.identity}/reservations/",
                             {"connector_id": "1", "id_tag": "CAROL", "minutes": "30"})
    assert 'id="h-reservations"' in page.text and ">Reserve</button>" not in page.text
    assert refused.status_code == 403
    assert not [a for a, _ in cp.received if a == "ReserveNow"]
