"""Billing's domain events: what the operations apps (webhooks) hear of money, on the station
core's bus (stations/events.py) without billing importing them.

SessionPriced and InvoiceIssued are published with `events.publish` inside the transaction
that made the change: a subscriber's rows (a webhook's outbox row) commit or roll back with it,
and a subscriber that fails is logged and skipped, never failing the price or the invoice (it
must keep its own writes in a savepoint, `transaction.atomic()`, so that its error leaves the
caller's transaction usable). The invoice runs' outcomes come after the run, outside any.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SessionPriced:
    """A stopped session got its final price, or its price was corrected (`corrected`)."""

    tenant_id: int
    session_id: int
    station_id: int | None
    corrected: bool = False


@dataclass(frozen=True)
class InvoiceIssued:
    """An invoice or a credit note was issued (a run, a correction, a credit by hand)."""

    tenant_id: int
    invoice_id: int


@dataclass(frozen=True)
class InvoiceRunFailed:
    """A tenant's monthly invoice run failed (published outside any transaction, after the
    failure was logged; the run is retried on the next beat)."""

    tenant_id: int
    period_start: date
    period_end: date
    error: str


@dataclass(frozen=True)
class InvoiceRunCompleted:
    """A tenant's monthly invoice run went through (`issued`: invoices issued by this run)."""

    tenant_id: int
    period_start: date
    period_end: date
    issued: int
