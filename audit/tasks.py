"""The audit log's retention (docs/audit.md): the only way an entry is ever deleted."""

from celery import shared_task
from django.conf import settings

from audit.services import audit_entries_purge


@shared_task
def purge_audit_entries() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE, hourly): entries older than AUDIT_RETENTION_DAYS go, in
    batches; 0 keeps them forever. Deleting what is gone already is harmless, so a redelivery is."""
    return audit_entries_purge(days=getattr(settings, "AUDIT_RETENTION_DAYS", 0))
