"""Real headless Chromium (Debian's `chromium`, driven by Playwright; no browser download) for
the dashboard's end-to-end tests: a browser per test module, a signed-in page per user."""

import os
import shutil
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import async_playwright

from tests.test_admin import PASSWORD, make_user

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason="needs Debian's chromium (.ci/run installs it)")


@asynccontextmanager
async def browser():
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                   args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            await chromium.close()


@asynccontextmanager
async def signed_in(chromium, server, user, password: str = PASSWORD):
    """A page of a fresh browser context, signed in through the login form."""
    context = await chromium.new_context(base_url=server.http, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto("/accounts/login/")
    await page.get_by_label("Username").fill(user.username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{server.http}/")
    try:
        yield page
    finally:
        await context.close()


def member(tenant, role: str):
    """A dashboard user of `tenant` with `role` (not staff: the admin is not theirs)."""
    user = make_user(tenant=tenant, role=role)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return user
