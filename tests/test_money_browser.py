"""The money pages in real headless Chromium, on a desktop and a 390 px phone (docs/pricing.md,
"The tariff editor"; docs/invoicing.md): a manager builds a tariff with a night band and a
weekend band (the second row added with "Add a band"), the preview computes on the tariffs page;
an accountant marks an invoice paid, e-mails it (the server writes its mail to files, as
tests/test_people_browser.py reads them) and downloads the ticked PDFs as one ZIP. No page is
wider than the screen."""

import asyncio
import email
import io
import os
import time
import zipfile
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from billing.invoices.services import invoice_run
from billing.models import Invoice, Tariff
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.conftest import _tmp
from tests.factories import make_tenant
from tests.fast.billing.invoices.test_invoices import customers_with_sessions
from tests.server import server_env, start_celery_worker, start_server

pytestmark = needs_chromium
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WIDE = "document.documentElement.scrollWidth > window.innerWidth"
_n = count()


@pytest.fixture(scope="module")
def mailing(database, tmp_path_factory):
    mails = tmp_path_factory.mktemp("money-mails")
    env = server_env() | {"EMAIL_BACKEND": "tests.alert_mail.EnvFileEmailBackend",
                          "EMAIL_FILE_PATH": str(mails)}
    srv = start_server(env, _tmp)
    # With Redis the e-mail task runs on a worker (eager on the embedded default)
    worker = start_celery_worker(env, _tmp) if os.environ.get("REDIS_URL") else None
    srv.mails = mails
    yield srv
    if worker is not None:
        worker.stop()
    srv.stop()


async def mails_to(mailing, address: str, timeout: float = 20) -> list:
    """The mails written to `address` (with Redis a worker sends them a moment after the page
    says so; eager on the embedded default)."""
    deadline = time.monotonic() + timeout
    while True:
        sent = [email.message_from_string(p.read_text(errors="replace").split("-" * 79)[0].strip() + "\n")
                for p in mailing.mails.iterdir() if address in p.read_text(errors="replace")]
        if sent or time.monotonic() > deadline:
            return sent
        await asyncio.sleep(0.2)


async def not_wider_than_the_screen(page) -> None:
    assert not await page.evaluate(f"() => {WIDE}"), f"{page.url} is wider than the viewport"


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_a_manager_builds_a_tariff_with_a_night_and_a_weekend_band(mailing, viewport):
    tenant = make_tenant(f"Tariff editor {viewport}")
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, mailing, user) as page:
        await page.set_viewport_size(VIEWPORTS[viewport])
        await page.goto("/tariffs/new/")
        await not_wider_than_the_screen(page)
        assert await page.locator("[data-band]:visible").count() == 1  # the others wait
        await page.locator('[name="name"]').fill("Car park")
        await page.locator('[name="energy_price"]').fill("0.30")
        await page.locator('[name="parking_price"]').fill("6.00")
        await page.locator('[name="band-0-start_time"]').fill("22:00")
        await page.locator('[name="band-0-end_time"]').fill("06:00")
        await page.locator('[name="band-0-energy_price"]').fill("0.20")
        await page.get_by_role("button", name="Add a band").click()
        await page.locator('[name="band-1-days"][value="SATURDAY"]').check()
        await page.locator('[name="band-1-days"][value="SUNDAY"]').check()
        await page.locator('[name="band-1-energy_price"]').fill("0.25")
        await not_wider_than_the_screen(page)
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url("**/tariffs/*/")
        tariff = Tariff.objects.get(tenant=tenant, name="Car park")
        assert [e.get("restrictions") for e in tariff.elements] == [
            {"start_time": "22:00", "end_time": "06:00"}, {"day_of_week": ["SATURDAY", "SUNDAY"]}, None]
        assert await page.locator('[name="band-0-start_time"]').input_value() == "22:00"

        await page.goto("/tariffs/")
        await page.locator('[name="start"]').fill("2026-03-04T23:00")  # a Wednesday night
        await page.locator('[name="minutes"]').fill("60")
        await page.locator('[name="kwh"]').fill("10")
        await page.get_by_role("button", name="Compute").click()
        total = page.locator('[data-total="net"]')
        await total.wait_for()
        assert (await total.inner_text()).startswith("2.00")  # 10 kWh at the night band's 0.20
        await not_wider_than_the_screen(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_an_accountant_marks_paid_emails_and_downloads_invoices(mailing, viewport):
    n = next(_n)
    tenant = make_tenant(f"Invoices {viewport}")
    customers_with_sessions(tenant, 2, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    today = datetime.now(UTC).date()
    first, second = invoice_run(tenant=tenant, period_start=today - timedelta(days=1), period_end=today,
                                render_pdf=False).issued
    address = f"buyer-{viewport}-{n}@example.com"
    first.customer.email = address
    first.customer.save()
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, mailing, user) as page:
        await page.set_viewport_size(VIEWPORTS[viewport])
        await page.goto("/invoices/")
        await not_wider_than_the_screen(page)
        row = page.locator(f'tr[data-invoice="{first.number}"]')
        await row.get_by_role("button", name="Mark paid").click()
        await page.locator(f'tr[data-invoice="{first.number}"] [data-status="paid"]').wait_for()
        assert Invoice.objects.get(pk=first.pk).paid_at is not None
        await page.locator(f'tr[data-invoice="{first.number}"]').get_by_role("button", name="E-mail").click()
        await page.get_by_text(f"is being sent to {address}").wait_for()
        sent = await mails_to(mailing, address)
        assert sent and first.number in sent[0]["Subject"]
        await page.get_by_label(f"Select {first.number}").check()
        await page.get_by_label(f"Select {second.number}").check()
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name="Download ticked PDFs (ZIP)").click()
        download = await download_info.value
        archive = zipfile.ZipFile(io.BytesIO(open(await download.path(), "rb").read()))
        assert sorted(archive.namelist()) == sorted([f"{first.number}.pdf", f"{second.number}.pdf"])
        await not_wider_than_the_screen(page)
