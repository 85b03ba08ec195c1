"""Invoices where the network or committed rows take part: customers' sessions charged over a real
WebSocket invoiced with exact totals, concurrent runs leaving no gap, the PDF rendered after the
commit (the rest in process: tests/fast/billing/invoices/test_invoices.py)."""

import itertools
import os
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from billing.invoices.services import invoice_run
from billing.models import Invoice, InvoiceLine
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.fast.billing.invoices.test_invoices import (
    customers_with_sessions,
    invoiced_once,
    make_customer,
    number,
    pdf_text,
    today,
)
from tests.test_session_pricing import Session, make_tariff, priced

_transaction_ids = itertools.count(1)


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


# Restartable, concurrent ----------------------------------------------------------------------


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
