"""Stations and sites managed in the dashboard, live (docs/dashboard.md "Stations",
docs/locations.md): a removed or disabled station is refused at the handshake by a real charge
point (and its open link is closed), and in real Chromium, on a desktop and on a 390 px phone,
a manager edits a station, gives it a new password shown once, removes and restores it, creates a
site with coordinates and places the station there (the fast tier: tests/fast/stations/
test_station_manage.py and tests/fast/locations/)."""

import asyncio

import pytest
from websockets.exceptions import InvalidStatus

from stations.models import Location, Station
from stations.simulator import connect
from tenants.models import Role
from tenants.secrets import check_password
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant

PHONE = {"width": 390, "height": 844}


async def _refused(server, tenant, identity: str, password: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", identity, password)
        await connection.close()
    return refused.value.response.status_code


async def test_a_removed_station_is_closed_and_refused_and_a_restored_one_connects(server):
    tenant = make_tenant("RemovedLive")
    station, password = make_station(tenant, identity="GONE-LIVE-1")
    async with api_client(server, tenant) as api, charge_point(server, tenant, station, password) as cp:
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        assert (await api.delete(f"/api/v1/stations/{station.identity}/")).status_code == 204
        await asyncio.wait_for(cp._connection.wait_closed(), 10)  # its open link is closed
        assert await _refused(server, tenant, station.identity, password) in (401, 403)
        restored = await api.post(f"/api/v1/stations/{station.identity}/restore/")
        assert restored.status_code == 200
        new_password = restored.json()["password"]
    assert await _refused(server, tenant, station.identity, password) == 401  # the old one: no more
    station.refresh_from_db()
    async with charge_point(server, tenant, station, new_password):
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)


async def test_a_disabled_station_is_closed_and_refused(server):
    tenant = make_tenant("DisabledLive")
    station, password = make_station(tenant, identity="OFF-LIVE-1")
    async with api_client(server, tenant) as api, charge_point(server, tenant, station, password) as cp:
        await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
        changed = await api.patch(f"/api/v1/stations/{station.identity}/", json={"enabled": False})
        assert changed.status_code == 200
        await asyncio.wait_for(cp._connection.wait_closed(), 10)  # its open link is closed
    assert await _refused(server, tenant, station.identity, password) == 403


async def _no_overflow(page) -> None:
    wide = await page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= await page.evaluate("() => window.innerWidth"), f"{page.url} is {wide}px wide"


@needs_chromium
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
async def test_manage_a_station_and_its_site_in_the_browser(server, viewport):
    tenant = make_tenant(f"Manage{'Phone' if viewport else 'Desk'}")
    station, old_password = make_station(tenant, identity="EDIT-ME-1")
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        if viewport:
            await page.set_viewport_size(viewport)
        # A site with coordinates: its list entry and its marker
        await page.goto("/sites/new/")
        await page.get_by_label("Name").fill("Harbour")
        await page.get_by_label("Latitude").fill("53.5461")
        await page.get_by_label("Longitude").fill("9.9661")
        await page.get_by_label("Monday").fill("08:00-20:00")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url("**/sites/*/")
        site = Location.objects.get(tenant=tenant, name="Harbour")
        assert site.opening_hours["regular_hours"][0]["weekday"] == 1
        await page.goto("/sites/")
        assert await page.locator(f'[data-site-row="{site.pk}"]').count() == 1
        assert "Harbour" in await page.locator("#site-markers").text_content()
        await page.wait_for_function("() => document.querySelector('[data-sites-map]')"
                                     ".getAttribute('data-map-state') !== null")
        state = await page.get_attribute("[data-sites-map]", "data-map-state")
        if state == "shown":  # tiles reachable (else the map hid itself: the list stays)
            assert await page.get_attribute("[data-sites-map]", "data-marker-count") == "1"
        await _no_overflow(page)
        # Place the station at the site through the picker's field
        await page.goto(f"/sites/{site.pk}/")
        await page.get_by_label("Place stations here").fill("EDIT-ME-1")
        await page.get_by_role("button", name="Place", exact=True).click()
        await page.wait_for_selector('[data-station-row="EDIT-ME-1"]')
        await _no_overflow(page)
        # Edit the station
        await page.goto("/stations/EDIT-ME-1/edit/")
        await page.get_by_label("Name", exact=True).fill("Pier gate")
        await page.get_by_label("Max current (A)").fill("20")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url("**/stations/EDIT-ME-1/")
        station.refresh_from_db()
        assert (station.name, station.max_current, station.location_id) == ("Pier gate", 20, site.pk)
        await _no_overflow(page)
        # A new password, shown once
        await page.get_by_role("button", name="New password").click()
        shown = (await page.locator("[data-new-password]").text_content()).strip()
        station.refresh_from_db()
        assert check_password(shown, station.password_hash)
        assert not check_password(old_password, station.password_hash)
        await _no_overflow(page)
        await page.goto("/stations/EDIT-ME-1/")
        assert shown not in await page.content()
        # Remove, find it under Removed stations, restore
        await page.locator("summary", has_text="Remove").click()
        await page.get_by_role("button", name="Remove EDIT-ME-1").click()
        await page.wait_for_url("**/stations/")
        assert await page.locator('[data-station-row="EDIT-ME-1"]').count() == 0
        await page.goto("/stations/?removed=yes")
        await page.get_by_role("link", name="EDIT-ME-1").click()
        await page.wait_for_selector("[data-removed]")
        await page.get_by_role("button", name="Restore").click()
        await page.wait_for_selector("[data-new-password]")
        station.refresh_from_db()
        assert station.removed_at is None and station.enabled
        await _no_overflow(page)


@needs_chromium
async def test_a_sites_counts_follow_its_stations_without_reload(server):
    tenant = make_tenant("SiteLive")
    site = Location.objects.create(tenant=tenant, name="Live yard")
    station, password = make_station(tenant, identity="SITE-LIVE-1", location=site)
    user = member(tenant, Role.ACCOUNTANT)  # reads a site's page
    count = "document.querySelector('[data-site-summary] [data-count=\"{}\"]').textContent.trim()"
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto(f"/sites/{site.pk}/")
        await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")
        await page.evaluate("window.notReloaded = true")
        assert await page.evaluate(count.format("online")) == "0"
        async with charge_point(server, tenant, station, password) as cp:
            await page.wait_for_function(f"() => {count.format('online')} === '1'", timeout=15_000)
            await cp.status(1, "Charging")
            await page.wait_for_function(f"() => {count.format('charging')} === '1'", timeout=15_000)
        await page.wait_for_function(f"() => {count.format('online')} === '0'", timeout=15_000)
        assert await page.evaluate("window.notReloaded") is True
