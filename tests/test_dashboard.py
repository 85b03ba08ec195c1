"""The dashboard at `/`: anonymous visitors go to the login page; a member sees the stations of
their tenants, live, and nothing of other tenants. (The full dashboard is its own issue.)"""

import httpx

from tests.factories import charge_point, make_station, make_tenant
from tests.test_admin import PASSWORD, _hidden_fields, make_user


async def _logged_in(server, user) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server.http, follow_redirects=True, timeout=20)
    page = await http.get("/accounts/login/")
    response = await http.post("/accounts/login/", data={
        "username": user.username, "password": PASSWORD, "next": "/",
        "csrfmiddlewaretoken": _hidden_fields(page.text)["csrfmiddlewaretoken"]})
    assert response.url.path == "/", response.text
    return http


async def test_an_anonymous_visitor_is_sent_to_the_login_page(server):
    async with httpx.AsyncClient(base_url=server.http) as http:
        response = await http.get("/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/accounts/login/")


async def test_a_member_sees_their_stations_live_and_not_another_tenants(server):
    tenant, other = make_tenant("Mine"), make_tenant("Theirs")
    online, password = make_station(tenant, identity="DASH-ONLINE")
    make_station(tenant, identity="DASH-OFFLINE")
    make_station(other, identity="DASH-FOREIGN")
    user = make_user(tenant=tenant)
    http = await _logged_in(server, user)
    try:
        async with charge_point(server, tenant, online, password) as cp:
            await cp.status(1, "Charging")
            page = (await http.get("/")).text
    finally:
        await http.aclose()
    assert tenant.name in page and other.name not in page
    assert "DASH-FOREIGN" not in page
    online_row = page[page.index("DASH-ONLINE"):page.index("</tr>", page.index("DASH-ONLINE"))]
    offline_row = page[page.index("DASH-OFFLINE"):page.index("</tr>", page.index("DASH-OFFLINE"))]
    assert "connected" in online_row and "1: Charging" in online_row
    assert "offline" in offline_row
