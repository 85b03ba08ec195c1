"""Who may open each money and load page and send each of their forms: every page and POST
against every role (manager, installer, accountant) and a user of another tenant.
Managers do everything; installers see sessions without costs, id tags and load groups, and no
money; accountants see money and sessions but no load groups and change no station's setup;
another tenant's objects are not found (404). In process, with Django's test client."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from billing.invoices.services import invoice_run
from billing.models import Customer, Tariff
from loadmgmt.models import LoadGroup
from tenants.models import Role
from tests.browser import member
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import post, signed_in
from tests.test_dashboard_money import charged, make_tariff

pytestmark = pytest.mark.django_db

M, INST, A = Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT
ALL, MONEY, STATIONS = {M, INST, A}, {M, A}, {M, INST}
_n = itertools.count(1)

PAGES = {  # GET: who may open it
    "/sessions/": ALL, "/sessions/{session}/": ALL, "/sessions/export.csv": ALL,
    "/id-tags/": ALL, "/id-tags/new/": STATIONS, "/id-tags/{tag}/": STATIONS,
    "/customers/": MONEY, "/customers/new/": MONEY, "/customers/{customer}/": MONEY,
    "/tariffs/": MONEY, "/tariffs/new/": {M}, "/tariffs/{tariff}/": {M},
    "/invoices/": MONEY, "/invoices/{invoice}/pdf/": MONEY,
    "/exports/": MONEY, "/exports/sessions.csv": MONEY, "/exports/energy.csv": MONEY,
    "/exports/revenue.csv": MONEY,
    "/load-groups/": STATIONS, "/load-groups/new/": STATIONS, "/load-groups/{group}/": STATIONS,
    "/load-groups/{group}/edit/": STATIONS,
}
GROUP = {"max_current": "32", "phases": "3", "voltage": "230", "min_current": "6", "failsafe_current": "6",
         "safety_margin": "0", "base_load_current": "0", "base_load_source": "fixed"}


def actions(world: dict) -> dict:
    """POST: who may send it, and a valid form (fresh names each time)."""
    n = next(_n)
    tariff = {"name": f"T{n}", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
              "mode": "simple", "energy_price": "0.30"}
    tag = {"status": "Accepted", "priority": "0", "name": f"tag {n}"}
    today = datetime.now(UTC).date()
    return {
        "/id-tags/new/": (STATIONS, tag | {"id_tag": f"ROLE-{n}"}),  # as the API: installers too
        "/id-tags/{tag}/": (STATIONS, tag | {"id_tag": "ROLE-TAG"}),
        "/customers/new/": (MONEY, {"name": f"Customer {n}"}),
        "/customers/{customer}/": (MONEY, {"name": f"Customer renamed {n}"}),
        "/tariffs/new/": ({M}, tariff),
        "/tariffs/preview/": (MONEY, {"tariff": current_tariff(world), "start": "2026-03-01T18:00",
                                      "minutes": "60", "kwh": "10", "parking_minutes": "0"}),
        "/tariffs/{tariff}/": ({M}, tariff | {"name": "Standard"}),
        "/invoices/run/": (MONEY, {"period_start": (today - timedelta(days=1)).isoformat(),
                                   "period_end": today.isoformat()}),
        "/load-groups/new/": (STATIONS, GROUP | {"name": f"Group {n}"}),
        "/load-groups/{group}/edit/": (STATIONS, GROUP | {"name": "Garage"}),
        "/load-groups/{group}/rebalance/": (STATIONS, {}),
    }


@pytest.fixture
def world(database) -> dict:
    tenant = make_tenant("Roles")
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant, is_default=True)
    customer = Customer.objects.create(tenant=tenant, name="Acme")
    tag = make_id_tag(tenant, "ROLE-TAG", customer=customer)
    session = charged(station, id_tag=tag.id_tag, wh=2_000, start=datetime.now(UTC) - timedelta(hours=2))
    today = datetime.now(UTC).date()
    [invoice] = invoice_run(tenant=tenant, period_start=today - timedelta(days=1), period_end=today,
                            render_pdf=False).issued
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=32)
    return {"tenant": tenant, "session": session.pk, "tag": tag.pk, "customer": customer.pk,
            "tariff": tariff.pk, "invoice": invoice.pk, "group": group.pk}


def current_tariff(world: dict) -> int:
    """The world's tariff as it is now (a manager's edit of its prices made a new version)."""
    family = Tariff.objects.get(pk=world["tariff"]).family
    return Tariff.objects.get(family=family, superseded_at__isnull=True).pk


def url(template: str, world: dict) -> str:
    return template.format(**world)


@pytest.mark.parametrize("role", [M, INST, A])
def test_each_role_opens_exactly_its_pages(world, role):
    http = signed_in(member(world["tenant"], role))
    answers = {template: (http.get(url(template, world))).status_code for template in PAGES}
    expected = {template: 200 if role in roles else 403 for template, roles in PAGES.items()}
    assert answers == expected


@pytest.mark.parametrize("role", [M, INST, A])
def test_each_role_sends_exactly_its_forms(world, role):
    http = signed_in(member(world["tenant"], role))
    answers, expected = {}, {}
    for template, (roles, data) in actions(world).items():
        response = post(http, url(template, world), data, htmx=False)
        answers[template] = "allowed" if response.status_code in (200, 302) else response.status_code
        expected[template] = "allowed" if role in roles else 403
    assert answers == expected


def test_another_tenants_user_finds_none_of_its_objects(world):
    outsider = member(make_tenant("Elsewhere"), M)
    http = signed_in(outsider)
    pages = {template: (http.get(url(template, world))).status_code
             for template in PAGES if "{" in template}
    forms = {template: (post(http, url(template, world), data, htmx=False)).status_code
             for template, (_, data) in actions(world).items() if "{" in template}
    preview = post(http, "/tariffs/preview/", actions(world)["/tariffs/preview/"][1])
    listings = [(http.get(page)).text for page in ("/sessions/", "/id-tags/", "/customers/",
                                                   "/tariffs/", "/invoices/", "/load-groups/")]
    assert pages == dict.fromkeys(pages, 404)
    assert forms == dict.fromkeys(forms, 404)
    assert "Select a valid choice" in preview.text  # their tariff is not one to choose
    assert not any(name in text for text in listings for name in ("ROLE-TAG", "Acme", "Garage"))


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_page(world):
    http = Client()
    answers = {template: http.get(url(template, world)) for template in PAGES}
    assert all(r.status_code == 302 and r.headers["location"].startswith("/accounts/login/")
               for r in answers.values())
