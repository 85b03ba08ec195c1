"""Reads for invoicing: what a run has to invoice, the seller's details, a tenant's invoices."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower

from billing.models import Invoice, InvoiceLine, Seller, SessionPrice
from stations.models import IdTag
from tenants.models import Tenant


def invoices_of(tenant: Tenant) -> QuerySet[Invoice]:
    return Invoice.objects.filter(tenant=tenant).select_related("credits")


def invoice_with_lines(invoice_id: int) -> Invoice:
    return (Invoice.objects.select_related("tenant", "credits").prefetch_related("lines")
            .get(pk=invoice_id))


def seller_of(tenant: Tenant) -> Seller:
    """The seller's details; not stored yet: the defaults (legal name: the tenant's name)."""
    return Seller.objects.filter(tenant=tenant).select_related("tenant").first() or Seller(tenant=tenant)


def period_bounds(tenant: Tenant, period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The period's days (the last included) as a half-open interval of aware times, midnight to
    midnight in the tenant's time zone."""
    zone = ZoneInfo(tenant.timezone or "UTC")
    return (datetime.combine(period_start, time(0), tzinfo=zone),
            datetime.combine(period_end + timedelta(days=1), time(0), tzinfo=zone))


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def prices_to_invoice(tenant: Tenant, since: datetime, until: datetime) -> QuerySet[SessionPrice]:
    """Final prices with something to pay, of sessions stopped in [since, until), whose id tag
    belongs to a customer, and not invoiced yet; annotated with `customer_id`. Free (internal)
    and zero-cost sessions are left out: an invoice of 0.00 serves no one (they stay in the
    exports)."""
    customer = IdTag.objects.filter(tenant=tenant, id_tag__lower=Lower(OuterRef("session__id_tag")),
                                    customer__isnull=False).values("customer_id")[:1]
    invoiced = InvoiceLine.objects.filter(session_id=OuterRef("session_id"))
    return (SessionPrice.objects.filter(tenant=tenant, final=True, gross__gt=0,
                                        session__stopped_at__gte=since, session__stopped_at__lt=until)
            .exclude(currency="")
            .annotate(customer_id=Subquery(customer))
            .filter(customer_id__isnull=False)
            .exclude(Exists(invoiced)))


def groups_to_invoice(tenant: Tenant, since: datetime, until: datetime) -> dict[tuple[int, str], list[int]]:
    """What to invoice, in one read: (customer id, currency) -> session ids, one invoice each."""
    groups: dict[tuple[int, str], list[int]] = {}
    rows = prices_to_invoice(tenant, since, until).values_list("customer_id", "currency", "session_id")
    for customer_id, currency, session_id in rows.iterator(chunk_size=10_000):
        groups.setdefault((customer_id, currency), []).append(session_id)
    return dict(sorted(groups.items()))
