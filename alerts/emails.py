"""The alert e-mails: one per alert (opened or resolved), or one summary of a burst
(docs/alerts.md, Delivery). Text and HTML from `templates/alerts/email/`; building a message
touches no database, so the delivery round renders thousands of alerts without a query each."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from alerts.models import Alert

SUBJECT_PREFIX = "[CPMS] "
SUMMARY_LISTED = 50  # a summary lists this many alerts, then links to the alerts page

# What a summary counts, per kind: (one, many).
NOUNS = {
    "station_offline": ("station offline", "stations offline"),
    "connector_faulted": ("connector faulted", "connectors faulted"),
    "meter_silent": ("session without meter values", "sessions without meter values"),
    "remote_start_unused": ("remote start unused", "remote starts unused"),
    "session_closed": ("session closed by the backend", "sessions closed by the backend"),
    "file_job_failed": ("job failed or stalled", "jobs failed or stalled"),
    "certificate_expiring": ("certificate expiring", "certificates expiring"),
    "load_over_cap": ("load group above its cap", "load groups above their cap"),
    "invoice_run_failed": ("invoice run failed", "invoice runs failed"),
    "webhook_failing": ("webhook endpoint failing", "webhook endpoints failing"),
}


@dataclass(frozen=True)
class Told:
    """One alert to tell of: `resolved` False for its opening, True for its resolution."""

    alert: Alert
    resolved: bool


def alerts_page_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + "/alerts/"


def alert_subject(told: Told) -> str:
    title = " ".join((told.alert.title or told.alert.get_kind_display()).split())  # one line
    return SUBJECT_PREFIX + ("Resolved: " if told.resolved else "") + title


def counted(kind: str, count: int) -> str:
    one, many = NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return f"{count} {one if count == 1 else many}"


def summary_line(items: Sequence[Told]) -> str:
    """"312 alerts: 300 stations offline, 12 connectors faulted" (and how many resolved)."""
    opened = Counter(told.alert.kind for told in items if not told.resolved)
    parts = [counted(kind, count) for kind, count in opened.most_common()]
    resolved = sum(1 for told in items if told.resolved)
    if resolved:
        parts.append(f"{resolved} resolved")
    return f"{len(items)} alerts: " + ", ".join(parts)


def alert_message(told: Told, recipients: list[str]) -> EmailMultiAlternatives:
    context = {"alert": told.alert, "resolved": told.resolved, "details": _details(told.alert),
               "alerts_url": alerts_page_url()}
    return _message(alert_subject(told), "alert", context, recipients)


def summary_message(items: Sequence[Told], recipient: str) -> EmailMultiAlternatives:
    context = {"line": summary_line(items), "listed": items[:SUMMARY_LISTED],
               "more": max(len(items) - SUMMARY_LISTED, 0), "alerts_url": alerts_page_url()}
    return _message(SUBJECT_PREFIX + context["line"], "summary", context, [recipient])


def _message(subject: str, template: str, context: dict, recipients: list[str]):
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject[:300], text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    return message


def _details(alert: Alert) -> list[tuple[str, str]]:
    details = alert.details if isinstance(alert.details, dict) else {}
    return [(str(name).replace("_", " "), str(value)) for name, value in details.items()
            if value not in (None, "")]
