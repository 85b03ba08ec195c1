"""The conditions the periodic evaluation checks (alerts/tasks.py `evaluate_alerts`). Each module
here has `check(now: datetime) -> None`: it opens, refreshes and resolves the alerts of its kind
for every tenant (alerts/services.py). Conditions that events tell of at once (a Faulted status,
a session the backend closed) are raised by alerts/subscriptions.py instead; a module here may
still sweep them (e.g. an offline alert resolved once its station is back)."""

CHECKS = [
    "alerts.conditions.offline",
    "alerts.conditions.faulted",
    "alerts.conditions.meter_silent",
    "alerts.conditions.remote_start",
    "alerts.conditions.file_jobs",
    "alerts.conditions.certificates",
    "alerts.conditions.load_over_cap",
    "alerts.conditions.invoice_runs",
]
