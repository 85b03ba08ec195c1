"""Who may open each stations page and send each action (issue 8's role matrix, stations side):
managers and installers everything, accountants look only (403 on anything that changes a
station, and on configuration and onboarding), a member of another tenant gets 404 for this
tenant's station and sees none of it in the lists."""

import pytest

from stations.models import Station
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.dashboard_helpers import logged_in, post
from tests.factories import make_id_tag, make_station, make_tenant

S = "/stations/ROLE-CP"
PAGES = ["/", "/stations/", "/stations/new/", f"{S}/", f"{S}/configuration/"]
ACTIONS = {
    "/stations/new/": {"identity": "ROLE-NEW", "max_current": "16"},
    f"{S}/remote-start/": {"id_tag": "ROLE-TAG"},
    f"{S}/remote-stop/": {"transaction_id": "1"},
    f"{S}/reset/": {"type": "Soft"},
    f"{S}/unlock/": {"connector_id": "1"},
    f"{S}/availability/": {"connector_id": "0", "type": "Inoperative"},
    f"{S}/trigger/": {"requested_message": "Heartbeat"},
    f"{S}/configuration/change/": {"key": "HeartbeatInterval", "value": "60"},
}
ALLOWED = {200, 400}  # 400: a form the view validated (e.g. no running transaction to stop)
EXPECTED_PAGES = {
    Role.MANAGER: dict.fromkeys(PAGES, 200),
    Role.INSTALLER: dict.fromkeys(PAGES, 200),
    Role.ACCOUNTANT: {"/": 200, "/stations/": 200, "/stations/new/": 403, f"{S}/": 200,
                      f"{S}/configuration/": 403},
    "outsider": {"/": 200, "/stations/": 200, "/stations/new/": 200, f"{S}/": 404,
                 f"{S}/configuration/": 404},
}


@pytest.fixture(scope="module")
def tenant(database):
    tenant = make_tenant("Roles")
    make_station(tenant, identity="ROLE-CP")
    make_id_tag(tenant, "ROLE-TAG")
    return tenant


def _user(tenant, role: str):
    if role == "outsider":
        return member(make_tenant("Outsider"), Role.MANAGER)
    return member(tenant, role)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT, "outsider"])
async def test_each_page_and_action_answers_each_role_as_the_matrix_says(server, tenant, role):
    http = await logged_in(server, _user(tenant, role))
    try:
        pages = {path: (await http.get(path)).status_code for path in PAGES}
        listed = (await http.get("/stations/")).text
        actions = {path: (await post(http, path, data)).status_code for path, data in ACTIONS.items()}
    finally:
        await http.aclose()
    assert pages == EXPECTED_PAGES[role]
    for path, status in actions.items():
        if role in (Role.MANAGER, Role.INSTALLER):
            assert status in ALLOWED, (path, status)
        elif role == Role.ACCOUNTANT:
            assert status == 403, (path, status)
        else:  # another tenant's station: 404; onboarding creates in the outsider's own tenant
            assert status == (200 if path == "/stations/new/" else 404), (path, status)
    assert ("ROLE-CP" in listed) == (role != "outsider")
    if role == "outsider":  # its onboarding made a station in its own tenant, not in this one
        assert Station.objects.filter(identity="ROLE-NEW", tenant__name__startswith="Outsider").exists()


async def test_a_post_without_the_session_is_sent_to_log_in_not_served(server, tenant):
    import httpx

    async with httpx.AsyncClient(base_url=server.http) as http:
        page = await http.get(f"{S}/")
        action = await http.post(f"{S}/reset/", data={"type": "Soft"})
    assert page.status_code == 302 and page.headers["location"].startswith("/accounts/login/")
    assert action.status_code in (302, 403)  # CSRF or login: never served


NAV = {
    Role.MANAGER: {"Overview", "Stations", "Add station"},
    Role.INSTALLER: {"Overview", "Stations", "Add station"},
    Role.ACCOUNTANT: {"Overview", "Stations"},
}


@needs_chromium
async def test_each_role_logs_in_and_sees_its_navigation(server, tenant):
    async with browser() as chromium:
        for role, expected in NAV.items():
            async with signed_in(chromium, server, member(tenant, role)) as page:
                links = set(await page.locator("nav.site a").all_text_contents())
                assert expected <= links, (role, links)
                assert ("Add station" in links) == (role != Role.ACCOUNTANT)
                assert not {"Tariffs", "Invoices", "Exports"} & links or role != Role.INSTALLER
                await page.goto(f"{S}/")
                buttons = await page.get_by_role("button", name="Reset").count()
                assert buttons == (0 if role == Role.ACCOUNTANT else 1)
                await page.goto("/stations/new/")
                assert (await page.get_by_role("heading", name="Not allowed").count()) == (
                    1 if role == Role.ACCOUNTANT else 0)
