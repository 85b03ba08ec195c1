"""The operations' alerts that events tell of at once: a monthly invoice run that failed, and
the later run of its period that went through (alerts/conditions/invoice_runs.py). Imported by
alerts/subscriptions.py (so subscribed in AlertsConfig.ready()); both events are published by a
task outside any transaction, so the subscribers write directly."""

from alerts.conditions import invoice_runs
from billing.events import InvoiceRunCompleted, InvoiceRunFailed
from stations import events

events.subscribe(InvoiceRunFailed, invoice_runs.on_run_failed)
events.subscribe(InvoiceRunCompleted, invoice_runs.on_run_completed)
