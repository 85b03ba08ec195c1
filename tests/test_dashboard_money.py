"""The dashboard's money pages where a flow needs the browser, in real headless Chromium: the
filtered sessions and their CSV, a session's plot, the tariff preview without a reload, an invoice run
and its PDF (the pages over plain HTTP, in process: tests/fast/billing/test_dashboard_money.py)."""

import re
from datetime import UTC, datetime, timedelta

from billing.models import Customer, Invoice
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.test_dashboard_money import charged, make_tariff, rows_of

# Sessions -------------------------------------------------------------------------------------

@needs_chromium
async def test_a_manager_filters_sessions_by_station_and_downloads_that_list_as_csv(server):
    tenant = make_tenant("Sessions")
    here, _ = make_station(tenant, identity="HERE-1")
    there, _ = make_station(tenant, identity="THERE-1")
    make_tariff(tenant, is_default=True)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    mine = charged(here, id_tag="DRIVER-A", wh=10_000, start=start)
    charged(there, id_tag="DRIVER-B", wh=5_000, start=start)
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/sessions/")
        await page.get_by_role("combobox", name="Station").fill("HERE-1")  # a picker: typed
        await page.get_by_role("button", name="Filter").click()
        await page.wait_for_url(re.compile(r"station=HERE-1"))
        table = await page.locator("table.data tbody").inner_text()
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Download CSV").click()
        download = await download_info.value
        text = open(await download.path(), encoding="utf-8").read()
    assert "HERE-1" in table and "THERE-1" not in table
    assert "10.000" in table and "3.57 EUR" in table  # 10 kWh x 0.30 = 3.00 net + 19 % VAT
    [row] = rows_of(text)
    assert (row["session_id"], row["station"], row["id_tag"]) == (str(mine.pk), "HERE-1", "DRIVER-A")
    assert (row["energy_kwh"], row["net"], row["vat"], row["gross"]) == ("10.000", "3.00", "0.57", "3.57")
    assert row["price_status"] == "final"


@needs_chromium
async def test_a_sessions_page_plots_its_power_and_energy_and_lists_its_cost_lines(server):
    tenant = make_tenant("Plot")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    session = charged(station, id_tag="DRIVER", wh=11_000, start=datetime.now(UTC) - timedelta(hours=2),
                      samples=True)
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto(f"/sessions/{session.pk}/")
        await page.locator("#session-plot[data-ready='1'] canvas").wait_for()
        series = await page.evaluate("JSON.parse(document.getElementById('session-series').textContent)")
        cost = await page.locator("section[aria-labelledby='cost-heading']").inner_text()
    assert len(series["t"]) == 7
    assert series["power_kw"][0] == 11.0 and series["energy_kwh"][-1] == 11.0
    assert "ENERGY" in cost and "11 kWh" in cost and "3.30" in cost and "3.93 EUR" in cost


# Tariffs ---------------------------------------------------------------------------------------


@needs_chromium
async def test_the_tariff_preview_shows_what_a_sample_session_costs_without_a_reload(server):
    tenant = make_tenant("Preview")
    make_tariff(tenant, name="Energy only")
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/tariffs/")
        await page.evaluate("window.notReloaded = true")
        await page.get_by_label("Energy (kWh)", exact=True).fill("10")
        await page.get_by_label("Charging (minutes)", exact=True).fill("60")
        await page.get_by_role("button", name="Compute").click()
        net = page.locator("[data-total='net']")
        await net.wait_for()
        totals = (await net.inner_text(), await page.locator("[data-total='gross']").inner_text())
        same_page = await page.evaluate("window.notReloaded === true")
        lines = await page.locator(".preview-result tbody").inner_text()
    assert totals == ("3.00 EUR", "3.57 EUR")
    assert same_page
    assert "ENERGY" in lines and "10 kWh" in lines


# Invoices and exports ----------------------------------------------------------------------------

@needs_chromium
async def test_an_accountant_issues_the_invoices_of_a_period_and_downloads_a_pdf(server):
    tenant = make_tenant("Invoices")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    customer = Customer.objects.create(tenant=tenant, name="Acme Fleet", address="1 Main St")
    make_id_tag(tenant, "FLEET-1", customer=customer)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    charged(station, id_tag="FLEET-1", wh=10_000, start=start)
    today = datetime.now(UTC).date()
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/invoices/")
        await page.get_by_label("First day").fill((today - timedelta(days=1)).isoformat())
        await page.get_by_label("Last day (included)").fill(today.isoformat())
        await page.get_by_role("button", name="Issue invoices").click()
        await page.get_by_text("1 invoice issued").wait_for()
        invoice = Invoice.objects.get(tenant=tenant)
        row = await page.locator("#invoice-table tbody tr").first.inner_text()
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name=f"PDF of {invoice.number}").click()
        download = await download_info.value
        document = open(await download.path(), "rb").read()
    assert invoice.number in row and "Acme Fleet" in row and "3.57 EUR" in row
    assert document.startswith(b"%PDF-")
    assert download.suggested_filename == f"{invoice.number}.pdf"
