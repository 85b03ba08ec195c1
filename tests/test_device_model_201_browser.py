"""The device model on a 2.0.1 station's page in a real browser: the Refresh device model button
asks for a full report, and once its last part came the live feed has the page read the model
again, with no reload; a Set form there shows the station's verdict in place
(tests/fast/stations/test_device_model_dashboard.py renders the rest)."""

from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point_201, make_station, make_tenant

pytestmark = needs_chromium


async def test_the_refresh_button_fills_the_model_in_place_and_a_set_shows_its_verdict(server):
    tenant = make_tenant("Model201")
    station, password = make_station(tenant, identity="MODEL-201")
    async with charge_point_201(server, tenant, station, password) as cp:
        user = member(tenant, Role.INSTALLER)
        async with browser() as chromium, signed_in(chromium, server, user) as page:
            await page.goto("/stations/MODEL-201/")
            await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")
            model = page.locator("#device-model")
            await model.get_by_text("No device model yet").wait_for()
            await page.get_by_role("button", name="Refresh device model").click()
            await page.locator("#device-report-answer .status").get_by_text("Accepted").wait_for()
            row = model.locator('tr[data-variable="OCPPCommCtrlr.HeartbeatInterval"]')
            await row.wait_for(timeout=10_000)
            assert "complete" in await model.locator('[data-field="device-reports"]').text_content()
            await row.get_by_label("New value of OCPPCommCtrlr.HeartbeatInterval").fill("75")
            await row.get_by_role("button", name="Set").click()
            await row.locator(".status").get_by_text("Accepted").wait_for()
    assert cp.variable("OCPPCommCtrlr", "HeartbeatInterval") == "75"
