"""The people pages in real headless Chromium, on a desktop and a 390 px phone (docs/dashboard.md,
"People"): a manager edits an id tag and blocks it from the list, imports a CSV with one bad row
(the error is shown, nothing imported), invites a new address, and the invited person follows
the e-mailed link, chooses a password, signs in and lands in the tenant. The server writes its
e-mails to files (tests/alert_mail.py), as tests/test_alerts_delivery.py reads them."""

import email
from itertools import count

import pytest

from stations.models import IdTag
from tenants.models import Membership, Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.conftest import _tmp
from tests.factories import make_id_tag, make_tenant
from tests.server import server_env, start_server

pytestmark = needs_chromium
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SEPARATOR = "-" * 79
_n = count()
WIDE = "document.documentElement.scrollWidth > window.innerWidth"


@pytest.fixture(scope="module")
def mailing(database, tmp_path_factory):
    mails = tmp_path_factory.mktemp("people-mails")
    env = server_env() | {"EMAIL_BACKEND": "tests.alert_mail.EnvFileEmailBackend",
                          "EMAIL_FILE_PATH": str(mails)}
    srv = start_server(env, _tmp)
    srv.mails = mails
    yield srv
    srv.stop()


def mail_to(server, address: str) -> email.message.Message:
    for path in server.mails.iterdir():
        for chunk in path.read_text(errors="replace").split(SEPARATOR):
            message = email.message_from_string(chunk.strip() + "\n") if chunk.strip() else None
            if message is not None and address in (message["To"] or ""):
                return message
    raise AssertionError(f"no e-mail to {address}")


async def not_wider_than_the_screen(page) -> None:
    assert not await page.evaluate(f"() => {WIDE}"), f"{page.url} is wider than the viewport"


@pytest.mark.timeout(600)  # two browsers and a server on a shared machine
@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_a_manager_edits_blocks_imports_and_invites(mailing, viewport):
    n = next(_n)
    tenant = make_tenant(f"People {viewport}")
    make_id_tag(tenant, f"CARD-{n}")
    user = member(tenant, Role.MANAGER)
    invited = f"invited-{viewport}-{n}@example.com"
    async with browser() as chromium, signed_in(chromium, mailing, user) as page:
        await page.set_viewport_size(VIEWPORTS[viewport])
        await page.goto("/id-tags/")
        await not_wider_than_the_screen(page)
        await page.get_by_role("link", name=f"CARD-{n}", exact=True).click()
        await page.get_by_label("Name").fill("Front desk card")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url("**/id-tags/")
        assert "Front desk card" in await page.locator("table").inner_text()
        await page.get_by_role("button", name=f"Block CARD-{n}").click()
        await page.get_by_role("button", name=f"Unblock CARD-{n}").wait_for()
        assert IdTag.objects.get(tenant=tenant, id_tag=f"CARD-{n}").status == "Blocked"

        await page.get_by_role("link", name="Import CSV").click()
        await not_wider_than_the_screen(page)
        csv = "id_tag,name,status\nNEW-1,One,Accepted\nNEW-2,Two,Lost\n"
        await page.get_by_label("CSV file").set_input_files(
            {"name": "tags.csv", "mimeType": "text/csv", "buffer": csv.encode()})
        await page.get_by_role("button", name="Import").click()
        errors = await page.locator("#import-errors").inner_text()
        assert "Nothing was imported" in errors and 'Line 3: status: "Lost"' in errors
        assert not IdTag.objects.filter(tenant=tenant, id_tag="NEW-1").exists()

        await page.goto("/team/")
        await not_wider_than_the_screen(page)
        await page.get_by_role("textbox", name="E-mail", exact=True).fill(invited)
        await page.get_by_label("Role", exact=True).select_option("accountant")
        await page.get_by_role("button", name="Invite").click()
        await page.get_by_text("Invited, no password chosen yet").wait_for()

    body = mail_to(mailing, invited).get_payload(decode=True).decode()
    link = next(word for word in body.split() if "/accounts/reset/" in word)
    async with browser() as chromium:
        context = await chromium.new_context(viewport=VIEWPORTS[viewport])
        page = await context.new_page()
        page.set_default_timeout(10_000)
        await page.goto(link)
        await page.get_by_label("New password", exact=True).fill("Correct-Horse-Battery-9")
        await page.get_by_label("New password confirmation").fill("Correct-Horse-Battery-9")
        await page.get_by_role("button", name="Set password").click()
        await page.get_by_role("link", name="Log in").click()
        await page.get_by_label("Username").fill(invited)
        await page.get_by_label("Password").fill("Correct-Horse-Battery-9")
        await page.get_by_role("button", name="Log in").click()
        await page.wait_for_url(f"{mailing.http}/")
        assert tenant.name in await page.content()
        await not_wider_than_the_screen(page)
        await context.close()
    assert Membership.objects.get(tenant=tenant, user__email=invited).role == Role.ACCOUNTANT
