"""Screenshots of the dashboard's main pages, for the README, from a server that runs already:

    manage.py screenshots docs/screenshots --url http://127.0.0.1:8000 --username demo --password …

Drives headless Chromium (Debian's `chromium`, through Playwright; no browser download). It
starts nothing and changes nothing: it signs in, opens each page and saves a PNG per page, at
desktop width and (with --phone) at phone width too, with the phone's menu opened."""

import asyncio
import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

PAGES = [("overview", "/"), ("stations", "/stations/"), ("onboarding", "/stations/new/"),
         ("sites", "/sites/"), ("sessions", "/sessions/"), ("reports", "/reports/"),
         ("id-tags", "/id-tags/"), ("tariffs", "/tariffs/"), ("load-groups", "/load-groups/"),
         ("invoices", "/invoices/"), ("alerts", "/alerts/"), ("users", "/team/")]


class Command(BaseCommand):
    help = "Take screenshots of the dashboard's main pages of a running server."

    def add_arguments(self, parser):
        parser.add_argument("out_dir")
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", default=os.environ.get("SCREENSHOTS_PASSWORD"),
                            help="Default: $SCREENSHOTS_PASSWORD")
        parser.add_argument("--station", help="Also the page of this station identity")
        parser.add_argument("--phone", action="store_true", help="Also at phone width (390 px)")
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium")
                            or "/usr/bin/chromium")

    def handle(self, *args, **options):
        if not options["password"]:
            raise CommandError("Give --password or set SCREENSHOTS_PASSWORD.")
        out = Path(options["out_dir"])
        out.mkdir(parents=True, exist_ok=True)
        pages = list(PAGES)
        if options["station"]:
            pages.insert(2, ("station", f"/stations/{options['station']}/"))
        saved = asyncio.run(self._shoot(options, out, pages))
        for path in saved:
            self.stdout.write(str(path))

    async def _shoot(self, options, out: Path, pages) -> list[Path]:
        from playwright.async_api import async_playwright

        sizes = [("", {"width": 1280, "height": 900})]
        if options["phone"]:
            sizes.append(("-phone", {"width": 390, "height": 844}))
        saved = []
        async with async_playwright() as playwright:
            chromium = await playwright.chromium.launch(
                executable_path=options["chromium"], args=["--no-sandbox", "--disable-dev-shm-usage"])
            try:
                for suffix, viewport in sizes:
                    context = await chromium.new_context(base_url=options["url"].rstrip("/"),
                                                         viewport=viewport)
                    page = await context.new_page()
                    await page.goto("/accounts/login/")
                    await page.get_by_label("Username").fill(options["username"])
                    await page.get_by_label("Password").fill(options["password"])
                    await page.get_by_role("button", name="Log in").click()
                    await page.wait_for_load_state("networkidle")
                    if "/accounts/login/" in page.url:
                        raise CommandError("Could not sign in with these credentials.")
                    for name, path in pages:
                        response = await page.goto(path)
                        if response is None or response.status != 200:
                            self.stderr.write(f"skipped {path}: HTTP {response and response.status}")
                            continue
                        await page.wait_for_load_state("networkidle")
                        target = out / f"{name}{suffix}.png"
                        await page.screenshot(path=str(target), full_page=True)
                        saved.append(target)
                    if suffix:  # the phone's menu, opened (docs/dashboard.md, "On a phone")
                        saved.append(await self._menu(page, out / f"menu{suffix}.png"))
                    await context.close()
            finally:
                await chromium.close()
        return saved

    @staticmethod
    async def _menu(page, target: Path) -> Path:
        await page.goto("/")
        await page.wait_for_load_state("networkidle")
        await page.locator("nav.site .nav-toggle").click()
        await page.screenshot(path=str(target))
        return target
