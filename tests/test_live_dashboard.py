"""The dashboard live in a real browser (issue 21, "Live where it matters"; docs/dashboard.md,
"Live updates"): a real charge point starts a transaction, reports meter values, stops and
disconnects, and without a reload the station page shows the session, offers it to Remote stop,
shows the power and energy, then the stop and energy, and greys the connectors when the station
goes; the overview's counters and the sessions list follow. A date reads the same after a live
update as after a reload. One 2.0.1 check for the TransactionEvent path."""

import asyncio
import time

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point, charge_point_201, make_id_tag, make_station, make_tenant

pytestmark = needs_chromium

SESSIONS = "document.querySelector('#station-sessions').textContent"
STOP = "document.querySelector('#remote-stop-slot').textContent"
POWER = "document.querySelector('[data-power=\"1\"]').textContent"
STARTED = "document.querySelector('#station-sessions [data-label=\"Started\"]').textContent"


async def _live(page) -> None:
    await page.wait_for_function("() => document.documentElement.dataset.live === 'open'", timeout=20_000)


async def _until(page, condition: str, timeout: int = 10_000) -> None:
    await page.wait_for_function(f"() => {condition}", timeout=timeout)  # a function: CSP forbids eval


async def test_the_station_page_follows_a_session_and_a_disconnect_without_reload(server):
    tenant = make_tenant("LivePage")
    station, password = make_station(tenant, identity="LIVE-PAGE-1")
    make_id_tag(tenant, "LIVE-TAG")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point(server, tenant, station, password) as cp:
            await cp.status(1, "Available")
            await page.goto("/stations/LIVE-PAGE-1/")
            await _live(page)
            await page.evaluate("window.notReloaded = true")
            assert "No transaction is running" in await page.evaluate(STOP)
            started = await cp.start_transaction(1, "LIVE-TAG")
            tx = str(started.transaction_id)
            await _until(page, f"{SESSIONS}.includes('running') && {SESSIONS}.includes('LIVE-TAG')")
            await _until(page, "!!document.querySelector('#remote-stop-slot select')")
            options = await page.eval_on_selector_all("#remote-stop-slot select option",
                                                      "os => os.map(o => o.value)")
            assert options == [tx]
            assert "0 Wh" in await page.evaluate(SESSIONS)  # the start reading, 0: never "–"
            await cp.meter_values(1, 204, power_w=6900.0)
            await _until(page, f"{POWER} === '6.9 kW'")
            await _until(page, "document.querySelector('#station-sessions [data-running] [data-energy]')"
                               ".textContent === '204 Wh'")
            live_started = await page.evaluate(STARTED)
            await cp.stop_transaction(1)
            await _until(page, f"!{SESSIONS}.includes('running')")
            await _until(page, "document.querySelector('#station-sessions [data-energy]')"
                               ".textContent === '204 Wh'")
            await _until(page, f"{STOP}.includes('No transaction is running')")
            assert await page.evaluate(POWER) == "–"
            await _until(page, "document.querySelector('#message-log')"
                               ".textContent.includes('StopTransaction')")
        # The charge point is gone: its connector is no longer a green "Available".
        connector = "document.querySelector('.connector[data-station=\"LIVE-PAGE-1\"]')"
        await _until(page, f"{connector}.textContent.includes('offline (last known: Available)')")
        assert await page.evaluate(f"{connector}.className") == "connector offline"
        assert await page.evaluate("document.querySelector('[data-link]').textContent") == "offline"
        since_live = await page.evaluate("document.querySelector('#link-since time').textContent")
        assert await page.evaluate("window.notReloaded") is True
        await page.reload()
        # One format: the same text in the same element after the live update and after a reload.
        assert await page.evaluate(STARTED) == live_started
        since_reload = await page.evaluate("document.querySelector('#link-since time').textContent")
        assert since_live[:-2] == since_reload[:-2]  # the same format (the seconds may differ by one)
        assert "offline (last known: Available)" in await page.evaluate(f"{connector}.textContent")


async def test_the_overview_and_the_sessions_list_follow_without_reload(server):
    tenant = make_tenant("LiveOverview")
    station, password = make_station(tenant, identity="LIVE-OV-1")
    make_id_tag(tenant, "OV-TAG")
    user = member(tenant, Role.MANAGER)
    figure = "document.querySelector('#fig-{}').textContent"
    async with browser() as chromium, signed_in(chromium, server, user) as overview:
        sessions = await overview.context.new_page()
        await sessions.goto("/sessions/")
        await overview.goto("/")
        for page in (overview, sessions):
            await _live(page)
            await page.evaluate("window.notReloaded = true")
        assert await overview.evaluate(figure.format("online")) == "0"
        async with charge_point(server, tenant, station, password) as cp:
            await _until(overview, f"{figure.format('online')} === '1'")
            await cp.status(1, "Available")
            await cp.start_transaction(1, "OV-TAG")
            await _until(overview, f"{figure.format('running')} === '1'")
            await _until(overview, f"{figure.format('sessions-today')} === '1'")
            row = "document.querySelector('#sessions-list tbody tr')"
            await _until(sessions, f"{row}.textContent.includes('LIVE-OV-1')"
                                   f" && {row}.textContent.includes('running')")
            await cp.meter_values(1, 1500, power_w=7000.0)
            await _until(sessions, f"{row}.querySelector('[data-energy-kwh]').textContent === '1.500'")
            await cp.status(1, "Faulted", error_code="GroundFailure")
            await _until(overview, f"{figure.format('faulted')} === '1'", timeout=2_500)
            await _until(overview, "document.querySelector('section[aria-labelledby=\"h-faults\"]')"
                                   ".textContent.includes('GroundFailure')")
            await cp.stop_transaction(1)
            await _until(sessions, f"!{row}.textContent.includes('running')")
            closed_at = time.monotonic()
        await _until(overview, f"{figure.format('offline')} === '1'", timeout=2_500)
        assert time.monotonic() - closed_at < 3
        for page in (overview, sessions):
            assert await page.evaluate("window.notReloaded") is True


async def test_a_201_transaction_event_session_shows_live(server):
    tenant = make_tenant("Live201")
    station, password = make_station(tenant, identity="LIVE-201")
    make_id_tag(tenant, "TOKEN-201")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point_201(server, tenant, station, password) as cp:
            await page.goto("/stations/LIVE-201/")
            await _live(page)
            await page.evaluate("window.notReloaded = true")
            await cp.start_transaction(1, "TOKEN-201")
            tx = cp.evses[1].transaction_id
            await _until(page, f"{SESSIONS}.includes('running')")
            await _until(page, f"{STOP}.includes('{tx}')")
            await cp.meter_values(1, 300, power_w=11000.0)
            await _until(page, f"{POWER} === '11.0 kW'")
            await cp.stop_transaction(1)
            await _until(page, f"!{SESSIONS}.includes('running')")
            await asyncio.sleep(0)
            assert await page.evaluate("window.notReloaded") is True


async def test_the_stations_list_greys_a_station_that_goes_and_colours_it_again(server):
    tenant = make_tenant("LiveList")
    station, password = make_station(tenant, identity="LIVE-LIST-1")
    user = member(tenant, Role.INSTALLER)
    connector = "document.querySelector('.connector[data-station=\"LIVE-LIST-1\"]')"
    seen = "document.querySelector('[data-last-seen=\"LIVE-LIST-1\"]').textContent"
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/stations/")
        await _live(page)
        await page.evaluate("window.notReloaded = true")
        assert await page.evaluate(seen) == "never"
        async with charge_point(server, tenant, station, password) as cp:
            await _until(page, f"{seen} !== 'never'")  # a fresh station is seen at once
            await cp.status(1, "Available")
            await _until(page, f"{connector} && {connector}.className === 'connector status-available'")
        await _until(page, f"{connector}.textContent.includes('offline (last known: Available)')")
        assert await page.evaluate(f"{connector}.className") == "connector offline"
        async with charge_point(server, tenant, station, password):
            await _until(page, f"{connector}.className === 'connector status-available'")
            assert "offline" not in await page.evaluate(f"{connector}.textContent")
        assert await page.evaluate("window.notReloaded") is True
