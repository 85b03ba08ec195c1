"""Invoices: a run turns each customer's priced sessions of a period into one invoice with a
gap-free number, exact totals per VAT rate and a PDF; reruns and interrupted runs issue nothing
twice; a credit note reverses an invoice once; issued invoices never change."""

import itertools
import os
import subprocess
import tempfile
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from billing.invoices import services as invoice_services
from billing.invoices.services import invoice_credit, invoice_run, invoice_runs_due, seller_update
from billing.models import Customer, Invoice, InvoiceLine, SessionPrice
from billing.tasks import invoice_run_task
from stations.models import ChargingSession, Station
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_session_pricing import Session, make_tariff, priced

_transaction_ids = itertools.count(1)
YEAR = datetime.now(UTC).year  # the numbers' year (fresh tenants' time zones are UTC)


def today() -> date:
    return datetime.now(UTC).date()


def number(n: int, prefix: str = "") -> str:
    return f"{prefix}{YEAR}-{n:06d}"


def make_customer(tenant, name: str, **fields) -> Customer:
    return Customer.objects.create(tenant=tenant, name=name, **({"address": f"{name} Street 1\n10115 Berlin",
                                                                  "email": "billing@example.com"} | fields))


def priced_session(station, id_tag: str, *, stopped_at: datetime, nets: dict[str, str],
                   energy_wh: int = 10_000, currency: str = "EUR", minutes: int = 60) -> ChargingSession:
    """A stopped session with a final price, written directly: `nets` maps VAT rate to net (one
    energy line per rate), VAT per rate rounded half-up as the pricing does."""
    session = ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=1, transaction_id=next(_transaction_ids),
        id_tag=id_tag, meter_start=0, meter_stop=energy_wh, stopped_at=stopped_at,
        started_at=stopped_at - timedelta(minutes=minutes))
    cent = Decimal("0.01")
    by_rate = {rate: (Decimal(net), (Decimal(net) * Decimal(rate) / 100).quantize(cent, ROUND_HALF_UP))
               for rate, net in nets.items()}
    net, vat = sum(n for n, _ in by_rate.values()), sum(v for _, v in by_rate.values())
    SessionPrice.objects.create(
        session=session, tenant_id=station.tenant_id, currency=currency, net=net, vat=vat, gross=net + vat,
        lines=[{"component": "ENERGY", "quantity": str(Decimal(energy_wh) / 1000 / len(nets)), "unit": "kWh",
                "unit_price": "0.30", "net": n, "vat_rate": rate} for rate, n in nets.items()],
        vat_by_rate={rate: [str(n), str(v)] for rate, (n, v) in by_rate.items()},
        energy_wh=energy_wh, final=True, priced_at=stopped_at)
    return session


def customers_with_sessions(tenant, count: int, sessions_each: int, *, stopped_at: datetime):
    station, _ = make_station(tenant)
    made = []
    for i in range(count):
        customer = make_customer(tenant, f"Customer {i}")
        tag = make_id_tag(tenant, customer=customer)
        made += [priced_session(station, tag.id_tag, stopped_at=stopped_at - timedelta(hours=j),
                                nets={"19": "1.00"}) for j in range(sessions_each)]
    return made


def invoiced_once(sessions) -> bool:
    lines = InvoiceLine.objects.filter(session__in=sessions)
    return lines.count() == len(sessions) == lines.values("session").distinct().count()


def pdf_text(content: bytes, layout: bool = True) -> str:
    """The PDF's text by poppler's pdftotext: laid out as printed, or in reading order."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as document:
        document.write(content)
        document.flush()
        options = ["-layout"] if layout else []
        return subprocess.run(["pdftotext", *options, document.name, "-"], check=True, capture_output=True,
                              text=True).stdout


def pdf_images(content: bytes) -> list[tuple[int, int]]:
    """The sizes of the images in a PDF (poppler's pdfimages)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as document:
        document.write(content)
        document.flush()
        listed = subprocess.run(["pdfimages", "-list", document.name], check=True, capture_output=True,
                                text=True).stdout.splitlines()[2:]
    return [(int(row.split()[3]), int(row.split()[4])) for row in listed]


async def run(api, start: date, end: date):
    return await api.post("/api/v1/invoices/run/", json={"period_start": start.isoformat(),
                                                          "period_end": end.isoformat()})


# End to end: sessions charged over a real WebSocket, invoiced through the API -----------------

async def charge(cp, id_tag: str, t0: datetime, wh: int) -> int:
    session = Session(cp, id_tag, t0)
    await session.start(0, meter_wh=0)
    await session.meter(30, wh // 2, 11_000)
    await session.stop(60, wh)
    await priced(session.id)
    return session.id


async def test_a_run_invoices_each_customers_priced_sessions_with_exact_totals(server):
    tenant = make_tenant()
    station, password = make_station(tenant, timezone="Europe/Berlin")
    make_tariff(tenant, is_default=True)  # 0.30/kWh net, 19 % VAT
    alice, bob = make_customer(tenant, "Alice GmbH", vat_id="DE123456789"), make_customer(tenant, "Bob")
    make_id_tag(tenant, "ALICE1", customer=alice)
    make_id_tag(tenant, "ALICE2", customer=alice)
    make_id_tag(tenant, "BOB", customer=bob)
    make_id_tag(tenant, "STAFF", customer=alice, internal=True)
    make_id_tag(tenant, "NOBODY")
    t0 = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=4)
    async with charge_point(server, tenant, station, password) as cp:
        first = await charge(cp, "ALICE1", t0, 12_345)
        second = await charge(cp, "ALICE2", t0 + timedelta(minutes=70), 10_000)
        bobs = await charge(cp, "BOB", t0 + timedelta(minutes=140), 5_000)
        free = await charge(cp, "STAFF", t0 + timedelta(minutes=150), 2_000)
        stray = await charge(cp, "NOBODY", t0 + timedelta(minutes=160), 1_000)
    period = (today() - timedelta(days=2), today())
    async with api_client(server, tenant) as api:
        issued = await run(api, *period)
        again = await run(api, *period)
        listed = (await api.get("/api/v1/invoices/", params={"customer": alice.pk})).json()
        pdf = await api.get(issued.json()[0]["pdf"])

    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert [(i["number"], i["customer"]) for i in body] == [(number(1), alice.pk), (number(2), bob.pk)]
    alices, bobs_invoice = body
    # Alice: 12.345 kWh x 0.30 = 3.7035 -> 3.70 and 10 kWh x 0.30 = 3.00: 6.70 net; VAT 19 % of
    # 6.70 = 1.273 -> 1.27; gross 7.97. Her free internal session is not invoiced.
    assert (alices["currency"], alices["net"], alices["vat"], alices["gross"]) == (
        "EUR", "6.70", "1.27", "7.97")
    assert alices["vat_breakdown"] == [{"rate": "19", "net": "6.70", "vat": "1.27", "gross": "7.97"}]
    assert [line["session"] for line in alices["lines"]] == [first, second]
    berlin = ZoneInfo("Europe/Berlin")
    start, stop = t0.astimezone(berlin), (t0 + timedelta(minutes=60)).astimezone(berlin)
    stop_text = f"{stop:%H:%M}" if stop.date() == start.date() else f"{stop:%Y-%m-%d %H:%M}"
    description = (f"Charging session, 12.345 kWh, station {station.identity} connector 1, "
                   f"{start:%Y-%m-%d %H:%M}\u2013{stop_text}")
    line = alices["lines"][0]
    assert line["description"] == description
    assert [line[key] for key in ("quantity", "unit_price", "net", "vat_rate", "vat", "gross")] == [
        "12.345", "0.30", "3.70", "19", "0.70", "4.40"]
    assert alices["buyer"] == {"name": "Alice GmbH", "address": "Alice GmbH Street 1\n10115 Berlin",
                               "email": "billing@example.com", "vat_id": "DE123456789"}
    assert alices["seller"]["name"] == tenant.name
    # Bob: 5 kWh x 0.30 = 1.50 net, VAT 0.285 -> 0.29, gross 1.79
    assert (bobs_invoice["net"], bobs_invoice["vat"], bobs_invoice["gross"]) == ("1.50", "0.29", "1.79")
    assert [line["session"] for line in bobs_invoice["lines"]] == [bobs]
    assert not InvoiceLine.objects.filter(session_id__in=[free, stray]).exists()

    assert again.status_code == 200 and again.json() == body  # a rerun issues nothing
    assert Invoice.objects.filter(tenant=tenant).count() == 2
    assert listed["count"] == 1 and listed["results"][0]["number"] == number(1)

    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert number(1) in text and "Alice GmbH" in text and tenant.name in text
    assert description in " ".join(pdf_text(pdf.content, layout=False).split())
    assert "7.97 EUR" in text and "1.27 EUR" in text and "6.70 EUR" in text


# Totals, numbering, seller ---------------------------------------------------------------------

def test_vat_is_computed_once_per_rate_on_the_invoices_net_at_that_rate():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    customer = make_customer(tenant, "Carla")
    tag = make_id_tag(tenant, customer=customer)
    stopped = datetime.now(UTC) - timedelta(hours=1)
    for minutes in (0, 10, 20):
        priced_session(station, tag.id_tag, stopped_at=stopped - timedelta(minutes=minutes),
                       nets={"19": "0.50"})
    mixed = priced_session(station, tag.id_tag, stopped_at=stopped - timedelta(minutes=30),
                           nets={"7": "1.00", "19": "0.25"})

    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]

    # 19 %: 3 x 0.50 + 0.25 = 1.75 net, VAT 0.3325 -> 0.33 (the sessions' own VATs, 0.10 x 3 +
    # 0.05, would add up to 0.35); 7 %: 1.00 net, VAT 0.07. Net 2.75, VAT 0.40, gross 3.15.
    assert invoice.vat_breakdown == [{"rate": "7", "net": "1.00", "vat": "0.07", "gross": "1.07"},
                                     {"rate": "19", "net": "1.75", "vat": "0.33", "gross": "2.08"}]
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("2.75"), Decimal("0.40"), Decimal("3.15"))
    mixed_line = invoice.lines.get(session=mixed)
    # two rates: no single rate on the line; one energy price: that is its unit price
    assert mixed_line.vat_rate is None and mixed_line.unit_price == Decimal("0.30")
    assert mixed_line.net == Decimal("1.25")


def test_numbers_follow_one_another_per_tenant_and_year_with_the_sellers_prefix():
    tenant, other = make_tenant(), make_tenant()
    yesterday = datetime.now(UTC) - timedelta(days=1)
    customers_with_sessions(tenant, 2, 1, stopped_at=yesterday)
    customers_with_sessions(other, 1, 1, stopped_at=yesterday)
    first = invoice_run(tenant=tenant, period_start=today() - timedelta(days=3), period_end=today(),
                        render_pdf=False)
    seller_update(tenant=tenant, invoice_prefix="INV-")
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(minutes=5))
    later = invoice_run(tenant=tenant, period_start=today(), period_end=today(), render_pdf=False)
    elsewhere = invoice_run(tenant=other, period_start=today() - timedelta(days=3), period_end=today(),
                            render_pdf=False)

    assert [i.number for i in first.issued] == [number(1), number(2)]
    assert [i.number for i in later.issued] == [number(3, "INV-")]
    assert [i.number for i in elsewhere.issued] == [number(1)]


def test_a_session_stopped_outside_the_period_or_not_final_is_not_invoiced():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    tag = make_id_tag(tenant, customer=make_customer(tenant, "Dora"))
    inside = priced_session(station, tag.id_tag, stopped_at=datetime(2026, 3, 31, 21, 59, tzinfo=UTC),
                            nets={"19": "1.00"})
    after = priced_session(station, tag.id_tag, stopped_at=datetime(2026, 3, 31, 22, 1, tzinfo=UTC),
                           nets={"19": "1.00"})  # 1 April, 00:01 in Berlin (summer time)
    waiting = priced_session(station, tag.id_tag, stopped_at=datetime(2026, 3, 15, 12, tzinfo=UTC),
                             nets={"19": "1.00"})
    SessionPrice.objects.filter(session=waiting).update(final=False)
    type(tenant).objects.filter(pk=tenant.pk).update(timezone="Europe/Berlin")
    tenant.refresh_from_db()

    run_ = invoice_run(tenant=tenant, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                       render_pdf=False)

    assert [line.session_id for line in run_.issued[0].lines.all()] == [inside.pk]
    assert not InvoiceLine.objects.filter(session__in=[after, waiting]).exists()


def test_the_monthly_beat_invoices_the_previous_month_in_the_tenants_time_zone():
    tenant = make_tenant()
    type(tenant).objects.filter(pk=tenant.pk).update(timezone="Europe/Berlin")
    tenant.refresh_from_db()
    station, _ = make_station(tenant)
    tag = make_id_tag(tenant, customer=make_customer(tenant, "Emil"))
    november = priced_session(station, tag.id_tag, stopped_at=datetime(2025, 11, 30, 22, 50, tzinfo=UTC),
                              nets={"19": "2.00"})  # 23:50 in Berlin
    priced_session(station, tag.id_tag, stopped_at=datetime(2025, 11, 30, 23, 10, tzinfo=UTC),
                   nets={"19": "2.00"})  # 1 December, 00:10 in Berlin
    still_november_in_utc = datetime(2025, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Berlin

    issued = invoice_runs_due(now=still_november_in_utc, tenants=[tenant])
    on_the_third = invoice_runs_due(now=datetime(2025, 12, 3, 12, tzinfo=UTC), tenants=[tenant])

    assert [(i.period_start, i.period_end) for i in issued] == [(date(2025, 11, 1), date(2025, 11, 30))]
    assert [line.session_id for line in issued[0].lines.all()] == [november.pk]
    assert on_the_third == []


# Restartable, concurrent ----------------------------------------------------------------------

def test_an_interrupted_run_issues_no_invoice_twice_and_skips_no_session(monkeypatch):
    tenant = make_tenant()
    sessions = customers_with_sessions(tenant, 3, 2, stopped_at=datetime.now(UTC) - timedelta(hours=3))
    totals, calls = invoice_services._totals, []

    def fails_on_the_second_invoice(lines, currency):
        calls.append(1)
        if len(calls) == 2:  # the second invoice has taken its number: the crash must give it back
            raise RuntimeError("worker killed")
        return totals(lines, currency)

    monkeypatch.setattr(invoice_services, "_totals", fails_on_the_second_invoice)
    period = (today() - timedelta(days=1), today())
    with pytest.raises(RuntimeError):
        invoice_run(tenant=tenant, period_start=period[0], period_end=period[1], render_pdf=False)
    assert list(Invoice.objects.filter(tenant=tenant).values_list("number", flat=True)) == [number(1)]

    numbers = invoice_run_task.run(tenant.pk, period[0].isoformat(), period[1].isoformat())
    rerun = invoice_run(tenant=tenant, period_start=period[0], period_end=period[1], render_pdf=False)

    assert numbers == [number(2), number(3)]
    assert [i.number for i in rerun.invoices] == [number(1), number(2), number(3)] and rerun.issued == []
    assert invoiced_once(sessions)
    assert all(invoice.lines.count() == 2 for invoice in rerun.invoices)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="row locks between threads: PostgreSQL")
def test_concurrent_runs_never_leave_a_gap_or_a_duplicate():
    tenant = make_tenant()
    now = datetime.now(UTC)
    this_week = customers_with_sessions(tenant, 6, 2, stopped_at=now - timedelta(hours=1))
    last_month = customers_with_sessions(tenant, 6, 1, stopped_at=now - timedelta(days=40))
    periods = [(today() - timedelta(days=2), today()),
               (today() - timedelta(days=45), today() - timedelta(days=35))]
    start, errors = threading.Barrier(6), []

    def runner(period):
        try:
            start.wait()
            invoice_run(tenant=tenant, period_start=period[0], period_end=period[1], render_pdf=False)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(periods[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    numbers = sorted(Invoice.objects.filter(tenant=tenant).values_list("number", flat=True))
    assert numbers == [number(n) for n in range(1, 13)]  # 6 customers x 2 periods, no gap, no repeat
    assert invoiced_once(this_week + last_month)


# Credit notes, immutability, tenancy, input -------------------------------------------------------

async def test_a_credit_note_reverses_an_invoice_once_and_its_sessions_stay_invoiced(server):
    tenant = make_tenant()
    sessions = customers_with_sessions(tenant, 1, 2, stopped_at=datetime.now(UTC) - timedelta(hours=3))
    period = (today() - timedelta(days=1), today())
    async with api_client(server, tenant) as api:
        invoice = (await run(api, *period)).json()[0]
        note = await api.post(f"/api/v1/invoices/{invoice['id']}/credit-note/")
        twice = await api.post(f"/api/v1/invoices/{invoice['id']}/credit-note/")
        of_a_note = await api.post(f"/api/v1/invoices/{note.json()['id']}/credit-note/")
        rerun = await run(api, *period)
        original = (await api.get(f"/api/v1/invoices/{invoice['id']}/")).json()
        pdf = await api.get(f"/api/v1/invoices/{note.json()['id']}/pdf/")

    assert note.status_code == 201, note.text
    body = note.json()
    # two sessions of 1.00 net: 2.00 net, VAT 0.38, gross 2.38, all negated
    assert (body["kind"], body["number"], body["credits"]) == ("credit_note", number(2), invoice["id"])
    assert (body["net"], body["vat"], body["gross"]) == ("-2.00", "-0.38", "-2.38")
    assert body["vat_breakdown"] == [{"rate": "19", "net": "-2.00", "vat": "-0.38", "gross": "-2.38"}]
    assert [line["net"] for line in body["lines"]] == ["-1.00", "-1.00"]
    assert all(line["credited_line"] is not None and line["session"] is None for line in body["lines"])
    assert twice.status_code == 409 and of_a_note.status_code == 409
    assert rerun.status_code == 200 and [i["number"] for i in rerun.json()] == [number(1)]
    assert original["credited_by"] == body["id"] and original["gross"] == "2.38"
    assert invoiced_once(sessions)
    text = pdf_text(pdf.content)
    assert "Credit note" in text and number(2) in text and number(1) in text and "-2.38 EUR" in text


async def test_issued_invoices_cannot_be_changed_or_deleted(server):
    tenant = make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]
    url = f"/api/v1/invoices/{invoice.pk}/"
    async with api_client(server, tenant) as api:
        answers = [await api.put(url, json={"number": "X"}), await api.patch(url, json={"net": "0.00"}),
                   await api.delete(url), await api.post("/api/v1/invoices/", json={"customer": 1})]
    assert [a.status_code for a in answers] == [405, 405, 405, 405]
    invoice.refresh_from_db()
    assert invoice.number == number(1) and invoice.net == Decimal("1.00")


async def test_another_tenant_gets_nothing(server):
    tenant, other = make_tenant(), make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]
    seller_update(tenant=tenant, legal_name="Tenant A Legal", vat_id="DE999")
    async with api_client(server, other) as api:
        detail = await api.get(f"/api/v1/invoices/{invoice.pk}/")
        pdf = await api.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
        note = await api.post(f"/api/v1/invoices/{invoice.pk}/credit-note/")
        listed = (await api.get("/api/v1/invoices/")).json()
        ran = await run(api, today() - timedelta(days=1), today())
        seller = (await api.get("/api/v1/seller/")).json()
    assert (detail.status_code, pdf.status_code, note.status_code) == (404, 404, 404)
    assert listed["count"] == 0 and ran.status_code == 200 and ran.json() == []
    assert seller["legal_name"] == other.name and seller["vat_id"] == ""
    assert not Invoice.objects.filter(credits=invoice).exists()


async def test_the_run_answers_400_to_a_bad_period(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        missing = await api.post("/api/v1/invoices/run/", json={"period_start": "2026-03-01"})
        garbled = await api.post("/api/v1/invoices/run/", json={"period_start": "March",
                                                                "period_end": "2026-03-31"})
        backwards = await run(api, date(2026, 3, 31), date(2026, 3, 1))
    assert missing.status_code == 400 and "period_end" in missing.json()
    assert garbled.status_code == 400 and "period_start" in garbled.json()
    assert backwards.status_code == 400 and "period_end" in backwards.json()


async def test_seller_details_default_to_the_tenants_name_and_are_copied_at_issue(server):
    from io import BytesIO

    from PIL import Image

    tenant = make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    logo = BytesIO()
    Image.new("RGB", (120, 40), (20, 90, 160)).save(logo, format="PNG")
    async with api_client(server, tenant) as api:
        default = (await api.get("/api/v1/seller/")).json()
        saved = await api.put("/api/v1/seller/", json={
            "legal_name": "Ladepark Nord GmbH", "address": "Hafenstr. 5\n20457 Hamburg",
            "vat_id": "DE811111111", "email": "rechnung@example.com", "invoice_prefix": "LN-"})
        uploaded = await api.put("/api/v1/seller/", data={"legal_name": "Ladepark Nord GmbH",
                                                          "address": "Hafenstr. 5\n20457 Hamburg",
                                                          "vat_id": "DE811111111", "invoice_prefix": "LN-"},
                                 files={"logo": ("logo.png", logo.getvalue(), "image/png")})
        bad_prefix = await api.put("/api/v1/seller/", json={"invoice_prefix": "A B"})
        invoice = (await run(api, today() - timedelta(days=1), today())).json()[0]
        await api.put("/api/v1/seller/", json={"legal_name": "Renamed Later GmbH", "invoice_prefix": "LN-"})
        again = (await api.get(f"/api/v1/invoices/{invoice['id']}/")).json()
        pdf = await api.get(invoice["pdf"])
    assert default["legal_name"] == tenant.name and default["invoice_prefix"] == ""
    assert saved.status_code == 200 and saved.json()["vat_id"] == "DE811111111"
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["logo"] and uploaded.json()["email"] == "rechnung@example.com"
    assert bad_prefix.status_code == 400 and "invoice_prefix" in bad_prefix.json()
    assert invoice["number"] == number(1, "LN-")
    assert again["seller"] == {"name": "Ladepark Nord GmbH", "address": "Hafenstr. 5\n20457 Hamburg",
                               "email": "rechnung@example.com", "vat_id": "DE811111111"}
    text = pdf_text(pdf.content)
    assert "Ladepark Nord GmbH" in text and "DE811111111" in text and "Renamed Later" not in text
    assert pdf_images(pdf.content) == [(120, 40)]  # the logo


def test_a_credit_note_takes_the_next_number_of_the_series():
    tenant = make_tenant()
    customers_with_sessions(tenant, 2, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    first, second = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                                render_pdf=False).issued
    note = invoice_credit(invoice=first)
    assert note.number == number(3) and note.credits_id == first.pk and note.gross == -first.gross
    assert Station.objects.filter(tenant=tenant).count() == 1
    assert second.number == number(2)


async def test_the_pdf_task_renders_and_stores_the_pdf_after_the_commit(server):
    tenant = make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    from billing.invoices.tasks import render_invoice_pdf_task

    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]
    assert not invoice.pdf
    name = await sync_to_async(render_invoice_pdf_task.run, thread_sensitive=False)(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.pdf.name == name and invoice.pdf_rendered_at is not None
    with invoice.pdf.open("rb") as stored:
        assert number(1) in pdf_text(stored.read())
