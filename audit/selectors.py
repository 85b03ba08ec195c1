"""Reading the audit log (docs/audit.md): every read takes the tenant, so no manager ever sees
another tenant's entries. Newest first, as the model orders them."""

from django.db.models import QuerySet

from audit.models import AuditEntry
from tenants.models import Tenant

STATION_HISTORY_SIZE = 10


def audit_entries(*, tenant: Tenant) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(tenant=tenant)


def station_history(*, tenant: Tenant, station_id: int,
                    size: int = STATION_HISTORY_SIZE) -> list[AuditEntry]:
    """A station's latest entries (its commands, its edits), for its page."""
    return list(audit_entries(tenant=tenant).filter(station_id=station_id)[:size])
