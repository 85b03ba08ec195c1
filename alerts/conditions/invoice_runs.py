"""Invoice runs that failed, and issued invoices whose PDF never came (docs/alerts.md,
"Invoice run failed").

A monthly run (billing/invoices/services.py `invoice_runs_due`) tells of its outcome by event:
InvoiceRunFailed opens (or refreshes, as the next beat retries it) the alert keyed
`invoice_run:<period_start>:<period_end>`, InvoiceRunCompleted of the same period resolves it
(alerts/subscriptions_ops.py subscribes these). The periodic check sweeps the PDFs: an invoice
issued more than PDF_GRACE ago with no PDF rendered (its rendering task failed) is one alert,
keyed `invoice_pdf:<pk>`, resolved once the PDF is there. Invoices issued more than LOOKBACK ago
are not alerted when first seen."""

from datetime import datetime, timedelta

from django.db.models import Q

from alerts.models import Alert, AlertKind, AlertState
from alerts.services import AlertRaise, alert_raise, alert_resolve, alerts_raise_many, alerts_resolve_absent
from billing.events import InvoiceRunCompleted, InvoiceRunFailed
from billing.models import Invoice

KIND = AlertKind.INVOICE_RUN_FAILED
PDF_GRACE = timedelta(minutes=30)
LOOKBACK = timedelta(days=1)
RUN, PDF = "invoice_run", "invoice_pdf"


def run_key(period_start, period_end) -> str:
    return f"{RUN}:{period_start.isoformat()}:{period_end.isoformat()}"


def on_run_failed(event: InvoiceRunFailed) -> None:
    """Outside any transaction, in the task that ran the invoices."""
    period = f"{event.period_start:%Y-%m-%d} to {event.period_end:%Y-%m-%d}"
    alert_raise(tenant_id=event.tenant_id, kind=KIND,
                key=run_key(event.period_start, event.period_end),
                title=f"The invoice run for {period} failed: {event.error}"[:300],
                details={"period_start": event.period_start.isoformat(),
                         "period_end": event.period_end.isoformat(), "error": event.error[:2000]})


def on_run_completed(event: InvoiceRunCompleted) -> None:
    alert_resolve(tenant_id=event.tenant_id, kind=KIND,
                  key=run_key(event.period_start, event.period_end),
                  resolution=f"A later run went through ({event.issued} invoices issued)")


def check(now: datetime) -> None:
    missing = _pdfs_missing(now)
    alerts_raise_many(kind=KIND, at=now, raises=[AlertRaise(
        tenant_id=i.tenant_id, key=f"{PDF}:{i.pk}",
        title=f"The PDF of invoice {i.number} was not rendered",
        details={"invoice_id": i.pk, "number": i.number, "issued_at": i.issued_at.isoformat()})
        for i in missing])
    present = {(i.tenant_id, f"{PDF}:{i.pk}") for i in missing} | _open_run_alerts()
    alerts_resolve_absent(kind=KIND, present=present, resolution="The PDF is rendered", at=now)


def _open_run_alerts() -> set[tuple[int, str]]:
    """Runs are resolved by their events only: the sweep keeps them."""
    return set(Alert.objects.filter(kind=KIND, state=AlertState.OPEN, key__startswith=f"{RUN}:")
               .values_list("tenant_id", "key"))


def _pdfs_missing(now: datetime) -> list[Invoice]:
    alerted = [int(key.partition(":")[2]) for key in Alert.objects.filter(
        kind=KIND, state=AlertState.OPEN, key__startswith=f"{PDF}:").values_list("key", flat=True)
        if key.partition(":")[2].isdigit()]
    recent = Q(issued_at__gte=now - LOOKBACK, issued_at__lt=now - PDF_GRACE)
    return list(Invoice.objects.filter(recent | Q(pk__in=alerted), pdf_rendered_at__isnull=True)
                .only("pk", "tenant_id", "number", "issued_at"))
