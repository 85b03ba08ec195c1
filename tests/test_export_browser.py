"""The export page in real headless Chromium, on a desktop and a 390 px phone (docs/portability.md,
"Where"): a manager opens "Export all data" from the navigation (behind the Menu button on a
phone), downloads the whole-tenant archive (a zip of the documented files, each matching the
manifest, holding the tenant's station) and the meter values CSV: a reversed period is refused
on the page with the reason (400), a good one downloads with the header row and the tenant's
sample. An installer and an accountant have no export page nor archive (403), but the meter
values CSV is theirs too. No page is wider than the screen."""

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest

from portability.meter_values import COLUMNS
from portability.tables import FORMAT, TABLES
from stations.models import MeterSample
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import make_station, make_tenant

pytestmark = needs_chromium
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WIDE = "document.documentElement.scrollWidth > window.innerWidth"
DOCUMENTED = {"tenant.json", "manifest.json", "files/README.txt", *(f"{t.file}.jsonl" for t in TABLES)}
_n = count()


def _tenant_with_a_sample(viewport: str):
    """A tenant whose one station sent one energy reading yesterday."""
    tenant = make_tenant(f"Export {viewport}")
    station, _ = make_station(tenant, f"EXPORT-{viewport.upper()}-{next(_n)}")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    MeterSample.objects.create(station=station, connector_id=1, timestamp=yesterday, received_at=yesterday,
                               measurand="Energy.Active.Import.Register", unit="Wh", value=Decimal("1234"))
    return tenant, station


async def not_wider_than_the_screen(page) -> None:
    assert not await page.evaluate(f"() => {WIDE}"), f"{page.url} is wider than the viewport"


async def nav_link(page, label: str):
    """The main navigation's link, the Menu opened first where it is folded (a phone)."""
    toggle = page.locator("nav.site .nav-toggle")
    if await toggle.is_visible():
        await toggle.click()
    return page.locator("nav.site ul").get_by_role("link", name=label, exact=True)


async def downloaded(page, click) -> tuple[str, bytes]:
    async with page.expect_download() as info:
        await click()
    download = await info.value
    with open(await download.path(), "rb") as file:
        return download.suggested_filename, file.read()


async def meter_values(page, since: str, until: str):
    await page.get_by_label("From").fill(since)
    await page.get_by_label("Before").fill(until)
    return page.get_by_role("button", name="Meter values CSV")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_a_manager_downloads_the_archive_and_the_meter_values(server, viewport):
    tenant, station = _tenant_with_a_sample(viewport)
    user = member(tenant, Role.MANAGER)
    today = datetime.now(UTC).date()
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.set_viewport_size(VIEWPORTS[viewport])
        await (await nav_link(page, "Export all data")).click()
        await page.wait_for_url("**/export/")
        await not_wider_than_the_screen(page)

        name, body = await downloaded(page, page.get_by_role("link", name="Download the archive").click)
        assert name.startswith(f"{tenant.slug}-export-") and name.endswith(".zip")
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert archive.testzip() is None  # every entry reads back with its CRC
        names = set(archive.namelist())
        assert DOCUMENTED <= names and all(n in DOCUMENTED or n.startswith("files/") for n in names)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == FORMAT and manifest["tenant"]["slug"] == tenant.slug
        for file, facts in manifest["files"].items():
            assert hashlib.sha256(archive.read(file)).hexdigest() == facts["sha256"], file
        assert json.loads(archive.read("tenant.json"))["slug"] == tenant.slug
        stations = [json.loads(line) for line in archive.read("stations.jsonl").splitlines()]
        assert [s["identity"] for s in stations] == [station.identity]
        assert manifest["files"]["meter_values.jsonl"]["rows"] == 1

        refuse = await meter_values(page, str(today), str(today - timedelta(days=7)))  # reversed
        async with page.expect_response("**/export/meter-values.csv?*") as answer:
            await refuse.click()
        assert (await answer.value).status == 400
        await page.get_by_text("Must not be before since.").wait_for()
        await not_wider_than_the_screen(page)

        accept = await meter_values(page, str(today - timedelta(days=7)), str(today + timedelta(days=1)))
        name, body = await downloaded(page, accept.click)
        assert name == f"meter-values-{tenant.slug}.csv"
        lines = body.decode("utf-8-sig").split("\r\n")
        assert lines[0] == ",".join(COLUMNS)
        row = dict(zip(COLUMNS, lines[1].split(","), strict=True))
        assert row["station"] == station.identity and row["connector_id"] == "1"
        assert row["unit"] == "Wh" and Decimal(row["value"]) == 1234 and lines[2:] == [""]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", [Role.INSTALLER, Role.ACCOUNTANT])
async def test_other_roles_have_the_meter_values_but_not_the_archive(server, viewport, role):
    tenant, station = _tenant_with_a_sample(viewport)
    user = member(tenant, role)
    today = datetime.now(UTC).date()
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.set_viewport_size(VIEWPORTS[viewport])
        assert not await (await nav_link(page, "Export all data")).count()
        assert (await page.goto("/export/")).status == 403
        assert (await page.request.get("/export/archive.zip")).status == 403

        refused = await page.goto(f"/export/meter-values.csv?since={today}&until={today - timedelta(days=1)}")
        assert refused.status == 400  # the form, with the reason, is theirs to correct
        await page.get_by_text("Must not be before since.").wait_for()
        await not_wider_than_the_screen(page)
        accept = await meter_values(page, str(today - timedelta(days=7)), str(today + timedelta(days=1)))
        name, body = await downloaded(page, accept.click)
        lines = body.decode("utf-8-sig").split("\r\n")
        assert lines[0] == ",".join(COLUMNS) and lines[1].startswith(f"{station.identity},")
