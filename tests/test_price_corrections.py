"""A session priced again after its values changed (the station's own StopTransaction came after
the backend had closed the session): one price per session, re-priced in place; an issued invoice
is never edited but credited in full and replaced (docs/billing-corrections.md).

The late stop is simulated by writing the session's new meter_stop and stop time directly (the
session lifecycle does that part); worked numbers at 0.30/kWh net, 19 % VAT. Here the correction of
two sessions at once from two threads, which needs committed rows; the rest in process:
tests/fast/billing/test_price_corrections.py."""

import os
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from billing.invoices.services import (
    invoice_run,
)
from billing.models import Invoice, InvoiceKind
from billing.services import session_price_correct, session_price_final
from stations.models import ChargingSession
from stations.services.transactions import transaction_start, transaction_stop
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.invoices.test_invoices import make_customer, number, today
from tests.fast.billing.test_price_corrections import amounts, late_stop, open_invoice
from tests.test_session_pricing import iso, make_tariff


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


# On a credited invoice -----------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="row locks between threads: PostgreSQL")
def test_two_sessions_of_one_invoice_corrected_at_once_end_on_one_invoice_at_their_prices():
    operator = Operator()
    first, second = operator.charged(12_340, hours_ago=4), operator.charged(10_000, hours_ago=2)
    operator.invoiced(first, second)
    late_stop(first, 12_900)
    late_stop(second, 11_000)
    start, errors = threading.Barrier(2), []

    def correct(session_id: int) -> None:
        try:
            start.wait()
            session_price_correct(session_id=session_id)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(session.pk,)) for session in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    invoices = operator.invoices()
    assert [i.number for i in invoices] == [number(n) for n in range(1, len(invoices) + 1)]
    latest = open_invoice(first.pk)
    assert latest == open_invoice(second.pk) == invoices[-1]
    # 12.900 kWh 3.87 + 11.000 kWh 3.30 = 7.17 net, VAT 1.3623 -> 1.36, gross 8.53
    assert amounts(latest) == (Decimal("7.17"), Decimal("1.36"), Decimal("8.53"))
    earlier = [i for i in invoices if i.kind == InvoiceKind.INVOICE and i != latest]
    assert earlier and all(Invoice.objects.filter(credits=i).exists() for i in earlier)
