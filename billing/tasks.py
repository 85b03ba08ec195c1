"""Billing's Celery tasks: pricing a stopped session (and correcting a price), the beat that
prices what is still unpriced, invoice runs. A task takes ids, re-fetches and calls one service;
the services never import this module (the two functions at the end queue tasks after the
commit, for billing/subscriptions.py). The invoice PDF's task is billing/invoices/tasks.py.
Task names are their dotted paths here: CELERY_BEAT_SCHEDULE and queued tasks refer to them."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from billing.invoices.services import invoice_run, invoice_runs_due
from billing.services import (
    session_id_of,
    session_price_correct,
    session_price_final,
    sessions_price_due,
)
from tenants.models import Tenant


@shared_task
def price_session_task(session_id: int) -> str | None:
    """Price a stopped session. A final price is kept as it is, so a redelivery is harmless."""
    record = session_price_final(session_id=session_id)
    return None if record is None else str(record.gross)


@shared_task
def price_corrected_session_task(session_id: int) -> str | None:
    """Queued after the station's late StopTransaction completed a session the backend had closed:
    price it again; an invoiced price is corrected by a credit note and a replacement invoice.
    A redelivery finds the price current and does nothing."""
    record = session_price_correct(session_id=session_id)
    return None if record is None else str(record.gross)


@shared_task
def price_stopped_transaction(station_id: int, transaction_id: int) -> str | None:
    """Queued by StopTransaction (the session is looked up here, not on the station link)."""
    session_id = session_id_of(station_id=station_id, transaction_id=transaction_id)
    return None if session_id is None else price_session_task(session_id)


@shared_task
def price_sessions_due() -> int:
    """Beat: price the stopped sessions without a final price (a lost task, a car that stayed
    plugged in after its stop)."""
    return sessions_price_due()


@shared_task
def invoice_run_task(tenant_id: int, period_start: str, period_end: str) -> list[str]:
    """Issue the invoices of a period (ISO dates, both included); returns the numbers issued."""
    tenant = Tenant.objects.get(pk=tenant_id)
    run = invoice_run(tenant=tenant, period_start=date.fromisoformat(period_start),
                      period_end=date.fromisoformat(period_end))
    return [invoice.number for invoice in run.issued]


@shared_task
def invoice_runs_monthly() -> int:
    """Beat (hourly): each tenant's previous month, on the first two days of a month in its time
    zone (see invoice_runs_due). Returns how many invoices were issued."""
    return len(invoice_runs_due(now=timezone.now()))


def session_price_queue(*, station_id: int, transaction_id: int) -> None:
    """The session stopped: price it in a task, after commit."""
    price_stopped_transaction.delay_on_commit(station_id, transaction_id)


def session_price_correct_queue(*, session_id: int) -> None:
    """The station's own stop completed a session the backend had closed (docs/sessions.md):
    correct its price in a task, after commit."""
    price_corrected_session_task.delay_on_commit(session_id)
