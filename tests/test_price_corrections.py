"""A session priced again after its values changed (the station's own StopTransaction came after
the backend had closed the session): one price per session, re-priced in place; an issued invoice
is never edited but credited in full and replaced (docs/billing-corrections.md).

The late stop is simulated by writing the session's new meter_stop and stop time directly (the
session lifecycle does that part); worked numbers at 0.30/kWh net, 19 % VAT. Here the correction of
two sessions at once from two threads, which needs committed rows; the rest in process:
tests/fast/billing/test_price_corrections.py."""

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Invoice, InvoiceKind
from billing.services import session_price_correct
from tests.fast.billing.invoices.test_invoices import number
from tests.fast.billing.test_price_corrections import Operator, amounts, late_stop, open_invoice

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
