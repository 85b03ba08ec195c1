"""The station page of a 2.0.1 station in a real browser while a fault event comes: the
connector turns Faulted with the event's techCode and the latest events list shows it, both
from the live feed (docs/ocpp201.md, monitoring and events)."""

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point_201, make_station, make_tenant

pytestmark = needs_chromium


def _contains(selector: str, text: str) -> str:
    """A page function (the CSP forbids eval) true once `selector`'s text contains `text`."""
    quoted = selector.replace('"', '\\"')
    return (f'() => {{ const el = document.querySelector("{quoted}");'
            f' return el !== null && el.textContent.includes("{text}"); }}')


async def test_a_fault_event_shows_live_on_the_station_page(server):
    tenant = make_tenant("Events201")
    station, password = make_station(tenant, identity="EVENTS-201")
    async with charge_point_201(server, tenant, station, password):
        pass
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/stations/EVENTS-201/")
        await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")
        await page.wait_for_function(_contains("#station-events-latest", "No events"))
        async with charge_point_201(server, tenant, station, password) as cp:
            await cp.problem(1, tech_code="GroundFault")
            connector = '[data-station="EVENTS-201"][data-connector="1"]'
            await page.wait_for_function(_contains(f"{connector} .cstatus", "Faulted"),
                                         timeout=3000)
            await page.wait_for_function(_contains("#station-events-latest", "GroundFault"),
                                         timeout=3000)
        assert await page.locator('a[href$="/monitoring/"]').count() == 0  # an accountant's
