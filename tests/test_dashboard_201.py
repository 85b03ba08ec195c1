"""The station page of a 2.0.1 station in a real browser: its connectors under their EVSEs follow
the live feed, a connector first reported while the page is open is placed as EVSE/connector,
and a status of 2.0.1's own (Occupied) reaches the right connector
(tests/fast/stations/dashboard/test_dashboard_201.py renders the rest)."""

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point_201, make_station, make_tenant

pytestmark = needs_chromium


def _shows(selector: str, text: str) -> str:
    """A page function (the CSP forbids eval) true once `selector`'s text is `text`."""
    quoted = selector.replace('"', '\\"')
    return (f'() => {{ const el = document.querySelector("{quoted}");'
            f' return el !== null && el.textContent === "{text}"; }}')


async def test_a_201_stations_connectors_follow_the_live_feed_under_their_evses(server):
    tenant = make_tenant("Live201")
    station, password = make_station(tenant, identity="LIVE-201")
    async with charge_point_201(server, tenant, station, password):  # EVSE 1, one connector
        pass
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/stations/LIVE-201/")
        await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")
        assert "EVSEs and connectors" in await page.content()
        # The station comes back with a second connector on EVSE 1 (station-wide number 1001)
        async with charge_point_201(server, tenant, station, password,
                                    connectors_per_evse=2) as cp:
            second = '[data-station="LIVE-201"][data-connector="1001"]'
            await page.wait_for_function(_shows(f"{second} .cid", "1/2"), timeout=3000)
            await cp.status(1, "Occupied", connector_id=2)
            await page.wait_for_function(_shows(f"{second} .cstatus", "Occupied"), timeout=3000)
            first = '[data-station="LIVE-201"][data-connector="1"]'
            assert await page.locator(f"{first} .cstatus").text_content() == "Available"
            assert "status-occupied" in await page.locator(second).get_attribute("class")
            row = page.locator('[data-connectors="LIVE-201"] tr').filter(has=page.locator(second))
            assert (await row.locator("th").text_content()) == "EVSE 1"
