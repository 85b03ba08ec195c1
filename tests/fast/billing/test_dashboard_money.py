"""The dashboard's money pages, in process with Django's test client: sessions (filters, costs, the
CSV of the filtered list), id tags and customers, tariffs (simple and OCPI forms, the preview of a
sample session), invoices and the exports (the flows that need a browser: tests/test_dashboard_money.py)."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing.models import Customer, Invoice, Tariff
from billing.services import session_price_final, tariff_create
from stations.models import ChargingSession, IdTag, MeterSample
from stations.services.transactions import transaction_start, transaction_stop
from tenants.models import Role
from tests.browser import member
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import post, signed_in

pytestmark = pytest.mark.django_db

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


def test_an_installer_sees_sessions_without_their_costs_in_the_page_and_the_csv():
    tenant = make_tenant("Installer sees")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    session = charged(station, id_tag="DRIVER", wh=10_000, start=datetime.now(UTC) - timedelta(hours=2))
    http = signed_in(member(tenant, Role.INSTALLER))
    listing = http.get("/sessions/")
    detail = http.get(f"/sessions/{session.pk}/")
    exported = http.get("/sessions/export.csv")
    assert listing.status_code == detail.status_code == exported.status_code == 200
    assert station.identity in listing.text and "10.000" in listing.text
    assert "EUR" not in listing.text and "3.57" not in listing.text
    assert "EUR" not in detail.text and "Cost" not in detail.text
    [row] = rows_of(exported.text)
    assert row["energy_kwh"] == "10.000" and "gross" not in row and "cost_lines" not in row


def test_the_sessions_list_filters_by_customer_tag_and_period():
    tenant = make_tenant("Filters")
    station, _ = make_station(tenant)
    customer = Customer.objects.create(tenant=tenant, name="Acme Fleet")
    make_id_tag(tenant, "FLEET-1", customer=customer)
    now = datetime.now(UTC).replace(microsecond=0)
    fleet = charged(station, id_tag="FLEET-1", wh=1_000, start=now - timedelta(hours=3))
    other = charged(station, id_tag="WALK-IN", wh=2_000, start=now - timedelta(hours=2))
    old = charged(station, id_tag="WALK-IN", wh=3_000, start=now - timedelta(days=10))
    http = signed_in(member(tenant, Role.ACCOUNTANT))
    by_customer = (http.get("/sessions/", params={"customer": customer.pk})).text
    by_tag = (http.get("/sessions/", params={"id_tag": "WALK-IN"})).text
    since = (now - timedelta(days=2)).date().isoformat()
    recent = (http.get("/sessions/", params={"since": since})).text
    reversed_period = http.get("/sessions/", params={"since": "2026-03-02", "until": "2026-03-01"})

    def shown(page: str) -> set[int]:
        return {int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', page)}

    assert shown(by_customer) == {fleet.pk}
    assert shown(by_tag) == {other.pk, old.pk}
    assert shown(recent) == {fleet.pk, other.pk}
    assert "Must not be before the first day." in reversed_period.text


def test_another_tenants_session_is_not_found():
    tenant, other = make_tenant("Mine"), make_tenant("Theirs")
    station, _ = make_station(other)
    theirs = charged(station, id_tag="X", wh=1_000, start=datetime.now(UTC) - timedelta(hours=1))
    http = signed_in(member(tenant, Role.MANAGER))
    response = http.get(f"/sessions/{theirs.pk}/")
    listing = http.get("/sessions/")
    assert response.status_code == 404
    assert station.identity not in listing.text


# Id tags and customers -------------------------------------------------------------------------

def test_a_manager_gives_an_id_tag_to_a_customer_and_mistakes_are_explained_by_the_field():
    tenant = make_tenant("Tags")
    make_id_tag(tenant, "TAKEN")
    http = signed_in(member(tenant, Role.MANAGER))
    http.get("/customers/new/")
    bad_customer = post(http, "/customers/new/", {"name": "Acme", "email": "not-an-email"},
                        htmx=False)
    made = post(http, "/customers/new/", {"name": "Acme", "address": "1 Main St", "vat_id": "DE1"},
          htmx=False)
    customer = Customer.objects.get(tenant=tenant, name="Acme")
    tag = {"id_tag": "CARD-7", "name": "Van 7", "status": "Accepted", "priority": "2",
           "customer": str(customer.pk), "internal": "", "expiry_date": "2030-01-01T12:00"}
    duplicate = post(http, "/id-tags/new/", tag | {"id_tag": "TAKEN"}, htmx=False)
    created = post(http, "/id-tags/new/", tag, htmx=False)
    card = IdTag.objects.get(tenant=tenant, id_tag="CARD-7")
    edited = post(http, f"/id-tags/{card.pk}/", tag | {"status": "Blocked", "customer": ""},
      htmx=False)
    listing = (http.get("/id-tags/")).text
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


def test_an_id_tag_saved_in_the_dashboard_is_due_on_the_stations_local_lists():
    from stations.authlist.models import LocalList

    tenant = make_tenant("Lists")
    station, _ = make_station(tenant)
    local_list = LocalList.objects.create(tenant=tenant, station=station, snapshot={}, version=1)
    http = signed_in(member(tenant, Role.MANAGER))
    response = post(http, "/id-tags/new/", {"id_tag": "NEW-CARD", "status": "Accepted",
                          "priority": "0"}, htmx=False)
    assert response.status_code == 302
    local_list.refresh_from_db()
    assert local_list.sync_due


# Tariffs ---------------------------------------------------------------------------------------

def test_a_manager_makes_a_tariff_with_the_editor_and_a_wrong_band_is_explained():
    tenant = make_tenant("Tariffs")
    http = signed_in(member(tenant, Role.MANAGER))
    base = {"name": "Car park", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "15"}
    simple = post(http, "/tariffs/new/", base | {"energy_price": "0.30", "parking_price": "6.00"},
                  htmx=False)
    wrong = post(http, "/tariffs/new/", base | {
        "name": "Other", "energy_price": "0.30", "band-TOTAL_FORMS": "1", "band-INITIAL_FORMS": "0",
        "band-0-start_time": "25:00", "band-0-end_time": "06:00", "band-0-energy_price": "0.20"}, htmx=False)
    nothing = post(http, "/tariffs/new/", base | {"name": "Empty"}, htmx=False)
    listing = (http.get("/tariffs/")).text
    assert simple.status_code == 302
    tariff = Tariff.objects.get(tenant=tenant, name="Car park")
    assert tariff.idle_grace_minutes == 15 and tariff.elements == [{"price_components": [
        {"type": "ENERGY", "price": "0.30", "step_size": 1}, {"type": "PARKING_TIME", "price": "6.00",
                     "step_size": 1}]}]
    assert wrong.status_code == 400 and "Enter a valid time" in wrong.text
    assert nothing.status_code == 400 and "at least one price" in nothing.text
    assert "0.30/kWh" in listing and "6.00/h parking" in listing


def test_editing_the_prices_of_a_tariff_in_use_makes_a_new_version():
    tenant = make_tenant("Versions")
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant, is_default=True)
    charged(station, id_tag="X", wh=1_000, start=datetime.now(UTC) - timedelta(hours=1))
    http = signed_in(member(tenant, Role.MANAGER))
    form = (http.get(f"/tariffs/{tariff.pk}/")).text
    response = post(http, f"/tariffs/{tariff.pk}/", {
        "name": "Standard", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
        "is_default": "on", "energy_price": "0.35"}, htmx=False)
    assert 'value="0.30' in form  # the editor is filled from the tariff's one element
    assert response.status_code == 302
    versions = list(Tariff.objects.filter(family=tariff.family).order_by("version"))
    assert [(t.version, t.elements[0]["price_components"][0]["price"], t.superseded_at is None)
            for t in versions] == [(1, "0.30", False), (2, "0.35", True)]


def test_the_preview_prices_parking_beyond_the_grace():
    tenant = make_tenant("Parking preview")
    tariff = make_tariff(tenant, [{"price_components": [{"type": "ENERGY", "price": "0.30"},
        {"type": "PARKING_TIME", "price": "6.00"}]}],
                         idle_grace_minutes=15)
    http = signed_in(member(tenant, Role.MANAGER))
    response = post(http, "/tariffs/preview/", {
        "tariff": tariff.pk, "start": "2026-03-01T18:00", "minutes": "90", "kwh": "12.345",
        "parking_minutes": "40"})
    # docs/pricing.md §4: energy 3.70, parking 25 min 2.50, net 6.20, VAT 1.18, gross 7.38
    assert response.status_code == 200
    assert 'data-total="net">6.20 EUR' in response.text
    assert 'data-total="gross"><strong>7.38 EUR' in response.text


# Invoices and exports ----------------------------------------------------------------------------


def test_a_reversed_period_is_refused_with_the_reason_and_a_second_run_issues_nothing():
    tenant = make_tenant("Rerun")
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    customer = Customer.objects.create(tenant=tenant, name="Acme")
    make_id_tag(tenant, "FLEET-1", customer=customer)
    charged(station, id_tag="FLEET-1", wh=2_000, start=datetime.now(UTC) - timedelta(hours=2))
    today = datetime.now(UTC).date()
    period = {"period_start": (today - timedelta(days=1)).isoformat(), "period_end": today.isoformat()}
    http = signed_in(member(tenant, Role.MANAGER))
    reversed_period = post(http, "/invoices/run/", {"period_start": period["period_end"],
                                                          "period_end": period["period_start"]})
    first = post(http, "/invoices/run/", period)
    second = post(http, "/invoices/run/", period)
    assert "Must not be before period_start." in reversed_period.text
    assert "1 invoice issued" in first.text and "0 invoices issued; 1 in the period" in second.text
    assert Invoice.objects.filter(tenant=tenant).count() == 1


def test_the_exports_download_as_csv_and_a_bad_station_is_explained():
    tenant = make_tenant("Exports")
    station, _ = make_station(tenant, identity="EXP-1")
    make_tariff(tenant, is_default=True)
    charged(station, id_tag="X", wh=4_000, start=datetime.now(UTC) - timedelta(hours=2))
    http = signed_in(member(tenant, Role.ACCOUNTANT))
    page = (http.get("/exports/")).text
    exports = {name: http.get(f"/exports/{name}.csv", params={"station": "EXP-1"})
               for name in ("sessions", "energy", "revenue")}
    bad_day = http.get("/exports/sessions.csv", params={"since": "yesterday"})
    bad_station = http.get("/exports/energy.csv", params={"station": "NOT-MINE"})
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


def test_a_csv_of_a_filter_that_does_not_parse_is_refused_rather_than_everything():
    tenant = make_tenant("Bad filter")
    http = signed_in(member(tenant, Role.MANAGER))
    response = http.get("/sessions/export.csv", params={"since": "last week"})
    assert response.status_code == 400 and "Enter a valid date." in response.text


def test_the_sessions_list_is_paged_newest_first():
    tenant = make_tenant("Paged")
    station, _ = make_station(tenant)
    now = datetime.now(UTC).replace(microsecond=0)
    ChargingSession.objects.bulk_create(
        ChargingSession(tenant=tenant, station=station, connector_id=1, transaction_id=n, id_tag=f"T{n}",
                        meter_start=0, meter_stop=1000, started_at=now - timedelta(hours=n),
                        stopped_at=now - timedelta(hours=n, minutes=-30)) for n in range(1, 61))
    http = signed_in(member(tenant, Role.MANAGER))
    first = (http.get("/sessions/")).text
    second = (http.get("/sessions/", params={"page": 2})).text
    tags = re.compile(r'<td data-label="Id tag">(T\d+)</td>')  # 50 a page (cpms/listing.py)
    assert tags.findall(first) == [f"T{n}" for n in range(1, 51)]
    assert tags.findall(second) == [f"T{n}" for n in range(51, 61)]
    assert "1–50 of 60" in first and 'href="?sort=-started&amp;page=2"' in first
