"""The dashboard's money pages, in real headless Chromium where a flow needs the browser and over
plain HTTP otherwise: sessions (filters, costs, the CSV of the filtered list, a session's plot),
id tags and customers, tariffs (simple and OCPI forms, the preview of a sample session),
invoices (a run, its PDF) and the exports."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from billing.models import Customer, Invoice, Tariff
from billing.services import session_price_final, tariff_create
from stations.models import ChargingSession, IdTag, MeterSample
from stations.services.transactions import transaction_start, transaction_stop
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.dashboard_helpers import logged_in, post
from tests.factories import make_id_tag, make_station, make_tenant

ENERGY_030 = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_tariff(tenant, elements=ENERGY_030, **fields) -> Tariff:
    """A tariff made a month ago (a tariff applies to the sessions begun after it was made)."""
    tariff = tariff_create(tenant=tenant, **({"name": "Standard", "currency": "EUR", "vat_rate": Decimal(19),
                                              "idle_grace_minutes": 0, "elements": elements} | fields))
    Tariff.objects.filter(pk=tariff.pk).update(created_at=datetime.now(UTC) - timedelta(days=30))
    tariff.refresh_from_db()
    return tariff


def charged(station, *, id_tag: str, wh: int, start: datetime, minutes: int = 60,
            samples: bool = False) -> ChargingSession:
    """A stopped session (through the OCPP services), with meter values if `samples`, priced."""
    transaction_id, _ = transaction_start(station=station, received_at=start, payload={
        "connectorId": 1, "idTag": id_tag, "meterStart": 1000, "timestamp": iso(start)})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    if samples:
        rows = []
        for step in range(0, minutes + 1, 10):
            at = start + timedelta(minutes=step)
            common = {"station": station, "session": session, "connector_id": 1, "timestamp": at,
                      "received_at": at, "location": "Outlet"}
            rows += [MeterSample(**common, measurand="Energy.Active.Import.Register", unit="Wh",
                                 value=1000 + wh * step // minutes),
                     MeterSample(**common, measurand="Power.Active.Import", unit="W",
                                 value=wh * 60 // minutes)]
        MeterSample.objects.bulk_create(rows)
    stop = start + timedelta(minutes=minutes)
    transaction_stop(station=station, received_at=stop, payload={
        "transactionId": transaction_id, "meterStop": 1000 + wh, "timestamp": iso(stop)})
    session_price_final(session_id=session.pk)
    return ChargingSession.objects.get(pk=session.pk)


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


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
        await page.get_by_label("Station").select_option("HERE-1")
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


async def test_an_installer_sees_sessions_without_their_costs_in_the_page_and_the_csv(server):
    tenant = make_tenant("Installer sees")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    session = charged(station, id_tag="DRIVER", wh=10_000, start=datetime.now(UTC) - timedelta(hours=2))
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    try:
        listing = await http.get("/sessions/")
        detail = await http.get(f"/sessions/{session.pk}/")
        exported = await http.get("/sessions/export.csv")
    finally:
        await http.aclose()
    assert listing.status_code == detail.status_code == exported.status_code == 200
    assert station.identity in listing.text and "10.000" in listing.text
    assert "EUR" not in listing.text and "3.57" not in listing.text
    assert "EUR" not in detail.text and "Cost" not in detail.text
    [row] = rows_of(exported.text)
    assert row["energy_kwh"] == "10.000" and "gross" not in row and "cost_lines" not in row


async def test_the_sessions_list_filters_by_customer_tag_and_period(server):
    tenant = make_tenant("Filters")
    station, _ = make_station(tenant)
    customer = Customer.objects.create(tenant=tenant, name="Acme Fleet")
    make_id_tag(tenant, "FLEET-1", customer=customer)
    now = datetime.now(UTC).replace(microsecond=0)
    fleet = charged(station, id_tag="FLEET-1", wh=1_000, start=now - timedelta(hours=3))
    other = charged(station, id_tag="WALK-IN", wh=2_000, start=now - timedelta(hours=2))
    old = charged(station, id_tag="WALK-IN", wh=3_000, start=now - timedelta(days=10))
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    try:
        by_customer = (await http.get("/sessions/", params={"customer": customer.pk})).text
        by_tag = (await http.get("/sessions/", params={"id_tag": "WALK-IN"})).text
        since = (now - timedelta(days=2)).date().isoformat()
        recent = (await http.get("/sessions/", params={"since": since})).text
        reversed_period = await http.get("/sessions/", params={"since": "2026-03-02", "until": "2026-03-01"})
    finally:
        await http.aclose()

    def shown(page: str) -> set[int]:
        return {int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', page)}

    assert shown(by_customer) == {fleet.pk}
    assert shown(by_tag) == {other.pk, old.pk}
    assert shown(recent) == {fleet.pk, other.pk}
    assert "Must not be before the first day." in reversed_period.text


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


async def test_another_tenants_session_is_not_found(server):
    tenant, other = make_tenant("Mine"), make_tenant("Theirs")
    station, _ = make_station(other)
    theirs = charged(station, id_tag="X", wh=1_000, start=datetime.now(UTC) - timedelta(hours=1))
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        response = await http.get(f"/sessions/{theirs.pk}/")
        listing = await http.get("/sessions/")
    finally:
        await http.aclose()
    assert response.status_code == 404
    assert station.identity not in listing.text


# Id tags and customers -------------------------------------------------------------------------

async def test_a_manager_gives_an_id_tag_to_a_customer_and_mistakes_are_explained_by_the_field(server):
    tenant = make_tenant("Tags")
    make_id_tag(tenant, "TAKEN")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        await http.get("/customers/new/")
        bad_customer = await post(http, "/customers/new/", {"name": "Acme", "email": "not-an-email"},
                                  htmx=False)
        made = await post(http, "/customers/new/", {"name": "Acme", "address": "1 Main St", "vat_id": "DE1"},
                          htmx=False)
        customer = Customer.objects.get(tenant=tenant, name="Acme")
        tag = {"id_tag": "CARD-7", "name": "Van 7", "status": "Accepted", "priority": "2",
               "customer": str(customer.pk), "internal": "", "expiry_date": "2030-01-01T12:00"}
        duplicate = await post(http, "/id-tags/new/", tag | {"id_tag": "TAKEN"}, htmx=False)
        created = await post(http, "/id-tags/new/", tag, htmx=False)
        card = IdTag.objects.get(tenant=tenant, id_tag="CARD-7")
        edited = await post(http, f"/id-tags/{card.pk}/", tag | {"status": "Blocked", "customer": ""},
                            htmx=False)
        listing = (await http.get("/id-tags/")).text
    finally:
        await http.aclose()
    assert bad_customer.status_code == 400 and "Enter a valid email address." in bad_customer.text
    assert made.status_code == 302
    assert duplicate.status_code == 400
    at = duplicate.text.index('id="id_id_tag"')
    field = duplicate.text[at - 600:at]
    assert "This id tag exists already as &quot;TAKEN&quot;" in field  # next to the field
    assert created.status_code == edited.status_code == 302
    card.refresh_from_db()
    assert (card.status, card.customer_id, card.priority, card.name) == ("Blocked", None, 2, "Van 7")
    assert card.expiry_date == datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert "CARD-7" in listing and "Blocked" in listing


async def test_an_id_tag_saved_in_the_dashboard_is_due_on_the_stations_local_lists(server):
    from stations.authlist.models import LocalList

    tenant = make_tenant("Lists")
    station, _ = make_station(tenant)
    local_list = LocalList.objects.create(tenant=tenant, station=station, snapshot={}, version=1)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        response = await post(http, "/id-tags/new/", {"id_tag": "NEW-CARD", "status": "Accepted",
                                                      "priority": "0"}, htmx=False)
    finally:
        await http.aclose()
    assert response.status_code == 302
    local_list.refresh_from_db()
    assert local_list.sync_due


# Tariffs ---------------------------------------------------------------------------------------

async def test_a_manager_makes_a_tariff_with_the_simple_form_and_a_wrong_element_is_explained(server):
    tenant = make_tenant("Tariffs")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = {"name": "Car park", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "15"}
    try:
        simple = await post(http, "/tariffs/new/", base | {"mode": "simple", "energy_price": "0.30",
                                                           "parking_price": "6.00"}, htmx=False)
        wrong = await post(http, "/tariffs/new/", base | {"mode": "elements", "elements_json": (
            '[{"price_components": [{"type": "ENERGIE", "price": "0.30"}]}]')}, htmx=False)
        not_json = await post(http, "/tariffs/new/", base | {"mode": "elements", "elements_json": "[{"},
                              htmx=False)
        listing = (await http.get("/tariffs/")).text
    finally:
        await http.aclose()
    assert simple.status_code == 302
    tariff = Tariff.objects.get(tenant=tenant, name="Car park")
    assert tariff.idle_grace_minutes == 15 and tariff.elements == [{"price_components": [
        {"type": "ENERGY", "price": "0.30", "step_size": 1}, {"type": "PARKING_TIME", "price": "6.00",
                                                               "step_size": 1}]}]
    assert wrong.status_code == 400
    assert "elements[0].price_components[0].type" in wrong.text and "ENERGIE" in wrong.text
    assert not_json.status_code == 400 and "Not valid JSON" in not_json.text
    assert "0.30/kWh" in listing and "6.00/h parking" in listing


async def test_editing_the_prices_of_a_tariff_in_use_makes_a_new_version(server):
    tenant = make_tenant("Versions")
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant, is_default=True)
    charged(station, id_tag="X", wh=1_000, start=datetime.now(UTC) - timedelta(hours=1))
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        form = (await http.get(f"/tariffs/{tariff.pk}/")).text
        response = await post(http, f"/tariffs/{tariff.pk}/", {
            "name": "Standard", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
            "is_default": "on", "mode": "simple", "energy_price": "0.35"}, htmx=False)
    finally:
        await http.aclose()
    assert 'value="0.30' in form  # the simple form is filled from the tariff's one element
    assert response.status_code == 302
    versions = list(Tariff.objects.filter(family=tariff.family).order_by("version"))
    assert [(t.version, t.elements[0]["price_components"][0]["price"], t.superseded_at is None)
            for t in versions] == [(1, "0.30", False), (2, "0.35", True)]


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


async def test_the_preview_prices_parking_beyond_the_grace(server):
    tenant = make_tenant("Parking preview")
    tariff = make_tariff(tenant, [{"price_components": [{"type": "ENERGY", "price": "0.30"},
                                                        {"type": "PARKING_TIME", "price": "6.00"}]}],
                         idle_grace_minutes=15)
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        response = await post(http, "/tariffs/preview/", {
            "tariff": tariff.pk, "start": "2026-03-01T18:00", "minutes": "90", "kwh": "12.345",
            "parking_minutes": "40"})
    finally:
        await http.aclose()
    # docs/pricing.md §4: energy 3.70, parking 25 min 2.50, net 6.20, VAT 1.18, gross 7.38
    assert response.status_code == 200
    assert 'data-total="net">6.20 EUR' in response.text
    assert 'data-total="gross"><strong>7.38 EUR' in response.text


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


async def test_a_reversed_period_is_refused_with_the_reason_and_a_second_run_issues_nothing(server):
    tenant = make_tenant("Rerun")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    customer = Customer.objects.create(tenant=tenant, name="Acme")
    make_id_tag(tenant, "FLEET-1", customer=customer)
    charged(station, id_tag="FLEET-1", wh=2_000, start=datetime.now(UTC) - timedelta(hours=2))
    today = datetime.now(UTC).date()
    period = {"period_start": (today - timedelta(days=1)).isoformat(), "period_end": today.isoformat()}
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        reversed_period = await post(http, "/invoices/run/", {"period_start": period["period_end"],
                                                              "period_end": period["period_start"]})
        first = await post(http, "/invoices/run/", period)
        second = await post(http, "/invoices/run/", period)
    finally:
        await http.aclose()
    assert "Must not be before period_start." in reversed_period.text
    assert "1 invoice issued" in first.text and "0 invoices issued; 1 in the period" in second.text
    assert Invoice.objects.filter(tenant=tenant).count() == 1


async def test_the_exports_download_as_csv_and_a_bad_station_is_explained(server):
    tenant = make_tenant("Exports")
    station, _ = make_station(tenant, identity="EXP-1")
    make_tariff(tenant, is_default=True)
    charged(station, id_tag="X", wh=4_000, start=datetime.now(UTC) - timedelta(hours=2))
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    try:
        page = (await http.get("/exports/")).text
        exports = {name: await http.get(f"/exports/{name}.csv", params={"station": "EXP-1"})
                   for name in ("sessions", "energy", "revenue")}
        bad_day = await http.get("/exports/sessions.csv", params={"since": "yesterday"})
        bad_station = await http.get("/exports/energy.csv", params={"station": "NOT-MINE"})
    finally:
        await http.aclose()
    assert "Sessions CSV" in page and "Energy CSV" in page and "Revenue CSV" in page
    assert all(r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
               for r in exports.values())
    [session] = rows_of(exports["sessions"].text)
    [energy] = rows_of(exports["energy"].text)
    [revenue] = rows_of(exports["revenue"].text)
    assert (session["station"], session["gross"]) == ("EXP-1", "1.43")
    assert (energy["station"], energy["energy_kwh"]) == ("EXP-1", "4.000")
    assert (revenue["net"], revenue["gross"]) == ("1.20", "1.43")
    assert bad_day.status_code == 400 and "Enter a valid date." in bad_day.text
    assert bad_station.status_code == 400 and "Select a valid choice." in bad_station.text


async def test_a_csv_of_a_filter_that_does_not_parse_is_refused_rather_than_everything(server):
    tenant = make_tenant("Bad filter")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        response = await http.get("/sessions/export.csv", params={"since": "last week"})
    finally:
        await http.aclose()
    assert response.status_code == 400 and "Enter a valid date." in response.text


async def test_the_sessions_list_is_paged_newest_first(server):
    tenant = make_tenant("Paged")
    station, _ = make_station(tenant)
    now = datetime.now(UTC).replace(microsecond=0)
    ChargingSession.objects.bulk_create(
        ChargingSession(tenant=tenant, station=station, connector_id=1, transaction_id=n, id_tag=f"T{n}",
                        meter_start=0, meter_stop=1000, started_at=now - timedelta(hours=n),
                        stopped_at=now - timedelta(hours=n, minutes=-30)) for n in range(1, 31))
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        first = (await http.get("/sessions/")).text
        second = (await http.get("/sessions/", params={"page": 2})).text
    finally:
        await http.aclose()
    tags = re.compile(r"<td>(T\d+)</td>")
    assert tags.findall(first) == [f"T{n}" for n in range(1, 26)]
    assert tags.findall(second) == [f"T{n}" for n in range(26, 31)]
    assert "Page 1 of 2 (30 in all)" in first and 'href="?page=2"' in first
