"""Invoice runs that failed, and invoices whose PDF never came (alerts/conditions/invoice_runs.py,
alerts/subscriptions_ops.py): a failed monthly run opens an alert for its period, a later run of
that period that goes through resolves it; an issued invoice still without its PDF is swept."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from alerts.conditions import invoice_runs
from alerts.models import Alert, AlertKind, AlertState
from billing.invoices import services as invoice_services
from billing.invoices.services import invoice_run, invoice_runs_due
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.invoices.test_invoices import make_customer, priced_session

pytestmark = pytest.mark.django_db
KIND = AlertKind.INVOICE_RUN_FAILED
FIRST_OF_DECEMBER = datetime(2025, 12, 1, 9, tzinfo=UTC)


def alerts_of(tenant, state=AlertState.OPEN):
    return list(Alert.objects.filter(tenant=tenant, kind=KIND, state=state))


def failing_run(**_):
    raise RuntimeError("the sequence is locked")


def test_a_failed_run_is_an_alert_for_its_period_and_a_later_run_that_went_through_resolves_it(
        monkeypatch):
    tenant, other = make_tenant(), make_tenant()
    with monkeypatch.context() as patched:
        patched.setattr(invoice_services, "invoice_run", failing_run)
        invoice_runs_due(now=FIRST_OF_DECEMBER, tenants=[tenant])
        invoice_runs_due(now=FIRST_OF_DECEMBER + timedelta(hours=1), tenants=[tenant])  # retried
    alert, = alerts_of(tenant)
    assert alert.key == "invoice_run:2025-11-01:2025-11-30" and alert.occurrences == 2
    assert alert.details["error"] == "RuntimeError: the sequence is locked"
    assert "2025-11-01 to 2025-11-30" in alert.title
    assert alerts_of(other) == []

    invoice_runs.check(timezone.now())  # the sweep leaves run alerts to their events
    assert len(alerts_of(tenant)) == 1
    invoice_runs_due(now=FIRST_OF_DECEMBER + timedelta(hours=2), tenants=[tenant])
    assert alerts_of(tenant) == []
    assert alerts_of(tenant, AlertState.RESOLVED)[0].resolution.startswith("A later run went through")


def test_a_run_of_another_period_resolves_nothing(monkeypatch):
    tenant = make_tenant()
    with monkeypatch.context() as patched:
        patched.setattr(invoice_services, "invoice_run", failing_run)
        invoice_runs_due(now=FIRST_OF_DECEMBER, tenants=[tenant])
    invoice_runs_due(now=datetime(2026, 1, 1, 9, tzinfo=UTC), tenants=[tenant])
    alert, = alerts_of(tenant)
    assert alert.details["period_start"] == date(2025, 11, 1).isoformat()


def invoice_without_pdf(tenant):
    station, _ = make_station(tenant)
    tag = make_id_tag(tenant, customer=make_customer(tenant, "Emil"))
    priced_session(station, tag.id_tag, stopped_at=timezone.now() - timedelta(hours=2),
                   nets={"19": "2.00"})
    today = timezone.now().date()
    invoice, = invoice_run(tenant=tenant, period_start=today - timedelta(days=1), period_end=today,
                           render_pdf=False).issued
    return invoice


def test_an_invoice_whose_pdf_never_came_is_an_alert_until_it_is_rendered():
    tenant = make_tenant()
    invoice = invoice_without_pdf(tenant)
    invoice_runs.check(timezone.now())
    assert alerts_of(tenant) == []  # its rendering may still be queued
    later = timezone.now() + timedelta(minutes=31)
    invoice_runs.check(later)
    alert, = alerts_of(tenant)
    assert alert.key == f"invoice_pdf:{invoice.pk}" and invoice.number in alert.title
    type(invoice).objects.filter(pk=invoice.pk).update(pdf_rendered_at=later)
    invoice_runs.check(later + timedelta(minutes=1))
    assert alerts_of(tenant) == []


def test_an_invoice_issued_long_ago_without_a_pdf_is_not_alerted_when_first_seen():
    tenant = make_tenant()
    invoice_without_pdf(tenant)
    invoice_runs.check(timezone.now() + timedelta(days=2))
    assert alerts_of(tenant) == []
