"""Who may open each stations page and send each action (issue 8's role matrix, stations side):
each role's navigation and buttons in a real browser (the matrix of pages and actions per role:
tests/fast/stations/test_dashboard_roles.py)."""

import pytest

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import make_id_tag, make_station, make_tenant

S = "/stations/ROLE-CP"


@pytest.fixture(scope="module")
def tenant(database):
    tenant = make_tenant("Roles")
    make_station(tenant, identity="ROLE-CP")
    make_id_tag(tenant, "ROLE-TAG")
    return tenant


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
