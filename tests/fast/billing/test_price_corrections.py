"""A session priced again after its values changed (the station's own StopTransaction came after
the backend had closed the session): one price per session, re-priced in place; an issued invoice
is never edited but credited in full and replaced (docs/billing-corrections.md).

The late stop is simulated by writing the session's new meter_stop and stop time directly (the
session lifecycle does that part); worked numbers at 0.30/kWh net, 19 % VAT. (Two corrections at
once from two threads: tests/test_price_corrections.py.)"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from billing.invoices.services import (
    SessionInvoicedElsewhere,
    invoice_credit,
    invoice_open_of_session,
    invoice_run,
)
from billing.models import Invoice, InvoiceKind, InvoiceLine, SessionPrice
from billing.services import session_price_correct, session_price_final, tariff_update
from billing.tasks import price_corrected_session_task
from stations.models import ChargingSession
from stations.services.transactions import transaction_start, transaction_stop
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.invoices.test_invoices import make_customer, number, pdf_text, today
from tests.fast.clients import api_client
from tests.test_session_pricing import iso, make_tariff

pytestmark = pytest.mark.django_db


class Operator:
    """A tenant with a 0.30/kWh default tariff, one station and one customer's card."""

    def __init__(self):
        self.tenant = make_tenant()
        self.station, _ = make_station(self.tenant)
        self.tariff = make_tariff(self.tenant, is_default=True)
        self.customer = make_customer(self.tenant, "Alice GmbH")
        self.tag = make_id_tag(self.tenant, customer=self.customer).id_tag

    def charged(self, wh: int, *, hours_ago: float) -> ChargingSession:
        """A stopped session of an hour drawing `wh`, priced (the backend's close or a stop)."""
        now = datetime.now(UTC)
        began = now - timedelta(hours=hours_ago)
        transaction_id, _ = transaction_start(station=self.station, received_at=now, payload={
            "connectorId": 1, "idTag": self.tag, "meterStart": 0, "timestamp": iso(began)})
        transaction_stop(station=self.station, received_at=now, payload={
            "transactionId": transaction_id, "meterStop": wh, "timestamp": iso(began + timedelta(hours=1))})
        session = ChargingSession.objects.get(station=self.station, transaction_id=transaction_id)
        session_price_final(session_id=session.pk)
        return session

    def invoiced(self, *sessions: ChargingSession) -> Invoice:
        [invoice] = invoice_run(tenant=self.tenant, period_start=today() - timedelta(days=1),
                                period_end=today(), render_pdf=False).issued
        assert sorted(invoice.lines.values_list("session_id", flat=True)) == sorted(s.pk for s in sessions)
        return invoice

    def invoices(self) -> list[Invoice]:
        return list(Invoice.objects.filter(tenant=self.tenant).order_by("number"))


def late_stop(session: ChargingSession, wh: int, *, minutes_later: int = 5) -> None:
    """What the lifecycle does when the station's StopTransaction arrives after the close."""
    ChargingSession.objects.filter(pk=session.pk).update(
        meter_stop=wh, stopped_at=session.stopped_at + timedelta(minutes=minutes_later),
        stop_received_at=datetime.now(UTC), stop_reason="EVDisconnected")


def open_invoice(session_id: int) -> Invoice | None:
    with transaction.atomic():  # it locks the invoice it finds, for the caller's transaction
        return invoice_open_of_session(session_id=session_id)


def amounts(record) -> tuple[Decimal, Decimal, Decimal]:
    return record.net, record.vat, record.gross


def snapshot(invoice: Invoice) -> tuple:
    invoice = Invoice.objects.get(pk=invoice.pk)
    lines = list(invoice.lines.order_by("position").values_list("session_id", "description", "net", "vat",
                                                                   "gross", "quantity"))
    return (invoice.number, invoice.issued_at, amounts(invoice), invoice.vat_breakdown, lines)


# Not on an invoice ---------------------------------------------------------------------------

def test_an_uninvoiced_session_is_priced_again_in_place_with_the_version_it_started_under():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    first = SessionPrice.objects.get(session=session)
    tariff_update(tariff=operator.tariff,
                  elements=[{"price_components": [{"type": "ENERGY", "price": "0.50"}]}])  # a new version
    late_stop(session, 12_900)

    record = price_corrected_session_task.run(session.pk)

    # 12.340 kWh x 0.30 = 3.70; with the station's 12.900 kWh: 3.87 net, VAT 0.7353 -> 0.74, 4.61
    assert amounts(first) == (Decimal("3.70"), Decimal("0.70"), Decimal("4.40"))
    assert Decimal(record) == Decimal("4.61")  # the task answers the gross
    [price] = SessionPrice.objects.filter(session=session)
    assert amounts(price) == (Decimal("3.87"), Decimal("0.74"), Decimal("4.61"))
    assert price.tariff_id == first.tariff_id == operator.tariff.pk and price.final
    assert price.created_at == first.created_at and price.energy_wh == 12_900
    assert not Invoice.objects.filter(tenant=operator.tenant).exists()


def test_a_session_not_priced_yet_is_priced_as_usual_and_a_running_one_not_at_all():
    operator = Operator()
    session = operator.charged(4_000, hours_ago=2)
    SessionPrice.objects.filter(session=session).delete()
    now = datetime.now(UTC)
    running_id, _ = transaction_start(station=operator.station, received_at=now, payload={
        "connectorId": 2, "idTag": operator.tag, "meterStart": 0, "timestamp": iso(now)})
    running = ChargingSession.objects.get(station=operator.station, transaction_id=running_id)

    record = session_price_correct(session_id=session.pk)

    assert record.final and amounts(record) == (Decimal("1.20"), Decimal("0.23"), Decimal("1.43"))
    assert session_price_correct(session_id=running.pk) is None
    assert session_price_correct(session_id=10**9) is None


# On an issued invoice ------------------------------------------------------------------------

def test_an_invoiced_session_is_corrected_by_one_credit_note_and_one_replacement():
    operator, other = Operator(), Operator()
    corrected = operator.charged(12_340, hours_ago=4)
    kept = operator.charged(10_000, hours_ago=2)
    original = operator.invoiced(corrected, kept)
    before = snapshot(original)
    elsewhere = other.invoiced(other.charged(5_000, hours_ago=2))
    elsewhere_before = snapshot(elsewhere)
    operator.customer.address = "Neue Str. 2\n10115 Berlin"
    operator.customer.save()
    late_stop(corrected, 12_900)

    session_price_correct(session_id=corrected.pk)

    # The original: 3.70 + 3.00 = 6.70 net, VAT 19 % 1.273 -> 1.27, 7.97: unchanged, credited.
    assert before[2] == (Decimal("6.70"), Decimal("1.27"), Decimal("7.97"))
    assert snapshot(original) == before
    first, note, replacement = operator.invoices()
    assert first.pk == original.pk
    assert (note.number, note.kind, note.credits_id) == (number(2), InvoiceKind.CREDIT_NOTE, original.pk)
    assert amounts(note) == (Decimal("-6.70"), Decimal("-1.27"), Decimal("-7.97"))
    # The replacement: 12.900 kWh 3.87 + 3.00 = 6.87 net, VAT 1.3053 -> 1.31, gross 8.18.
    assert (replacement.number, replacement.kind, replacement.replaces_id) == (
        number(3), InvoiceKind.INVOICE, original.pk)
    assert amounts(replacement) == (Decimal("6.87"), Decimal("1.31"), Decimal("8.18"))
    assert replacement.vat_breakdown == [{"rate": "19", "net": "6.87", "vat": "1.31", "gross": "8.18"}]
    same = ("customer_id", "currency", "period_start", "period_end")
    assert [getattr(replacement, name) for name in same] == [getattr(original, name) for name in same]
    assert replacement.buyer_address == "Neue Str. 2\n10115 Berlin"  # copied at issue, as always
    lines = list(replacement.lines.order_by("position"))
    assert [(line.session_id, line.net, line.quantity) for line in lines] == [
        (corrected.pk, Decimal("3.87"), Decimal("12.900")), (kept.pk, Decimal("3.00"), Decimal("10.000"))]
    assert "12.900 kWh" in lines[0].description
    assert open_invoice(corrected.pk) == replacement
    assert open_invoice(kept.pk) == replacement
    assert SessionPrice.objects.filter(session__in=[corrected, kept]).count() == 2
    # A rerun of the period invoices nothing more; the other tenant's invoice and series are untouched.
    assert invoice_run(tenant=operator.tenant, period_start=today() - timedelta(days=1), period_end=today(),
                       render_pdf=False).issued == []
    assert snapshot(elsewhere) == elsewhere_before and elsewhere.number == number(1)
    assert [i.number for i in other.invoices()] == [number(1)]


def test_running_the_correction_twice_issues_nothing_twice():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    operator.invoiced(session)
    late_stop(session, 12_900)

    price_corrected_session_task.run(session.pk)
    after_first = [snapshot(i) for i in operator.invoices()]
    priced_at = SessionPrice.objects.get(session=session).priced_at
    price_corrected_session_task.run(session.pk)

    assert [snapshot(i) for i in operator.invoices()] == after_first
    assert [n for n, *_ in after_first] == [number(1), number(2), number(3)]
    assert SessionPrice.objects.get(session=session).priced_at == priced_at


def test_a_replacement_corrected_again_is_credited_and_replaced_in_turn_without_gaps():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    operator.invoiced(session)
    late_stop(session, 12_900)
    session_price_correct(session_id=session.pk)
    late_stop(session, 20_000)

    session_price_correct(session_id=session.pk)

    invoices = operator.invoices()
    assert [i.number for i in invoices] == [number(n) for n in range(1, 6)]
    first, _, replaced, note, latest = invoices
    assert (note.credits_id, latest.replaces_id, replaced.replaces_id) == (replaced.pk, replaced.pk, first.pk)
    # 20 kWh x 0.30 = 6.00 net, VAT 1.14, gross 7.14
    assert amounts(latest) == (Decimal("6.00"), Decimal("1.14"), Decimal("7.14"))
    assert open_invoice(session.pk) == latest


def test_a_stop_time_that_moved_without_changing_the_price_leaves_the_invoice_alone():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    invoice = operator.invoiced(session)
    late_stop(session, 12_340, minutes_later=2)

    record = session_price_correct(session_id=session.pk)

    assert amounts(record) == (Decimal("3.70"), Decimal("0.70"), Decimal("4.40"))
    assert operator.invoices() == [invoice]


def test_a_replacement_that_would_put_a_session_on_a_second_open_invoice_is_refused_whole():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    invoice = operator.invoiced(session)
    stray = Invoice.objects.create(**{name: getattr(invoice, name) for name in (
        "tenant", "customer", "buyer_name", "seller_name", "issued_at", "period_start", "period_end",
        "currency")}, number="STRAY-1")  # a broken state the services never make
    InvoiceLine.objects.create(invoice=stray, position=1, session=session, description="stray", quantity=1)
    late_stop(session, 12_900)

    with pytest.raises(SessionInvoicedElsewhere):
        session_price_correct(session_id=session.pk)

    assert [i.number for i in operator.invoices()] == [number(1), "STRAY-1"]
    assert amounts(SessionPrice.objects.get(session=session)) == (Decimal("3.70"), Decimal("0.70"),
                                                                  Decimal("4.40"))


# On a credited invoice -----------------------------------------------------------------------

def test_a_session_whose_invoice_was_credited_by_hand_is_repriced_and_the_invoices_left_alone():
    operator = Operator()
    session = operator.charged(12_340, hours_ago=3)
    invoice = operator.invoiced(session)
    note = invoice_credit(invoice=invoice, render_pdf=False)
    before = [snapshot(invoice), snapshot(note)]
    late_stop(session, 12_900)

    record = session_price_correct(session_id=session.pk)

    assert amounts(record) == (Decimal("3.87"), Decimal("0.74"), Decimal("4.61"))
    assert [snapshot(invoice), snapshot(note)] == before and len(operator.invoices()) == 2
    assert open_invoice(session.pk) is None
    assert invoice_run(tenant=operator.tenant, period_start=today() - timedelta(days=1), period_end=today(),
                       render_pdf=False).issued == []  # a hand-made credit note's sessions stay invoiced


# What the accountant sees --------------------------------------------------------------------

def test_the_api_and_the_pdf_link_the_credited_invoice_its_credit_note_and_its_replacement():
    operator, other = Operator(), Operator()
    session = operator.charged(12_340, hours_ago=3)
    original = operator.invoiced(session)
    late_stop(session, 12_900)
    session_price_correct(session_id=session.pk)
    _, note, replacement = operator.invoices()
    with api_client(operator.tenant) as api:
        first = (api.get(f"/api/v1/invoices/{original.pk}/")).json()
        corrected = (api.get(f"/api/v1/invoices/{replacement.pk}/")).json()
        pdf = api.get(f"/api/v1/invoices/{replacement.pk}/pdf/")
    with api_client(other.tenant) as api:
        elsewhere = api.get(f"/api/v1/invoices/{replacement.pk}/")

    assert (first["credited_by"], first["replaced_by"], first["gross"]) == (note.pk, replacement.pk, "4.40")
    assert (corrected["replaces"], corrected["credits"], corrected["gross"]) == (original.pk, None, "4.61")
    assert [line["session"] for line in corrected["lines"]] == [session.pk]
    text = " ".join(pdf_text(pdf.content, layout=False).split())
    assert f"This invoice replaces invoice {number(1)}, cancelled in full" in text and "4.61 EUR" in text
    assert elsewhere.status_code == 404
