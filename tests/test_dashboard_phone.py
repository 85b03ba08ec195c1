"""Every dashboard page on a 390 px phone and a desktop, in real headless Chromium (issue 21:
"/invoices/ is 645 px wide", "the menu scrolls sideways with no hint", "every page requests a
missing /favicon.ico"; docs/dashboard.md, "On a phone").

The pages are not listed by hand: the test walks the URLconf (every GET route outside the API,
the admin and the stations' file transfers), fills the parameters from one seeded tenant holding
one of everything (a 1.6 and a 2.0.1 station, sessions with meter values, a load group, a tariff,
an invoice, a site, …) and opens each page as every role that may open it (a page that answers
403 to a role is not that role's). A route whose parameter the test cannot fill fails the walk
with its name, so a page added later is checked as soon as it lands. On each page: no wider than
the viewport, no console error (a Content-Security-Policy violation is one), no request that
fails or answers 4xx/5xx (favicon included). On a phone the menu opens and shows every link."""

import base64
import os
import re
import time
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from playwright.async_api import Error as PlaywrightError

from alerts.models import Alert
from billing.models import Customer, Invoice
from billing.services import tariff_create
from loadmgmt.models import LoadGroup
from stations.firmware.models import UploadRequest
from stations.models import ChargingSession, Location, MeterSample
from tenants.models import Role
from tests.browser import browser, member, needs_chromium
from tests.factories import make_id_tag, make_station, make_tenant
from tests.test_admin import PASSWORD
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ROLES = (Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT)
# Not dashboard pages: the API (its docs are checked below), the admin, what stations fetch,
# the static files, and the routes that only act (sign out).
NOT_PAGES = ("api/", "admin/", "ocpp-files/", "^static", "static/", "favicon.ico", "accounts/logout/")

# A route parameter -> its value from the seeded objects: by (the route's start, the name).
FILL = {
    ("stations/", "identity"): lambda o: [o["station"].identity, o["station201"].identity],
    ("alerts/", "identity"): lambda o: [o["station"].identity],
    ("reports/", "identity"): lambda o: [o["station"].identity, o["station201"].identity],
    ("reports/", "pk"): lambda o: [o["location"].pk],
    ("stations/", "pk"): lambda o: [o["log"].pk],
    ("sessions/", "pk"): lambda o: [o["session"].pk, o["session201"].pk],
    ("id-tags/", "pk"): lambda o: [o["id_tag"].pk],
    ("customers/", "pk"): lambda o: [o["customer"].pk],
    ("tariffs/", "pk"): lambda o: [o["tariff"].pk],
    ("invoices/", "pk"): lambda o: [o["invoice"].pk],
    ("exports/", "name"): lambda o: ["sessions"],
    ("load-groups/", "pk"): lambda o: [o["group"].pk],
    ("locations/", "pk"): lambda o: [o["location"].pk],
    ("sites/", "pk"): lambda o: [o["location"].pk],
    ("webhooks/", "pk"): lambda o: [o["endpoint"].pk],
    ("webhooks/", "event_id"): lambda o: [o["event"].pk],
    ("alerts/", "alert_id"): lambda o: [o["alert"].pk],
    ("alerts/", "kind"): lambda o: ["station_offline"],
    ("accounts/", "uidb64"): lambda o: ["x"],
    ("accounts/", "token"): lambda o: ["set-password"],
}
# Parameters of actions only (a GET answers 405): any value shows that.
ACTION_ONLY = {"monitor_id", "message_id", "reservation_id"}


def seed() -> dict:
    """A tenant with one of everything a dashboard page shows, committed (the server reads it)."""
    now = timezone.now()
    tenant = make_tenant("Phone walk")
    location = Location.objects.create(
        tenant=tenant, name="Car park Hauptbahnhof with a rather long name for a narrow screen",
        address="Europaplatz 1", postal_code="10557", city="Berlin", country="DE",
        latitude=Decimal("52.525"), longitude=Decimal("13.369"), timezone="Europe/Berlin")
    station, _ = make_station(tenant, "PHONE-WALK-CHARGER-WITH-A-LONG-IDENTITY-16", location=location)
    station201, _ = make_station(tenant, "PHONE-WALK-201", ocpp_version="2.0.1", location=location)
    customer = Customer.objects.create(tenant=tenant, name="Fleet customer GmbH & Co. KG",
                                       address="Hauptstraße 1\n10115 Berlin", email="fleet@example.com")
    tag = make_id_tag(tenant, "04A1B2C3D4E5F6", name="Driver", customer=customer)
    sessions = [ChargingSession.objects.create(
        tenant=tenant, station=s, connector_id=1, transaction_id=n, station_transaction_id=str(n),
        id_tag=tag.id_tag, id_tag_status="Accepted", meter_start=0, meter_stop=20_400,
        started_at=now - timedelta(hours=3), stopped_at=now - timedelta(hours=1))
        for n, s in ((1, station), (2, station201))]
    MeterSample.objects.bulk_create([MeterSample(
        station=station, session=sessions[0], connector_id=1,
        timestamp=now - timedelta(hours=3) + timedelta(minutes=10 * i), received_at=now,
        measurand=measurand, unit=unit, value=value)
        for i in range(12) for measurand, unit, value in (
            ("Energy.Active.Import.Register", "Wh", Decimal(1700 * i)),
            ("Power.Active.Import", "W", Decimal("6900")))])
    objects = {
        "tenant": tenant, "station": station, "station201": station201, "location": location,
        "customer": customer, "id_tag": tag, "session": sessions[0], "session201": sessions[1],
        "group": LoadGroup.objects.create(tenant=tenant, name="Car park level -2", max_current=63),
        "tariff": tariff_create(tenant=tenant, name="Standard AC", currency="EUR", vat_rate=Decimal("19"),
                                elements=[{"price_components": [
                                    {"type": "ENERGY", "price": "0.35", "step_size": 1},
                                    {"type": "PARKING_TIME", "price": "6.00", "step_size": 1}]}]),
        "invoice": Invoice.objects.create(
            tenant=tenant, number="INV-2026-000001", customer=customer, buyer_name=customer.name,
            seller_name="Operator", issued_at=now, period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30), currency="EUR", net=Decimal("7.14"),
            vat=Decimal("1.36"), gross=Decimal("8.50")),
        "log": UploadRequest.objects.create(tenant=tenant, station=station, kind=UploadRequest.LOG,
                                            location="x"),
        "alert": Alert.objects.create(tenant=tenant, kind="station_offline", key=f"station:{station.pk}",
                                      station=station, title="Station offline", opened_at=now,
                                      last_seen_at=now),
        "endpoint": WebhookEndpoint.objects.create(tenant=tenant, url="https://hooks.example.com/cpms/in",
                                                   secret_encrypted="-"),
        "event": WebhookEvent.objects.create(tenant=tenant, type="station.connected", occurred_at=now,
                                             data={}),
    }
    return objects


def page_routes() -> list[str]:
    """Every route of the URLconf that may be a dashboard page."""
    routes = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(NOT_PAGES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def fill_of(route: str, name: str):
    return next((fill for (start, name_), fill in FILL.items()
                 if name_ == name and route.startswith(start)), None)


def filled(route: str, values_of) -> list[str]:
    """The route's URLs, each parameter replaced by each of `values_of(name)`."""
    urls = [""]
    for piece in re.split(r"(<(?:\w+:)?\w+>)", route):
        name = re.fullmatch(r"<(?:\w+:)?(\w+)>", piece)
        values = values_of(name[1]) if name else [piece]
        urls = [done + str(value) for done in urls for value in values]
    return ["/" + url for url in urls]


def urls_of(objects: dict) -> tuple[list[str], list[str]]:
    """The URLs to open (each route with its parameters filled), and those of the routes the test
    cannot fill, with 0 for what it cannot: these must be actions (a GET answers 405)."""
    urls, unfilled = [], []
    for route in page_routes():
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        if names & ACTION_ONLY:
            continue
        fills = {name: fill_of(route, name) for name in names}
        if None not in fills.values():
            urls += filled(route, lambda name, fills=fills: fills[name](objects))
        else:
            first_or_0 = lambda name, fills=fills: fills[name](objects)[:1] if fills[name] else [0]  # noqa: E731
            unfilled += filled(route, first_or_0)
    return sorted(set(urls)), sorted(set(unfilled))


WIDER_THAN_VIEWPORT = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll("body *")].filter((el) => sticksOut(el)
    && !sticksOut(el.parentElement) && !clipped(el) && getComputedStyle(el).position !== "fixed");
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el);
  const path = (el) => [el.parentElement.parentElement, el.parentElement, el].filter(Boolean)
    .map(name).join(" > ");
  const right = (el) => Math.round(el.getBoundingClientRect().right);
  return document.documentElement.scrollWidth + " px: "
    + wide.slice(0, 4).map((el) => path(el) + " (" + right(el) + ")").join(", ");
}"""


TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA"
                        "WjR9awAAAABJRU5ErkJggg==")  # a 1 × 1 PNG


class Walker:
    """One signed-in browser context at one viewport, recording what goes wrong on each page.
    A page loads nothing from another origin but the map's tiles (settings.MAP_TILE_URL, answered
    here with a blank tile: the tests run without the internet)."""

    def __init__(self, context, page, origin: str):
        self.context, self.page, self.seen, self.origin = context, page, [], origin
        page.on("console", lambda message: message.type == "error" and self.seen.append(
            f"console: {message.text[:200]}"))
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: self.seen.append(
            f"failed: {request.url} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400 and self.seen.append(
            f"HTTP {response.status}: {response.url}"))

    async def elsewhere(self, route) -> None:
        url = route.request.url
        if url.startswith((self.origin, "data:", "blob:")):
            await route.continue_()
        elif urlsplit(url).netloc == urlsplit(settings.MAP_TILE_URL).netloc:
            await route.fulfill(status=200, content_type="image/png", body=TILE)
        else:
            self.seen.append(f"another origin: {url}")
            await route.abort()

    async def is_page(self, url: str) -> tuple[bool, list[str]]:
        """Whether `url` is an HTML page this role may open (not a download, a fragment, a
        redirect, a 403 or an action's 405), asked outside the page: Chromium shows an error
        page for an empty 405, which would break the next navigation."""
        try:
            response = await self.context.request.get(url, max_redirects=0, timeout=30_000)
        except PlaywrightError as error:
            return False, [f"{url}: {str(error).splitlines()[0]}"]
        if response.status >= 500:
            return False, [f"{url}: HTTP {response.status}"]
        html = "text/html" in response.headers.get("content-type", "")
        return response.status == 200 and html and "<html" in (await response.text())[:300], []

    async def open(self, url: str) -> tuple[bool, list[str]]:
        """Open `url` if it is a page of this role: whether it was, and what went wrong on it."""
        page, found = await self.is_page(url)
        if not page:
            return False, found
        self.seen.clear()
        started = time.monotonic()
        await self.page.goto(url)
        await self.page.wait_for_load_state("networkidle")
        if os.environ.get("PHONE_WALK_VERBOSE"):
            print(f"{time.monotonic() - started:5.2f}s {url}")
        wide = await self.page.evaluate(WIDER_THAN_VIEWPORT)
        found = [f"wider than the viewport, {wide}"] if wide else []
        return True, [f"{url}: {problem}" for problem in found + self.seen]


async def sign_in(chromium, server, user, viewport: dict) -> Walker:
    context = await chromium.new_context(base_url=server.http, viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    walker = Walker(context, page, server.http)
    await context.route("**/*", walker.elsewhere)
    await page.goto("/accounts/login/")
    await page.get_by_label("Username").fill(user.username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{server.http}/")
    return walker


async def walk(walker: Walker, urls: list[str]) -> tuple[list[str], list[str]]:
    opened, problems = [], []
    for url in urls:
        if re.search(r"\.\w+$", url):  # a download (CSV, JSON, PDF, PEM, archive): no page
            continue
        page, found = await walker.open(url)
        opened += [url] if page else []
        problems += found
    return opened, problems


async def menu_problems(walker: Walker) -> list[str]:
    """On a phone the links sit behind the Menu button; opened, each shows inside the viewport."""
    page = walker.page
    await page.goto("/")
    toggle = page.locator("nav.site .nav-toggle")
    if not await toggle.is_visible():
        return ["/: no visible Menu button on a phone"]
    links = page.locator("nav.site ul a")
    if await links.first.is_visible():
        return ["/: the menu is open before it is asked"]
    await toggle.click()
    problems = [] if await toggle.get_attribute("aria-expanded") == "true" else ["Menu: aria-expanded"]
    for index in range(await links.count()):
        link = links.nth(index)
        await link.scroll_into_view_if_needed()
        box = await link.bounding_box()
        if not await link.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > 391:
            problems.append(f"menu link {await link.text_content()!r} is not reachable ({box})")
    return problems


def report(where: str, problems: list[str]) -> str:
    return "\n".join(f"[{where}] {problem}" for problem in problems)


async def preview_problems(walker: Walker) -> list[str]:
    """The tariff preview's answer (issue 21: 548 px on a phone) fits too."""
    page = walker.page
    await page.goto("/tariffs/")
    await page.get_by_label("Parked after charging (minutes)").fill("30")
    await page.get_by_role("button", name="Compute").click()
    await page.locator("#tariff-preview .preview-result table").wait_for()
    wide = await page.evaluate(WIDER_THAN_VIEWPORT)
    return [f"/tariffs/ with a preview: wider than the viewport, {wide}"] if wide else []


async def unfilled_problems(walker: Walker, unfilled: list[str]) -> list[str]:
    """A route the test cannot fill must be an action: a GET answers 405."""
    problems = []
    for url in unfilled:
        status = (await walker.context.request.get(url, max_redirects=0)).status
        problems += [] if status == 405 else [
            f"{url} answers a GET ({status}): add its parameters to FILL in {__name__}"]
    return problems


async def as_role(chromium, server, objects, role: str, viewport: dict) -> tuple[list[str], list[str]]:
    """The pages `role` opened at `viewport`, and what went wrong ("[role, size] url: problem")."""
    urls, unfilled = urls_of(objects)
    walker = await sign_in(chromium, server, member(objects["tenant"], role), viewport)
    phone = viewport == PHONE
    problems = await menu_problems(walker) if phone else []
    if phone and role == Role.MANAGER:
        problems += await unfilled_problems(walker, unfilled) + await preview_problems(walker)
    opened, found = await walk(walker, urls)
    await walker.context.close()
    where = f"{role}, {'phone' if phone else 'desktop'}"
    return opened, [f"[{where}] {problem}" for problem in problems + found]


@pytest.fixture(scope="module")
def objects(database) -> dict:
    return seed()


def must_open(objects: dict) -> list[str]:
    """Pages a manager must have opened: the walk has not lost its way."""
    return ["/", "/stations/", "/sessions/", "/invoices/", "/tariffs/", "/sites/", "/reports/",
            f"/tariffs/{objects['tariff'].pk}/", f"/stations/{objects['station'].identity}/",
            f"/stations/{objects['station201'].identity}/", f"/sessions/{objects['session'].pk}/",
            f"/load-groups/{objects['group'].pk}/"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role, viewport", [*((role, PHONE) for role in ROLES), (Role.MANAGER, DESKTOP)],
                         ids=["manager-phone", "installer-phone", "accountant-phone", "manager-desktop"])
async def test_every_page_fits_and_loads_every_asset(server, objects, role, viewport):
    """Each role on a phone (and the menu), a manager on a desktop: every page it may open."""
    async with browser() as chromium:
        opened, problems = await as_role(chromium, server, objects, role, viewport)
    print(f"{role} at {viewport['width']} px: {len(opened)} pages")
    if role == Role.MANAGER:
        problems += [f"{page} was not opened" for page in must_open(objects) if page not in opened]
    assert not problems, "\n".join(problems)


async def test_the_api_docs_come_from_this_server_only(server):
    """/api/docs/ (Swagger UI) names no other origin, its assets answer 200, and it renders under
    its Content-Security-Policy without a console error."""
    async with httpx.AsyncClient(base_url=server.http) as client:
        answer = await client.get("/api/docs/")
        assert answer.status_code == 200
        assert "cdn." not in answer.headers["content-security-policy"]
        assets = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
        assert assets and not [a for a in assets if re.match(r"(?:https?:)?//", a)], assets
        for asset in assets:
            assert (await client.get(asset.replace("&amp;", "&"))).status_code == 200, asset
    async with browser() as chromium:
        context = await chromium.new_context(base_url=server.http, viewport=DESKTOP)
        walker = Walker(context, await context.new_page(), server.http)
        await context.route("**/*", walker.elsewhere)
        assert await walker.open("/api/docs/") == (True, [])
        await walker.page.locator(".swagger-ui .info .title").wait_for()
        await context.close()
