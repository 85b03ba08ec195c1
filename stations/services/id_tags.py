"""Writing id tags, for the API and the dashboard alike: a tag created, changed or deleted
changes what the stations' local authorization lists should hold, so every write here also
resyncs them (sent after commit; stations/authlist/services.py)."""

from django.db import IntegrityError, transaction

from stations.authlist.resync import local_lists_resync
from stations.models import IdTag
from tenants.models import Tenant


class IdTagExists(ValueError):
    """The tenant has this id tag already, in some case (OCPP's IdToken is case-insensitive)."""


@transaction.atomic
def id_tag_create(*, tenant: Tenant, id_tag: str, **fields) -> IdTag:
    try:
        with transaction.atomic():  # a savepoint: the unique constraint is on Lower(id_tag)
            tag = IdTag.objects.create(tenant=tenant, id_tag=id_tag, **fields)
    except IntegrityError:
        raise IdTagExists(id_tag) from None
    local_lists_resync(tenant_id=tenant.pk)
    return tag


@transaction.atomic
def id_tag_update(*, tag: IdTag, **fields) -> IdTag:
    """Change the tag's fields; its `id_tag` is never renamed (a PUT repeats it: ignored)."""
    fields.pop("id_tag", None)
    for name, value in fields.items():
        setattr(tag, name, value)
    tag.save()
    local_lists_resync(tenant_id=tag.tenant_id)
    return tag


@transaction.atomic
def id_tag_delete(*, tag: IdTag) -> None:
    tenant_id = tag.tenant_id
    tag.delete()
    local_lists_resync(tenant_id=tenant_id)
