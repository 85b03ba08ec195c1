"""Issuing invoices and credit notes (docs/invoicing.md).

An invoice run makes one invoice per customer and currency of the final-priced sessions stopped
in a period. Each invoice is issued in a transaction of its own that takes the customer's row
lock, re-reads what is still to invoice, takes the next number under the (tenant, year) sequence
row lock and writes the invoice with its lines: a run that fails half-way leaves whole invoices
only, and rerunning it issues the rest (a session's line is unique, so nothing is invoiced
twice). The number is taken in the transaction that writes the invoice, so a rollback returns it.

A session priced again after it was invoiced (docs/billing-corrections.md) is corrected through
the credit-note path: its invoice is credited in full and replaced by a new invoice carrying the
same sessions at their current prices. A session is thus on at most one invoice that has not
been credited; the services keep that under the invoice's row lock.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from billing.events import InvoiceIssued, InvoiceRunCompleted, InvoiceRunFailed
from billing.invoices import selectors
from billing.invoices.tasks import render_invoice_pdf_task
from billing.models import Customer, Invoice, InvoiceKind, InvoiceLine, InvoiceSequence, Seller, SessionPrice
from billing.pricing import currency_exponent
from billing.pricing.money import decimal_text, round_half_up
from stations import events
from tenants.models import Tenant

log = logging.getLogger(__name__)


class InvoiceNotCreditable(Exception):
    """A credit note of a credit note, or a second credit note of one invoice."""


class SessionInvoicedElsewhere(Exception):
    """A replacement would put a session on a second invoice that has not been credited."""


class SellerIncomplete(Exception):
    """The seller's details an invoice must state are not all set: nothing is issued."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"Invoices cannot be issued until the seller's {', '.join(missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} set (Settings → Seller details).")


def seller_ready(tenant: Tenant) -> None:
    """Raise SellerIncomplete unless the seller's legal name, address and VAT id are set: an EU
    invoice without them is not a valid invoice (docs/invoicing.md). Every issue of new invoices
    checks it (a run from the dashboard, the API or the monthly task; a re-issue by hand);
    credit notes do not (correcting what was issued must stay possible)."""
    missing = selectors.seller_of(tenant).missing_for_invoices()
    if missing:
        raise SellerIncomplete(missing)


@dataclass
class InvoiceRun:
    invoices: list[Invoice]  # every invoice of the period, issued now or before
    issued: list[Invoice] = field(default_factory=list)  # those issued by this run


def seller_update(*, tenant: Tenant, **fields) -> Seller:
    seller, _ = Seller.objects.get_or_create(tenant=tenant)
    for name, value in fields.items():
        setattr(seller, name, value)
    seller.save()
    return seller


def invoice_run(*, tenant: Tenant, period_start: date, period_end: date,
                render_pdf: bool = True) -> InvoiceRun:
    """Invoice every customer's final-priced sessions stopped in the period (days in the tenant's
    time zone, both included) that are not invoiced yet. Idempotent and restartable."""
    if period_end < period_start:
        raise ValueError("period_end is before period_start")
    seller_ready(tenant)
    since, until = selectors.period_bounds(tenant, period_start, period_end)
    issued = []
    for (customer_id, currency), session_ids in selectors.groups_to_invoice(tenant, since, until).items():
        invoice = invoice_issue(tenant=tenant, customer_id=customer_id, currency=currency,
                                period_start=period_start, period_end=period_end, session_ids=session_ids,
                                render_pdf=render_pdf)
        if invoice is not None:
            issued.append(invoice)
    invoices = list(selectors.invoices_of(tenant).filter(kind=InvoiceKind.INVOICE, period_start=period_start,
                                                         period_end=period_end).order_by("number"))
    return InvoiceRun(invoices=invoices, issued=issued)


def invoice_runs_due(*, now: datetime, tenants: Iterable[Tenant] | None = None) -> list[Invoice]:
    """The monthly runs: for each tenant whose local date at `now` is the 1st or 2nd of a month,
    invoice its previous calendar month. Rerunning is harmless (a run is idempotent); running
    through the second day also invoices sessions whose price became final after midnight (a car
    left plugged in after its stop). One tenant's failure does not hold the others back."""
    issued = []
    for tenant in Tenant.objects.all() if tenants is None else tenants:
        today = now.astimezone(ZoneInfo(tenant.timezone or "UTC")).date()
        if today.day > 2:
            continue
        start, end = selectors.previous_month(today)
        try:
            run = invoice_run(tenant=tenant, period_start=start, period_end=end)
        except SellerIncomplete as error:  # the operator's to fix, not a crash: no traceback
            log.warning("The invoice run of %s for %s..%s: %s", tenant, start, end, error)
            events.publish(InvoiceRunFailed(tenant.pk, start, end, str(error)))
            continue
        except Exception as error:
            log.exception("The invoice run of %s for %s..%s failed", tenant, start, end)
            events.publish(InvoiceRunFailed(tenant.pk, start, end, f"{type(error).__name__}: {error}"))
            continue
        issued += run.issued
        events.publish(InvoiceRunCompleted(tenant.pk, start, end, len(run.issued)))
    return issued


@transaction.atomic
def invoice_issue(*, tenant: Tenant, customer_id: int, currency: str, period_start: date, period_end: date,
                  session_ids: list[int] | None = None, render_pdf: bool = True) -> Invoice | None:
    """One customer's invoice in one currency for the period (of those sessions, if given: what
    the run read); None if nothing is left to invoice (another run got there first). The prices
    are locked as they are read, so a correction running meanwhile (session_price_correct)
    either finishes first or finds them invoiced."""
    # NO KEY: runs of one customer wait for each other; a credit note or a replacement being
    # written for the customer (it refers to the row) does not, so neither waits on the other.
    customer = Customer.objects.select_for_update(no_key=True).get(pk=customer_id, tenant=tenant)
    since, until = selectors.period_bounds(tenant, period_start, period_end)
    prices = selectors.prices_to_invoice(tenant, since, until)
    if session_ids is not None:
        prices = prices.filter(session_id__in=session_ids)
    prices = list(prices.filter(customer_id=customer_id, currency=currency)
                  .select_related("session__station__tenant").select_for_update(of=("self",))
                  .order_by("session__stopped_at", "session__started_at", "session_id"))
    if not prices:
        return None
    lines = [_session_line(price, position) for position, price in enumerate(prices, start=1)]
    return _issue(tenant, customer, currency, period_start, period_end, lines, render_pdf=render_pdf)


@transaction.atomic
def invoice_credit(*, invoice: Invoice, render_pdf: bool = True, reason: str = "") -> Invoice:
    """A full credit note of `invoice`: every line and total negated, referring to it. Made by
    hand (the API), it leaves the sessions invoiced: no run invoices them again, and a later
    correction of one of them re-prices it without touching these invoices (crediting may have
    been a waiver; billing again is the accountant's decision). invoice_replace credits and
    re-issues in one go."""
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if original.kind != InvoiceKind.INVOICE:
        raise InvoiceNotCreditable("A credit note cannot be credited.")
    if Invoice.objects.filter(credits=original).exists():
        raise InvoiceNotCreditable("This invoice has a credit note already.")
    seller = selectors.seller_of(original.tenant)
    issued_at, number = _take_number(original.tenant, seller.invoice_prefix)
    copied = ["tenant", "customer", "buyer_name", "buyer_address", "buyer_email", "buyer_vat_id",
              "seller_name", "seller_address", "seller_email", "seller_vat_id", "period_start",
              "period_end", "currency"]
    try:
        with transaction.atomic():
            note = Invoice.objects.create(
                number=number, kind=InvoiceKind.CREDIT_NOTE, credits=original, issued_at=issued_at,
                reason=reason.strip()[:300],
                net=_negated(original.net), vat=_negated(original.vat), gross=_negated(original.gross),
                vat_breakdown=[{key: _negated_text(value) if key != "rate" else value
                                for key, value in row.items()} for row in original.vat_breakdown],
                **{name: getattr(original, name) for name in copied})
    except IntegrityError:
        raise InvoiceNotCreditable("This invoice has a credit note already.") from None
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=note, position=line.position, credited_line=line, description=line.description,
                    started_at=line.started_at, stopped_at=line.stopped_at, quantity=line.quantity,
                    unit=line.unit, unit_price=line.unit_price, components=line.components,
                    net=_negated(line.net), vat_rate=line.vat_rate, vat=_negated(line.vat),
                    gross=_negated(line.gross),
                    vat_by_rate={rate: [_negated_text(v) for v in values]
                                 for rate, values in line.vat_by_rate.items()})
        for line in original.lines.order_by("position")], batch_size=1000)
    if render_pdf:
        _render_after_commit(note.pk)
    events.publish(InvoiceIssued(note.tenant_id, note.pk))
    return note


def invoice_open_of_session(*, session_id: int) -> Invoice | None:
    """The invoice carrying the session that has no credit note, locked for the calling
    transaction; None if there is none (never invoiced, or only on credited invoices). If it was
    credited while this waited for its lock, the next one is looked for (its replacement)."""
    while True:  # each pass follows a credit note committed meanwhile: the chain is finite
        open_ = _open_invoices().filter(lines__session_id=session_id)
        invoice_id = open_.values_list("pk", flat=True).first()
        if invoice_id is None:
            return None
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if not Invoice.objects.filter(credits=invoice).exists():
            return invoice


@transaction.atomic
def invoice_correct_session(*, invoice: Invoice, session_id: int, render_pdf: bool = True) -> Invoice | None:
    """The session on `invoice` (locked by invoice_open_of_session) was priced again: if its line
    no longer states its price, credit the invoice and replace it; returns the replacement.
    None when the line is current (a second run of the same correction)."""
    line = invoice.lines.get(session_id=session_id)
    price = SessionPrice.objects.select_related("session__station__tenant").get(session_id=session_id)
    if _same_supply(line, _session_line(price, line.position)):
        return None
    return invoice_replace(invoice=invoice, render_pdf=render_pdf)


@transaction.atomic
def invoice_replace(*, invoice: Invoice, render_pdf: bool = True) -> Invoice:
    """Credit `invoice` in full and issue its replacement: the same customer, period and currency,
    every session of it at its current price, in the same order, with the next number after the
    credit note's; buyer and seller details as they are now (copied at issue, as for any
    invoice). A line whose session no longer exists is carried as it was."""
    original = (Invoice.objects.select_for_update(of=("self",)).select_related("tenant", "customer")
                .get(pk=invoice.pk))
    lines = list(original.lines.order_by("position"))
    session_ids = [line.session_id for line in lines if line.session_id is not None]
    if _open_invoices().filter(lines__session_id__in=session_ids).exclude(pk=original.pk).exists():
        raise SessionInvoicedElsewhere(f"A session of {original.number} is on another open invoice.")
    invoice_credit(invoice=original, render_pdf=render_pdf)
    prices = {price.session_id: price for price in SessionPrice.objects.filter(session_id__in=session_ids)
              .select_related("session__station__tenant")}
    new_lines = [_session_line(prices[line.session_id], line.position) if line.session_id in prices
                 else _copied_line(line) for line in lines]
    return _issue(original.tenant, original.customer, original.currency, original.period_start,
                  original.period_end, new_lines, render_pdf=render_pdf, replaces=original)


def _issue(tenant: Tenant, customer: Customer, currency: str, period_start: date, period_end: date,
           lines: list[InvoiceLine], *, render_pdf: bool, replaces: Invoice | None = None) -> Invoice:
    """Write an invoice with its lines under the next number; the caller's transaction holds the
    customer's or the replaced invoice's lock."""
    seller = selectors.seller_of(tenant)
    issued_at, number = _take_number(tenant, seller.invoice_prefix)
    invoice = Invoice.objects.create(
        tenant=tenant, number=number, kind=InvoiceKind.INVOICE, customer=customer, replaces=replaces,
        buyer_name=customer.name, buyer_address=customer.address, buyer_email=customer.email,
        buyer_vat_id=customer.vat_id, seller_name=seller.name, seller_address=seller.address,
        seller_email=seller.email, seller_vat_id=seller.vat_id, issued_at=issued_at,
        period_start=period_start, period_end=period_end, currency=currency,
        **_totals(lines, currency))
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines, batch_size=1000)
    if render_pdf:
        _render_after_commit(invoice.pk)
    events.publish(InvoiceIssued(tenant.pk, invoice.pk))
    return invoice


def _open_invoices() -> QuerySet[Invoice]:
    return Invoice.objects.filter(kind=InvoiceKind.INVOICE).exclude(
        Exists(Invoice.objects.filter(credits=OuterRef("pk"))))


def _same_supply(line: InvoiceLine, current: InvoiceLine) -> bool:
    """The line states the session's current price and quantity (its times may differ: a stop
    time moved without changing what is paid is not worth a credit note)."""
    fields = ("quantity", "net", "vat", "gross")
    return (all(Decimal(getattr(line, name)) == Decimal(getattr(current, name)) for name in fields)
            and line.components == current.components and line.vat_by_rate == current.vat_by_rate)


def _copied_line(line: InvoiceLine) -> InvoiceLine:
    names = ("position", "description", "started_at", "stopped_at", "quantity", "unit", "unit_price",
             "components", "net", "vat_rate", "vat", "gross", "vat_by_rate")
    return InvoiceLine(**{name: getattr(line, name) for name in names})


def _take_number(tenant: Tenant, prefix: str) -> tuple[datetime, str]:
    """The issue time and the next number of the tenant's series of that (local) year, under the
    sequence row's lock: held until the calling transaction ends, so numbers follow issue times."""
    zone = ZoneInfo(tenant.timezone or "UTC")
    year = timezone.now().astimezone(zone).year
    InvoiceSequence.objects.bulk_create([InvoiceSequence(tenant=tenant, year=year)], ignore_conflicts=True)
    sequence = InvoiceSequence.objects.select_for_update().get(tenant=tenant, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    issued_at = timezone.now()
    return issued_at, f"{prefix}{year}-{sequence.last:06d}"


def _session_line(price: SessionPrice, position: int) -> InvoiceLine:
    session = price.session
    station = session.station
    zone = ZoneInfo(station.effective_timezone or "UTC")
    energy_wh = price.energy_wh if price.energy_wh is not None else Decimal(session.energy_wh or 0)
    kwh = (Decimal(energy_wh) / 1000).quantize(Decimal("0.001"))
    rates = {Decimal(rate): values for rate, values in price.vat_by_rate.items()}
    prices = {line.get("unit_price") for line in price.lines}
    only_energy = price.lines and all(line.get("component") == "ENERGY" for line in price.lines)
    return InvoiceLine(
        position=position, session=session, started_at=session.started_at, stopped_at=session.stopped_at,
        description=(f"Charging session, {kwh} kWh, station {station.identity} connector "
                     f"{session.connector_id}, {_span(session.started_at, session.stopped_at, zone)}"),
        quantity=kwh, unit_price=Decimal(prices.pop()) if only_energy and len(prices) == 1 else None,
        components=price.lines, net=price.net, vat=price.vat, gross=price.gross,
        vat_rate=next(iter(rates)) if len(rates) == 1 else None, vat_by_rate=price.vat_by_rate)


def _span(start: datetime | None, stop: datetime | None, zone: ZoneInfo) -> str:
    """"2026-03-01 18:02–19:40" in the station's local time (both dates when they differ)."""
    stop_local = stop.astimezone(zone)
    if start is None:
        return f"stopped {stop_local:%Y-%m-%d %H:%M}"
    start_local = start.astimezone(zone)
    end = f"{stop_local:%H:%M}" if start_local.date() == stop_local.date() else f"{stop_local:%Y-%m-%d %H:%M}"
    return f"{start_local:%Y-%m-%d %H:%M}\u2013{end}"


def _totals(lines: list[InvoiceLine], currency: str) -> dict:
    """Taxable amount per VAT rate (the sum of the lines' nets at that rate), its VAT computed once
    on it and rounded half-up to the currency's minor unit, and the totals."""
    exponent = currency_exponent(currency)
    zero = Decimal(0).scaleb(-exponent)
    net_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        for rate, (net, _) in line.vat_by_rate.items():
            key = Decimal(rate).normalize()
            net_by_rate[key] = net_by_rate.get(key, zero) + Decimal(net).quantize(zero)
    breakdown = []
    for rate in sorted(net_by_rate):
        net = net_by_rate[rate]
        vat = round_half_up(Fraction(net) * Fraction(rate) / 100, exponent)
        breakdown.append({"rate": decimal_text(rate), "net": str(net), "vat": str(vat),
                          "gross": str(net + vat)})
    net = sum((Decimal(row["net"]) for row in breakdown), zero)
    vat = sum((Decimal(row["vat"]) for row in breakdown), zero)
    return {"net": net, "vat": vat, "gross": net + vat, "vat_breakdown": breakdown}


def _negated(value: Decimal) -> Decimal:
    return Decimal(0) - value  # 0 stays 0, never -0


def _negated_text(value: str) -> str:
    return str(_negated(Decimal(value)))


def _render_after_commit(invoice_id: int) -> None:
    render_invoice_pdf_task.delay_on_commit(invoice_id)


@transaction.atomic
def invoice_reissue(*, invoice: Invoice, reason: str = "", render_pdf: bool = True) -> Invoice:
    """By hand: credit `invoice` (with `reason`) and issue its replacement with the seller's and
    the customer's details as they are now; the seller's must be complete. Returns the
    replacement."""
    seller_ready(invoice.tenant)
    replacement = invoice_replace(invoice=invoice, render_pdf=render_pdf)
    if reason:
        Invoice.objects.filter(credits=invoice).update(reason=reason.strip()[:300])
    return replacement


def invoice_paid_set(*, invoice: Invoice, paid_at: datetime | None) -> Invoice:
    """Mark the invoice paid at `paid_at` (None: unpaid). Not a detail the invoice states, so
    it is set on the issued row (docs/invoicing.md)."""
    invoice.paid_at = paid_at
    invoice.save(update_fields=["paid_at"])
    return invoice

