"""Alerts live in a real browser: a manager has the overview open, a real charge point reports
a connector Faulted, and the alert appears in the overview's card, the header badge counts it
and the Faulted tile rises, all without a reload; Available resolves it and it goes. The station
page's card follows too (the pages and actions per role: tests/fast/alerts/test_dashboard.py)."""

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point, make_station, make_tenant

pytestmark = needs_chromium

BADGE = "document.querySelector('#alerts-badge [data-alert-count]').textContent"
CARD = "document.querySelector('#overview-alerts').textContent"


async def _live(page) -> None:
    await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")


async def _until(page, condition: str, timeout: int = 10_000) -> None:
    await page.wait_for_function(f"() => {condition}", timeout=timeout)  # a function: CSP forbids eval


async def test_a_fault_appears_on_the_overview_and_the_badge_without_reload_and_goes(server):
    tenant = make_tenant("AlertsLive")
    station, password = make_station(tenant, identity="ALERT-LIVE-1")
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point(server, tenant, station, password) as cp:
            await cp.status(1, "Available")
            await page.goto("/")
            await _live(page)
            await page.evaluate("window.notReloaded = true")
            assert await page.evaluate(BADGE) == "0"
            assert "No open alerts" in await page.evaluate(CARD)
            await cp.status(1, "Faulted", error_code="GroundFailure")
            await _until(page, f"{CARD}.includes('connector 1 faulted (GroundFailure)')")
            await _until(page, f"{BADGE} === '1'")
            await _until(page, "document.querySelector('#fig-faulted').textContent === '1'")
            await cp.status(1, "Available")
            await _until(page, f"{CARD}.includes('No open alerts')")
            await _until(page, f"{BADGE} === '0'")
            await _until(page, "document.querySelector('#fig-faulted').textContent === '0'")
            assert await page.evaluate("window.notReloaded") is True


async def test_the_station_page_card_follows_its_station(server):
    tenant = make_tenant("AlertsStation")
    station, password = make_station(tenant, identity="ALERT-LIVE-2")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point(server, tenant, station, password) as cp:
            await cp.status(2, "Available")
            await page.goto("/stations/ALERT-LIVE-2/")
            await _live(page)
            await page.evaluate("window.notReloaded = true")
            card = "document.querySelector('#station-alerts').textContent"
            await cp.status(2, "Faulted", error_code="HighTemperature")
            await _until(page, f"{card}.includes('connector 2 faulted (HighTemperature)')")
            await page.get_by_label("Reason").fill("fan replaced")
            await page.get_by_role("button", name="Mute").click()
            await _until(page, f"{card}.includes('fan replaced')")
            await cp.status(2, "Available")
            await _until(page, f"{card}.includes('No open alerts')")
            assert "Recent history" in await page.evaluate(card)
            assert await page.evaluate("window.notReloaded") is True


async def test_an_acknowledge_redraws_the_row_and_the_badge_in_place(server):
    tenant = make_tenant("AlertsAck")
    station, password = make_station(tenant, identity="ALERT-LIVE-3")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point(server, tenant, station, password) as cp:
            await page.goto("/alerts/")
            await _live(page)
            await page.evaluate("window.notReloaded = true")
            await cp.status(1, "Faulted", error_code="OverVoltage")
            button = page.get_by_role("button", name="Acknowledge")
            await button.wait_for()  # the open list was redrawn live
            await _until(page, f"{BADGE} === '1'")
            await button.click()
            await _until(page, "document.querySelector('#open-alerts').textContent"
                               f".includes('user {user.username}')")
            await _until(page, f"{BADGE} === '0'")
            assert await page.evaluate("window.notReloaded") is True
