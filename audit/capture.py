"""Model changes into the audit log, in the transaction of the change (docs/audit.md).

Receivers are connected per model, only for the models that hold what an operator owns:
logs and derived data (OCPP frames, meter samples, status history, allocations, the
deliveries of alerts and webhooks, the audit log itself...) get none, so their saves cost
nothing and their deletes stay fast deletes (Django loads every row of a model that has a
delete receiver). A receiver does nothing without an audit context (audit/context.py): the
station link's own writes are not an operator's.

An update's entry holds the fields that changed, `{"field": [before, after]}`, the before read
from the database in `pre_save`; a save that changed nothing writes no entry.
"""

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from audit import context as audit_context
from audit.models import AuditAction
from audit.services import audit_entry_create
from audit.values import field_value

# Logs, history and what the backend derives: not an operator's state.
NOT_RECORDED = frozenset({
    "admin.logentry", "auth.permission", "contenttypes.contenttype", "sessions.session",
    "audit.auditentry",
    "stations.serverprocess", "stations.evse", "stations.connector", "stations.statusevent",
    "stations.customerinformationpart", "stations.component", "stations.variable",
    "stations.variableattribute", "stations.variablemonitor", "stations.ocppmessage",
    "stations.stationevent", "stations.stationmonitoring", "stations.metersample",
    "stations.transactioneventrecord",
    "security.securityevent", "security.pkirequest",
    "smartcharging.chargingneeds", "smartcharging.evchargingschedule",
    "smartcharging.externalcharginglimit",
    "billing.sessionprice", "billing.invoicesequence", "billing.invoiceline",
    "loadmgmt.stationcontrol", "loadmgmt.connectorlimit", "loadmgmt.allocation",
    "loadmgmt.limitsent",
    "alerts.alertnotification",
    "webhooks.webhookevent", "webhooks.webhookdelivery", "webhooks.webhookattempt",
})
# Bookkeeping the backend stamps, not a change anyone made.
NOT_COMPARED = frozenset({"last_login", "last_used_at"})

_BEFORE = "_audit_before"
_M2M_BEFORE = "_audit_m2m_before"


def recorded(model: type[models.Model]) -> bool:
    meta = model._meta
    return (meta.label_lower not in NOT_RECORDED and not meta.abstract and not meta.proxy
            and not meta.auto_created and meta.managed)


def compared_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in NOT_COMPARED
            and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]


def _active() -> audit_context.AuditContext | None:
    context = audit_context.current()
    if context is None or context.actor() is None:
        return None
    return context


# --- Where an object belongs ------------------------------------------------------------------

def _station_of(instance) -> tuple[int | None, str, int | None]:
    """(station id, identity, its tenant id) of the instance's station, if it has one."""
    from stations.models import Station

    if isinstance(instance, Station):
        return instance.pk, instance.identity, instance.tenant_id
    station_id = getattr(instance, "station_id", None)
    if station_id is None:
        return None, "", None
    cached = instance._state.fields_cache.get("station")
    if cached is not None:
        return cached.pk, cached.identity, cached.tenant_id
    row = Station.objects.filter(pk=station_id).values_list("identity", "tenant_id").first()
    return (station_id, *row) if row else (station_id, "", None)


def _tenant_of(instance, station_tenant_id: int | None) -> int | None:
    from tenants.models import Tenant

    if isinstance(instance, Tenant):
        return instance.pk
    tenant_id = getattr(instance, "tenant_id", None) or station_tenant_id
    if tenant_id is not None:
        return tenant_id
    for field in instance._meta.concrete_fields:  # one hop: a schedule period's profile...
        related = field.related_model
        parent_id = getattr(instance, field.attname, None) if field.is_relation else None
        if parent_id is not None and any(f.name == "tenant" for f in related._meta.concrete_fields):
            found = related._base_manager.filter(pk=parent_id).values_list("tenant_id", flat=True).first()
            if found is not None:
                return found
    return None


def _record(context, instance, action: str, changes: dict) -> None:
    station_id, identity, station_tenant_id = _station_of(instance)
    audit_entry_create(context=context, action=action, instance=instance, changes=changes,
                       tenant_id=_tenant_of(instance, station_tenant_id),
                       station=(station_id, identity))


# --- Saves and deletes ------------------------------------------------------------------------

def _fields_saved(model, update_fields) -> list[models.Field]:
    fields = compared_fields(model)
    if update_fields is None:
        return fields
    return [f for f in fields if f.name in update_fields or f.attname in update_fields]


def on_pre_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None or _active() is None:
        return
    fields = _fields_saved(sender, update_fields)
    if not fields:  # e.g. only a sign-in's last_login: nothing to compare
        return
    before = sender._base_manager.using(kwargs.get("using")).filter(pk=instance.pk).values(
        *[f.attname for f in fields]).first()
    setattr(instance, _BEFORE, before)


def _same(field: models.Field, before, after) -> bool:
    if before == after:
        return True
    try:
        return field.to_python(before) == field.to_python(after)
    except Exception:
        return False


def on_post_save(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    fields = _fields_saved(sender, update_fields)
    context = _active() if fields and not raw else None  # a sign-in's last_login is not a change
    if context is None:
        return
    if created or before is None:
        changes = {f.name: [None, field_value(f.name, f.value_from_object(instance))]
                   for f in fields if f.value_from_object(instance) not in (None, "")}
        _record(context, instance, AuditAction.CREATE, changes)
        return
    changes = {}
    for f in fields:
        old, new = before.get(f.attname), f.value_from_object(instance)
        if not _same(f, old, new):
            changes[f.name] = [field_value(f.name, old), field_value(f.name, new)]
    if changes:
        _record(context, instance, AuditAction.UPDATE, changes)


def on_pre_delete(sender, instance, **kwargs) -> None:
    context = _active()
    if context is not None:
        context.tenants_deleted.add(instance.pk)  # its entries are deleted with it


def on_post_delete(sender, instance, **kwargs) -> None:
    context = _active()
    if context is None:
        return
    changes = {f.name: [field_value(f.name, f.value_from_object(instance)), None]
               for f in compared_fields(sender) if f.value_from_object(instance) not in (None, "")}
    _record(context, instance, AuditAction.DELETE, changes)


# --- Many-to-many -----------------------------------------------------------------------------

def _related_ids(instance, name: str) -> list:
    return sorted(getattr(instance, name).values_list("pk", flat=True))


def _m2m_name(through, instance, reverse: bool) -> str | None:
    for model in apps.get_models():
        for field in model._meta.many_to_many:
            if field.remote_field.through is through:
                return field.remote_field.get_accessor_name() if reverse else field.name
    return None


def on_m2m_changed(sender, instance, action, reverse, **kwargs) -> None:
    context = _active()
    name = _m2m_name(sender, instance, reverse) if context is not None else None
    if name is None or not recorded(type(instance)):
        return
    if action.startswith("pre_"):
        instance.__dict__.setdefault(_M2M_BEFORE, {})[name] = _related_ids(instance, name)
        return
    before = instance.__dict__.get(_M2M_BEFORE, {}).pop(name, None)
    after = _related_ids(instance, name)
    if before is not None and before != after:
        _record(context, instance, AuditAction.UPDATE, {name: [field_value(name, before), after]})


def connect() -> None:
    """Connect the receivers to every recorded model (AuditConfig.ready)."""
    from tenants.models import Tenant

    pre_delete.connect(on_pre_delete, sender=Tenant, dispatch_uid="audit:tenants.tenant")
    for model in apps.get_models():
        if not recorded(model):
            continue
        uid = f"audit:{model._meta.label_lower}"
        pre_save.connect(on_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(on_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(on_post_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(on_m2m_changed, sender=through,
                                dispatch_uid=f"audit:{through._meta.label_lower}")
