"""Writing the audit log (docs/audit.md). Entries are only ever created (in the transaction of
what they record) and deleted by retention; nothing here changes one."""

from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from audit.context import AuditContext
from audit.models import AuditAction, AuditEntry
from audit.values import masked_payload
from stations.models import Station
from stations.services.message_log import redacted

REPR_MAX = 300


def audit_entry_create(*, context: AuditContext, action: str, changes: dict,
                       instance: models.Model | None = None, result: str = "",
                       tenant_id: int | None = None, station: tuple[int | None, str] = (None, ""),
                       object_type: str = "", object_id: str = "",
                       object_repr: str = "") -> AuditEntry | None:
    """One entry for `context`'s actor; None when no one acts (an anonymous request)."""
    actor = context.actor()
    if actor is None:
        return None
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk if instance.pk is not None else "")
        object_repr = object_repr or _repr(instance)
    tenant_id = tenant_id if tenant_id is not None else context.tenant_id()
    if tenant_id in context.tenants_deleted:
        tenant_id = None  # its entries go with it; this one stays, for the admins
    entry = AuditEntry.objects.create(
        tenant_id=tenant_id, at=timezone.now(), request_id=context.request_id, via=context.via,
        actor_type=actor.type, actor_id=actor.id, actor=actor.name[:200], ip=context.ip or None,
        method=context.method, path=context.path, action=action, object_type=object_type[:100],
        object_id=object_id[:100], object_repr=object_repr[:REPR_MAX],
        station_id=station[0], station_identity=(station[1] or "")[:100],
        changes=changes, result=result[:200])
    context.entries += 1
    return entry


def _repr(instance: models.Model) -> str:
    try:
        return str(instance)[:REPR_MAX]
    except Exception:  # a __str__ that needs a row gone with a delete
        return f"{instance._meta.verbose_name} {instance.pk}"


def command_result(*, outcome: str, response: dict | None, detail: str) -> str:
    """What a command's entry shows as its result: the station's status when it answered
    with one (Accepted, Rejected...), else what happened (timeout, not_connected, the
    CALLERROR...)."""
    if outcome == "result":
        status = (response or {}).get("status")
        return str(status) if isinstance(status, str) else "answered"
    if outcome == "error" and detail:
        return f"error: {detail}"
    return outcome


def audit_command_record(*, context: AuditContext, station: Station, action: str, payload: dict,
                         outcome: str, response: dict | None, detail: str) -> AuditEntry | None:
    """A command sent to a station (stations.events.CommandCompleted) and its outcome."""
    return audit_entry_create(
        context=context, action=AuditAction.COMMAND, tenant_id=station.tenant_id,
        station=(station.pk, station.identity), object_type="stations.station",
        object_id=str(station.pk), object_repr=f"{action} to {station.identity}",
        changes={"request": masked_payload(redacted(action, payload))},  # no transfer tokens
        result=command_result(outcome=outcome, response=response, detail=detail))


def audit_request_record(*, context: AuditContext, view: str, object_id: str, fields: list[str],
                         status: int) -> AuditEntry | None:
    """The fallback: an operator's write that told of no model change (a bulk update, raw SQL).
    Only the names of the fields sent are kept, never their values."""
    return audit_entry_create(
        context=context, action=AuditAction.REQUEST, object_type=view, object_id=object_id,
        object_repr=f"{context.method} {context.path}",
        changes={"fields": fields} if fields else {}, result=str(status))


def audit_entries_purge(*, days: int, batch: int = 1000, now=None) -> int:
    """Delete the entries older than `days` (0: keep them forever), `batch` rows per
    transaction so a first purge of years of entries holds no long lock. Returns how many."""
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(AuditEntry.objects.filter(at__lt=cutoff).order_by("id")
                       .values_list("id", flat=True)[:batch])
            if not ids:
                return deleted
            deleted += AuditEntry.objects.filter(id__in=ids).delete()[0]
