"""The station page's "Current limit" card follows load management live (issue 21, "Live where
it matters"; docs/dashboard.md, "Live updates"): a real 1.6 charge point in a load group starts a
transaction and the card shows the group's share; the group's cap is lowered through the API, the
rebalance sends the new limit, and the card shows it within seconds, without a reload."""

from contextlib import AsyncExitStack

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_load_management import limits_become, make_group

pytestmark = needs_chromium

LIMIT = "document.querySelector('#station-limit').textContent"


async def _until(page, condition: str, timeout: int = 10_000) -> None:
    await page.wait_for_function(f"() => {condition}", timeout=timeout)  # a function: CSP forbids eval


async def test_the_current_limit_card_follows_a_new_cap_without_reload(server, celery_worker):
    tenant = make_tenant("LiveLimit")
    station, password = make_station(tenant, identity="LIVE-LIMIT-1")
    make_id_tag(tenant, "LIMIT-TAG")
    user = member(tenant, Role.INSTALLER)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [station], name="Depot", max_current="32")
        cp = await stack.enter_async_context(charge_point(server, tenant, station, password))
        await cp.status(1, "Available")
        await cp.start_transaction(1, "LIMIT-TAG")
        await limits_become({cp: 32.0})
        chromium = await stack.enter_async_context(browser())
        page = await stack.enter_async_context(signed_in(chromium, server, user))
        await page.goto("/stations/LIVE-LIMIT-1/")
        await page.wait_for_function("() => document.documentElement.dataset.live === 'open'",
                                     timeout=20_000)
        await page.evaluate("window.notReloaded = true")
        before = await page.evaluate(LIMIT)
        changed = await api.patch(f"/api/v1/load-groups/{group['id']}/", json={"max_current": "20"})
        assert changed.status_code == 200, changed.text
        await limits_become({cp: 20.0})
        await _until(page, f"{LIMIT}.includes('20.0 A') && {LIMIT}.includes('cap 20.0 A')",
                     timeout=8_000)
        after = await page.evaluate(LIMIT)
        assert await page.evaluate("window.notReloaded") is True
    assert "Depot" in before and "32.0 A" in before and "load group" in before
    assert "32.0 A" not in after.replace("cap 20.0 A", "")
