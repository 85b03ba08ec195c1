"""Invoices, in process: a run turns each customer's priced sessions of a period into one invoice
with a gap-free number and exact totals per VAT rate; reruns and interrupted runs issue nothing twice;
a credit note reverses an invoice once; issued invoices never change (end to end over a WebSocket,
concurrent runs and the PDF after the commit: tests/test_invoices.py)."""

import itertools
import subprocess
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from billing.invoices import services as invoice_services
from billing.invoices.services import invoice_credit, invoice_run, invoice_runs_due, seller_update
from billing.models import Customer, Invoice, InvoiceLine, SessionPrice
from billing.tasks import invoice_run_task
from stations.models import ChargingSession, Station
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

_transaction_ids = itertools.count(1)
YEAR = datetime.now(UTC).year  # the numbers' year (fresh tenants' time zones are UTC)


def today() -> date:
    return datetime.now(UTC).date()


def earlier_today() -> datetime:
    """A few minutes ago, but today (UTC) even just after midnight."""
    return max(datetime.now(UTC) - timedelta(minutes=5),
               datetime.combine(today(), time.min, tzinfo=UTC))


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


def run(api, start: date, end: date):
    return api.post("/api/v1/invoices/run/", json={"period_start": start.isoformat(),
                                                    "period_end": end.isoformat()})


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
    customers_with_sessions(tenant, 1, 1, stopped_at=earlier_today())
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


# Credit notes, immutability, tenancy, input -------------------------------------------------------

def test_a_credit_note_reverses_an_invoice_once_and_its_sessions_stay_invoiced():
    tenant = make_tenant()
    sessions = customers_with_sessions(tenant, 1, 2, stopped_at=datetime.now(UTC) - timedelta(hours=3))
    period = (today() - timedelta(days=1), today())
    with api_client(tenant) as api:
        invoice = (run(api, *period)).json()[0]
        note = api.post(f"/api/v1/invoices/{invoice['id']}/credit-note/")
        twice = api.post(f"/api/v1/invoices/{invoice['id']}/credit-note/")
        of_a_note = api.post(f"/api/v1/invoices/{note.json()['id']}/credit-note/")
        rerun = run(api, *period)
        original = (api.get(f"/api/v1/invoices/{invoice['id']}/")).json()
        pdf = api.get(f"/api/v1/invoices/{note.json()['id']}/pdf/")

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


def test_issued_invoices_cannot_be_changed_or_deleted():
    tenant = make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]
    url = f"/api/v1/invoices/{invoice.pk}/"
    with api_client(tenant) as api:
        answers = [api.put(url, json={"number": "X"}), api.patch(url, json={"net": "0.00"}),
       api.delete(url), api.post("/api/v1/invoices/", json={"customer": 1})]
    assert [a.status_code for a in answers] == [405, 405, 405, 405]
    invoice.refresh_from_db()
    assert invoice.number == number(1) and invoice.net == Decimal("1.00")


def test_another_tenant_gets_nothing():
    tenant, other = make_tenant(), make_tenant(seller=False)
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    invoice = invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                          render_pdf=False).issued[0]
    seller_update(tenant=tenant, legal_name="Tenant A Legal", vat_id="DE999")
    with api_client(other) as api:
        detail = api.get(f"/api/v1/invoices/{invoice.pk}/")
        pdf = api.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
        note = api.post(f"/api/v1/invoices/{invoice.pk}/credit-note/")
        listed = (api.get("/api/v1/invoices/")).json()
        ran = run(api, today() - timedelta(days=1), today())
        seller = (api.get("/api/v1/seller/")).json()
    assert (detail.status_code, pdf.status_code, note.status_code) == (404, 404, 404)
    assert listed["count"] == 0 and ran.status_code == 409 and "VAT id" in ran.json()["detail"]
    assert seller["legal_name"] == other.name and seller["vat_id"] == ""
    assert not Invoice.objects.filter(credits=invoice).exists()


def test_the_run_answers_400_to_a_bad_period():
    tenant = make_tenant()
    with api_client(tenant) as api:
        missing = api.post("/api/v1/invoices/run/", json={"period_start": "2026-03-01"})
        garbled = api.post("/api/v1/invoices/run/", json={"period_start": "March",
                                                          "period_end": "2026-03-31"})
        backwards = run(api, date(2026, 3, 31), date(2026, 3, 1))
    assert missing.status_code == 400 and "period_end" in missing.json()
    assert garbled.status_code == 400 and "period_start" in garbled.json()
    assert backwards.status_code == 400 and "period_end" in backwards.json()


def test_seller_details_default_to_the_tenants_name_and_are_copied_at_issue():
    from io import BytesIO

    from PIL import Image

    tenant = make_tenant()
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    logo = BytesIO()
    Image.new("RGB", (120, 40), (20, 90, 160)).save(logo, format="PNG")
    with api_client(tenant) as api:
        default = (api.get("/api/v1/seller/")).json()
        saved = api.put("/api/v1/seller/", json={
      "legal_name": "Ladepark Nord GmbH", "address": "Hafenstr. 5\n20457 Hamburg",
      "vat_id": "DE811111111", "email": "rechnung@example.com", "invoice_prefix": "LN-"})
        uploaded = api.put("/api/v1/seller/", data={"legal_name": "Ladepark Nord GmbH",
                                                    "address": "Hafenstr. 5\n20457 Hamburg",
                                                    "vat_id": "DE811111111", "invoice_prefix": "LN-"},
                           files={"logo": ("logo.png", logo.getvalue(), "image/png")})
        bad_prefix = api.put("/api/v1/seller/", json={"invoice_prefix": "A B"})
        invoice = (run(api, today() - timedelta(days=1), today())).json()[0]
        api.put("/api/v1/seller/", json={"legal_name": "Renamed Later GmbH", "invoice_prefix": "LN-"})
        again = (api.get(f"/api/v1/invoices/{invoice['id']}/")).json()
        pdf = api.get(invoice["pdf"])
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
