"""The dashboard's load group pages: a group made and edited with the API's rules, its live limit
and measured draw per connector (real charge points over WebSocket, updated in the page by
`load.allocation` events without a reload), the plot of its load against the cap, and a
rebalance on demand."""

from contextlib import AsyncExitStack

from billing.models import Tariff
from billing.selectors import group_tariff_of
from loadmgmt.models import Allocation, LoadGroup
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, make_id_tag, make_station, make_tenant
from tests.test_dashboard_money import make_tariff
from tests.test_load_management import connected, limits_become, make_group

GROUP = {"name": "Garage", "max_current": "32", "phases": "3", "voltage": "230", "min_current": "6",
         "failsafe_current": "6", "safety_margin": "0", "base_load_current": "0", "base_load_source": "fixed"}


def limit_cell(page, identity: str):
    return page.locator(f'tr[data-key="{identity}/1"] [data-field="limit"]')


@needs_chromium
async def test_the_group_page_shows_each_running_sessions_limit_and_follows_a_new_one_live(server,
                                                                                          celery_worker):
    tenant = make_tenant("Load page")
    pairs = [make_station(tenant) for _ in range(2)]
    (first, _), (second, _) = pairs
    tag = make_id_tag(tenant, max_sessions=0)  # one fleet card for both cars
    user = member(tenant, Role.INSTALLER)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        group = await make_group(api, [s for s, _ in pairs])
        a, b = await connected(stack, server, tenant, pairs)
        await limits_become({a: 6.0, b: 6.0})
        await a.start_transaction(1, tag.id_tag)
        await limits_become({a: 32.0})
        chromium = await stack.enter_async_context(browser())
        page = await stack.enter_async_context(signed_in(chromium, server, user))
        await page.goto(f"/load-groups/{group['id']}/")
        await page.locator("#load-plot[data-ready='1'] canvas").wait_for()
        await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")
        shown = (await limit_cell(page, first.identity).inner_text(),
                 await limit_cell(page, second.identity).inner_text())
        cap = await page.locator('.summary [data-field="max_current"]').inner_text()
        await b.start_transaction(1, tag.id_tag)
        await limits_become({a: 16.0, b: 16.0})
        await limit_cell(page, second.identity).filter(has_text="16.0").wait_for()
        await limit_cell(page, first.identity).filter(has_text="16.0").wait_for()
        plotted = await page.evaluate("JSON.parse(document.getElementById('load-history').textContent)"
                                      ".length")
    assert shown == ("32.0", "—")
    assert cap == "32.0"
    assert plotted >= 1


async def test_a_manager_makes_a_group_with_the_apis_rules_and_an_installer_edits_it_but_not_its_tariff(
        server):
    tenant = make_tenant("Load form")
    one, _ = make_station(tenant, identity="LG-ONE")
    make_station(tenant, identity="LG-TWO")
    tariff = make_tariff(tenant)
    manager = await logged_in(server, member(tenant, Role.MANAGER))
    installer = await logged_in(server, member(tenant, Role.INSTALLER))
    try:
        await manager.get("/load-groups/new/")
        too_low = await post(manager, "/load-groups/new/", GROUP | {"min_current": "5"}, htmx=False)
        under_min = await post(manager, "/load-groups/new/", GROUP | {"max_current": "4"}, htmx=False)
        made = await post(manager, "/load-groups/new/", GROUP | {"stations": ["LG-ONE"], "tariff": tariff.pk},
                          htmx=False)
        group = LoadGroup.objects.get(tenant=tenant, name="Garage")
        installer_form = (await installer.get(f"/load-groups/{group.pk}/edit/")).text
        edited = await post(installer, f"/load-groups/{group.pk}/edit/",
                            GROUP | {"max_current": "40", "stations": ["LG-ONE", "LG-TWO"]}, htmx=False)
        page = (await installer.get(f"/load-groups/{group.pk}/")).text
    finally:
        await manager.aclose()
        await installer.aclose()
    assert too_low.status_code == 400 and "A car cannot be signalled less than 6 A" in too_low.text
    assert under_min.status_code == 400 and "The cap is below the minimum current" in under_min.text
    assert made.status_code == 302 and made.headers["location"] == f"/load-groups/{group.pk}/"
    assert 'name="tariff"' not in installer_form and tariff.name not in installer_form
    assert edited.status_code == 302
    group.refresh_from_db()
    assert group.max_current == 40 and group_tariff_of(group_id=group.pk) == tariff  # kept
    assert set(group.stations.values_list("identity", flat=True)) == {"LG-ONE", "LG-TWO"}
    assert one.identity in page and "LG-TWO" in page


async def test_rebalance_now_allocates_the_group_and_answers_with_its_connectors(server):
    tenant = make_tenant("Rebalance")
    station, _ = make_station(tenant, identity="RB-1")
    async with api_client(server, tenant) as api:
        group = await make_group(api, [station])
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        response = await post(http, f"/load-groups/{group['id']}/rebalance/", {})
        listing = (await http.get("/load-groups/")).text
    finally:
        await http.aclose()
    assert response.status_code == 200
    assert "Rebalanced" in response.text and 'data-key="RB-1/1"' in response.text
    assert Allocation.objects.filter(group_id=group["id"], reason="on demand").exists()
    assert "Car park" in listing and 'data-label="Stations">1<' in listing  # counted, not listed


async def test_the_tariff_of_a_group_is_offered_only_to_money_roles(server):
    tenant = make_tenant("Tariff choice")
    make_tariff(tenant, name="Night rate")
    manager = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        form = (await manager.get("/load-groups/new/")).text
    finally:
        await manager.aclose()
    assert 'name="tariff"' in form and "Night rate v1" in form
    assert Tariff.objects.filter(tenant=tenant).count() == 1
