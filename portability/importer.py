"""The import of an export archive into an empty tenant, on this or another installation
(docs/portability.md, "Import").

Every row gets a new primary key; the archive's row ids are mapped to them as the rows go in,
file by file in the archive's order, so every reference points to a row already inserted. Rows
are inserted raw (as `loaddata` does): no `save()`, no signals, no audit entries, and the
timestamps the models stamp themselves (`auto_now`) keep the archive's values. All of it in one
transaction: a refused or broken archive leaves nothing behind."""

import io
import json
import zipfile
from array import array
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import PurePosixPath
from uuid import uuid4

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, models, transaction

from portability import columns as cols
from portability.codec import decode
from portability.tables import FORMAT, FORMAT_VERSION, TABLES, Table
from tenants.models import Tenant
from tenants.services import tenant_create
from webhooks.crypto import secret_encrypt, secret_new, secret_shown_prefix

MAX_BATCH = 1000


class ArchiveRefused(ValueError):
    """The archive cannot be imported here; the message says why, for the operator."""


@dataclass
class ImportReport:
    tenant: Tenant
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    users_missing: set[str] = field(default_factory=set)
    new_webhook_secrets: int = 0


@dataclass
class _Context:
    archive: zipfile.ZipFile
    tenant: Tenant
    report: ImportReport
    new_pks: dict[str, array] = field(default_factory=dict)
    groups: dict[tuple[str, str], dict] = field(default_factory=dict)
    users: dict[str, int | None] = field(default_factory=dict)


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise ArchiveRefused("Not an export archive: no readable manifest.json.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused(f"Not an export archive: the manifest's format is not {FORMAT!r}.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveRefused(f"The archive is format version {version}; this installation reads up to "
                             f"{FORMAT_VERSION}. Upgrade this installation first.")
    return manifest


def verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every file the manifest lists is there with its SHA-256 (a damaged download is refused)."""
    names = set(archive.namelist())
    for name, figures in manifest.get("files", {}).items():
        if name not in names:
            raise ArchiveRefused(f"The archive lacks {name}, listed in its manifest.")
        digest = sha256()
        with archive.open(name) as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != figures.get("sha256"):
            raise ArchiveRefused(f"{name} does not match its SHA-256 in the manifest: "
                                 "the archive is damaged.")


def import_archive(*, source, slug: str, name: str | None = None) -> ImportReport:
    """`source`: a path or a binary file (seekable). Refuses an archive of another format or a
    newer version, a damaged one, and a tenant that already holds data."""
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError as error:
        raise ArchiveRefused(f"No file {source}.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused("Not a zip archive.") from error
    with archive:
        verify(archive, read_manifest(archive))
        with transaction.atomic():
            tenant = _empty_tenant(archive, slug=slug, name=name)
            context = _Context(archive=archive, tenant=tenant, report=ImportReport(tenant=tenant))
            for table in TABLES:
                _import_table(table, context)
            _new_webhook_secrets(context)
    return context.report


def _empty_tenant(archive: zipfile.ZipFile, *, slug: str, name: str | None) -> Tenant:
    settings = json.loads(archive.read("tenant.json"))
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None and _holds_data(tenant):
        raise ArchiveRefused(f"The tenant {slug!r} already holds data; import into a new or empty tenant.")
    try:
        tenant = tenant or tenant_create(slug=slug, name=name or settings.get("name") or slug)
        for tenant_field in Tenant._meta.concrete_fields:
            if tenant_field.name in settings and tenant_field.name not in ("id", "slug", "name"):
                setattr(tenant, tenant_field.attname, decode(tenant_field, settings[tenant_field.name]))
        tenant.name = name or settings.get("name") or tenant.name
        tenant.full_clean()
    except ValidationError as error:
        raise ArchiveRefused(f"The tenant cannot be made: {'; '.join(error.messages)}") from error
    tenant.save()
    return tenant


def _holds_data(tenant: Tenant) -> bool:
    return any(cols.model_of(table).objects.filter(**{table.scope: tenant}).exists() for table in TABLES)


def _lines(archive: zipfile.ZipFile, name: str):
    if name not in archive.namelist():
        return
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def _import_table(table: Table, context: _Context) -> None:
    model = cols.model_of(table)
    columns = cols.columns_of(table)
    m2m = cols.m2m_of(table)
    pks = context.new_pks.setdefault(table.label, array("q"))
    batch: list[tuple[models.Model, dict]] = []
    count = skipped = 0
    for row in _lines(context.archive, f"{table.file}.jsonl"):
        if _needs_flush(table, columns, row, pks, len(batch)):
            _flush(model, batch, pks, m2m, context)
        instance = _instance(model, table, columns, row, context)
        if instance is None:
            skipped += 1
            _flush(model, batch, pks, m2m, context)
            pks.append(0)  # keeps the row ids of the rows after it; a reference to it finds none
            continue
        batch.append((instance, {f.name: row.get(f.name) or [] for f in m2m}))
        count += 1
        if len(batch) >= _batch_size(model):
            _flush(model, batch, pks, m2m, context)
    _flush(model, batch, pks, m2m, context)
    context.report.rows[table.file] = count
    if skipped:
        context.report.skipped[table.file] = skipped


def _needs_flush(table, columns, row, pks, pending: int) -> bool:
    """A row referring to a row of its own file still in the batch (a credit note's invoice)."""
    return pending > 0 and any(
        column.kind == cols.REF and column.target == table.label and isinstance(row.get(column.name), int)
        and row[column.name] > len(pks) for column in columns)


def _batch_size(model) -> int:
    fields = max(1, len(model._meta.concrete_fields))
    return max(1, min(MAX_BATCH, 30000 // fields))


def _instance(model, table: Table, columns, row: dict, context: _Context) -> models.Model | None:
    """The row as an unsaved model instance; None if a required reference is not there."""
    instance = model()
    for tenant_field in model._meta.concrete_fields:
        if tenant_field.is_relation and tenant_field.related_model is Tenant:
            setattr(instance, tenant_field.attname, context.tenant.pk)
    files = []
    for column in columns:
        if column.kind == cols.ID or column.name not in row:
            continue
        if column.kind == cols.FILE:
            files.append((column, row[column.name]))
            continue
        value = _value(table, column, row[column.name], context)
        if value is None and row[column.name] is not None and not column.field.null:
            return None
        setattr(instance, column.attname, value)
    for column, path in files:
        _attach(instance, column, path, context)
    return instance


def _value(table: Table, column: cols.Column, value, context: _Context):
    if value is None:
        return None
    if column.kind in (cols.REF, cols.INT_REF):
        return _new_pk(context, column.target, value)
    if column.kind == cols.USER:
        return _user(context, value)
    if column.kind == cols.NULL:
        return None
    if column.kind == cols.GROUP:
        return context.groups.setdefault((table.label, column.name), {}).setdefault(value, uuid4())
    return decode(column.field, value)


def _new_pk(context: _Context, label: str, row_id) -> int | None:
    pks = context.new_pks.get(label)
    if not isinstance(row_id, int) or pks is None or not 1 <= row_id <= len(pks):
        return None
    return pks[row_id - 1] or None


def _user(context: _Context, username: str) -> int | None:
    """Users are the installation's: one with the same username is linked, else reported."""
    if username not in context.users:
        model = get_user_model()
        context.users[username] = (model.objects.filter(**{model.USERNAME_FIELD: username})
                                   .values_list("pk", flat=True).first())
        if context.users[username] is None:
            context.report.users_missing.add(username)
    return context.users[username]


def _attach(instance, column: cols.Column, path: str, context: _Context) -> None:
    if not path:
        setattr(instance, column.attname, "")
        return
    try:
        handle = context.archive.open(path)
    except KeyError as error:
        label = column.field.model._meta.label
        raise ArchiveRefused(f"The archive lacks {path}, named in {label}.") from error
    with handle:
        getattr(instance, column.field.name).save(PurePosixPath(path).name, File(handle), save=False)


def _flush(model, batch: list, pks: array, m2m: list, context: _Context) -> None:
    if not batch:
        return
    instances = [instance for instance, _ in batch]
    fields = [f for f in model._meta.local_concrete_fields if not (f.primary_key and f.db_returning)]
    returning = [model._meta.pk] if model._meta.pk.db_returning else None
    size = connection.ops.bulk_batch_size(fields, instances) or len(instances)
    for start in range(0, len(instances), size):
        part = instances[start:start + size]
        result = model._base_manager._insert(part, fields=fields, returning_fields=returning, raw=True)
        for instance, values in zip(part, result or [], strict=False):
            instance.pk = values[0]
    for instance in instances:
        pks.append(instance.pk)
    _link(batch, m2m, context)
    batch.clear()


def _link(batch: list, m2m: list, context: _Context) -> None:
    for m2m_field in m2m:
        through = m2m_field.remote_field.through
        source, target = f"{m2m_field.m2m_field_name()}_id", f"{m2m_field.m2m_reverse_field_name()}_id"
        user_model = m2m_field.related_model is get_user_model()
        links = []
        for instance, values in batch:
            for value in values[m2m_field.name]:
                pk = _user(context, value) if user_model else _new_pk(
                    context, m2m_field.related_model._meta.label, value)
                if pk is not None:
                    links.append(through(**{source: instance.pk, target: pk}))
        through.objects.bulk_create(links)


def _new_webhook_secrets(context: _Context) -> None:
    """The archive holds no webhook secret (they are this installation's, encrypted with its key):
    each endpoint gets a new one, to rotate and hand to its receiver (docs/portability.md)."""
    from webhooks.models import WebhookEndpoint

    for endpoint in WebhookEndpoint.objects.filter(tenant=context.tenant, secret_encrypted=""):
        secret = secret_new()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            secret_encrypted=secret_encrypt(secret), secret_prefix=secret_shown_prefix(secret))
        context.report.new_webhook_secrets += 1
