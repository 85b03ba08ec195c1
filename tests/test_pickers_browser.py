"""The search pickers in real headless Chromium, on a desktop and on a 390 px phone
(docs/dashboard.md, "Pickers"): an id tag picked by keyboard for a remote start (the server takes
it: the station is simply not connected), and a station picked by mouse into a load group."""

import pytest

from loadmgmt.models import LoadGroup
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import make_id_tag, make_station, make_tenant

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


async def no_sideways_scroll(page) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@needs_chromium
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_a_tag_and_a_station_are_picked_by_searching(server, viewport):
    tenant = make_tenant("Pickers")
    make_station(tenant, identity="PK-1")
    make_station(tenant, identity="LG-BAY-7")
    make_id_tag(tenant, "CARD-42", name="Fleet van")
    make_id_tag(tenant, "OTHER-1")
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=63)
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.set_viewport_size(viewport)
        await page.goto("/stations/PK-1/")
        tag = page.get_by_role("combobox", name="Id tag")
        await tag.fill("card-4")
        await page.get_by_role("option", name="CARD-42").wait_for()
        await tag.press("ArrowDown")
        await tag.press("Enter")
        picked = await tag.input_value()
        station_fits = await no_sideways_scroll(page)
        await page.get_by_role("button", name="Start charging").click()
        await page.locator("#answer-remote-start").get_by_text("Not connected").wait_for()

        await page.goto(f"/load-groups/{group.pk}/")
        add = page.get_by_role("combobox", name="Add stations")
        await add.fill("bay")
        await page.get_by_role("option", name="LG-BAY-7").click()
        added_value = await add.input_value()
        await page.get_by_role("button", name="Add", exact=True).click()
        await page.locator("#members-table").get_by_text("LG-BAY-7").wait_for()
        group_fits = await no_sideways_scroll(page)
    assert picked == "CARD-42"
    assert added_value == "LG-BAY-7, "
    assert set(group.stations.values_list("identity", flat=True)) == {"LG-BAY-7"}
    assert station_fits and group_fits
