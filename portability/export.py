"""The tenant export: one zip archive streamed in constant memory (docs/portability.md).

Each table is read in primary key order in chunks (`.values().iterator()`), written as JSON Lines
into a small buffer handed out every CHUNK_BYTES, and zipped on the fly (zipstream-ng); the
manifest, written last, holds each file's row count and SHA-256. Only the primary keys of the
tables that others refer to are kept (8 bytes a row), to turn references into row ids."""

import io
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from hashlib import sha256
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from zipstream import ZIP_DEFLATED, ZipStream

from portability import columns as cols
from portability.codec import encode, json_line
from portability.tables import FORMAT, FORMAT_VERSION, LEFT_OUT, TABLES, Table
from tenants.models import Tenant

CHUNK_BYTES = 64 * 1024
ROWS_PER_QUERY = 2000
FILE_CHUNK = 256 * 1024


class ExportContext:
    """What one export remembers: the row ids given so far, the files' figures, the horizon."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        self.exported_at = timezone.now()
        self.kept = cols.referenced_labels()
        self.pks: dict[str, array] = {}
        self.groups: dict[tuple[str, str], dict] = {}
        self.users: dict[int, str] = {}
        self.stats: dict[str, dict] = {}
        self.horizon = {table.label: _max_pk(table, tenant) for table in TABLES}

    def row_id(self, label: str, pk: object) -> int | None:
        pks = self.pks.get(label)
        if pk is None or pks is None:
            return None
        index = bisect_left(pks, pk)
        return index + 1 if index < len(pks) and pks[index] == pk else None

    def username(self, pk: int | None) -> str | None:
        if pk is not None and pk not in self.users:
            user = get_user_model().objects.filter(pk=pk).first()
            self.users[pk] = user.get_username() if user else None
        return self.users.get(pk)


def _max_pk(table: Table, tenant: Tenant):
    """Rows added while the export runs are left for the next one: their parents may be past."""
    return cols.model_of(table).objects.filter(**{table.scope: tenant}).aggregate(top=Max("pk"))["top"]


def rows_of(table: Table, context: ExportContext) -> Iterator[dict]:
    horizon = context.horizon[table.label]
    if horizon is None:
        return
    columns = cols.columns_of(table)
    writers = [(column.name, column.attname, _writer(table, column, context)) for column in columns]
    m2m = _m2m_values(table, context)
    queryset = (cols.model_of(table).objects.filter(**{table.scope: context.tenant}, pk__lte=horizon)
                .order_by("pk").values("pk", *[column.attname for column in columns]))
    keep = context.pks.setdefault(table.label, array("q")) if table.label in context.kept else None
    for position, values in enumerate(queryset.iterator(chunk_size=ROWS_PER_QUERY), start=1):
        if keep is not None:
            keep.append(values["pk"])
        row = {name: write(values[attname], position) for name, attname, write in writers}
        for name, links in m2m.items():
            row[name] = sorted(links.get(values["pk"], ()))
        yield row


def _writer(table: Table, column: cols.Column, context: ExportContext) -> Callable[[object, int], object]:
    """How the column's value is written (chosen once per table, not per row)."""
    if column.field.name in table.blank:
        blank = table.blank[column.field.name]
        return lambda value, position: blank
    if column.kind == cols.ID:
        return lambda value, position: position
    if column.kind in (cols.REF, cols.INT_REF):
        return lambda value, position: context.row_id(column.target, value)
    if column.kind == cols.USER:
        return lambda value, position: context.username(value)
    if column.kind == cols.NULL:
        return lambda value, position: None
    if column.kind == cols.FILE:
        return lambda value, position: file_path(table, column, position, value) if value else ""
    if column.kind == cols.GROUP:
        firsts = context.groups.setdefault((table.label, column.name), {})
        return lambda value, position: firsts.setdefault(value, position)
    return lambda value, position: encode(value)


def file_path(table: Table, column: cols.Column, position: int, stored_name: str) -> str:
    """Where a stored file goes in the archive: by row id, not by the installation's name."""
    return f"files/{table.file}/{position}-{column.name}{PurePosixPath(stored_name).suffix.lower()}"


def _m2m_values(table: Table, context: ExportContext) -> dict[str, dict]:
    """Many-to-many links of the table's rows (a handful: users to notify), by row primary key."""
    links: dict[str, dict] = {}
    for field in cols.m2m_of(table):
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        pairs = through.objects.filter(**{f"{source}__{table.scope}": context.tenant}).values_list(
            f"{source}_id", f"{target}_id")
        by_row = links.setdefault(field.name, {})
        for row_pk, target_pk in pairs.iterator(chunk_size=ROWS_PER_QUERY):
            by_row.setdefault(row_pk, []).append(_m2m_target(field, target_pk, context))
    return links


def _m2m_target(field, pk: int, context: ExportContext):
    label = field.related_model._meta.label
    return context.username(pk) if label == get_user_model()._meta.label else context.row_id(label, pk)


def table_chunks(table: Table, context: ExportContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    count = 0
    for row in rows_of(table, context):
        buffer.write(json_line(row))
        count += 1
        if buffer.tell() >= CHUNK_BYTES:
            yield _drain(buffer)
    context.stats.setdefault(f"{table.file}.jsonl", {})["rows"] = count
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


def stored_files(context: ExportContext) -> Iterator[tuple[str, object, str]]:
    """(path in the archive, storage, stored name) of every file field's file, tables' order."""
    for table in TABLES:
        for column in (c for c in cols.columns_of(table) if c.kind == cols.FILE):
            horizon = context.horizon[table.label]
            queryset = (cols.model_of(table).objects
                        .filter(**{table.scope: context.tenant}, pk__lte=horizon or 0)
                        .order_by("pk").values_list(column.attname, flat=True))
            for position, name in enumerate(queryset.iterator(chunk_size=ROWS_PER_QUERY), start=1):
                if name:
                    yield file_path(table, column, position, name), column.field.storage, name


def file_chunks(storage, name: str) -> Iterator[bytes]:
    if not storage.exists(name):  # a file lost on this installation: an empty file says so
        return
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk


def tenant_settings(context: ExportContext) -> bytes:
    tenant = context.tenant
    fields = {field.name: encode(getattr(tenant, field.attname))
              for field in Tenant._meta.concrete_fields if not field.primary_key}
    return json_line(fields).encode()


def manifest(context: ExportContext) -> Iterator[bytes]:
    """Written last: by then every other file's figures are known."""
    document = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "exported_at": encode(context.exported_at),
        "tenant": {"slug": context.tenant.slug, "name": context.tenant.name},
        "files": dict(sorted(context.stats.items())),
        "left_out": LEFT_OUT,
    }
    yield json_line(document).encode()


def _measured(name: str, chunks: Iterable[bytes], context: ExportContext) -> Iterator[bytes]:
    digest, size = sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        yield chunk
    context.stats.setdefault(name, {}).update(sha256=digest.hexdigest(), bytes=size)


def export_archive(*, tenant: Tenant) -> Iterator[bytes]:
    """The archive's bytes, as they are made. Nothing is read before the first chunk is asked for
    but the horizon (a max primary key per table)."""
    context = ExportContext(tenant)
    archive = ZipStream(compress_type=ZIP_DEFLATED, compress_level=6)
    archive.add(_measured("tenant.json", [tenant_settings(context)], context), "tenant.json")
    for table in TABLES:
        name = f"{table.file}.jsonl"
        archive.add(_measured(name, table_chunks(table, context), context), name)
    archive.add(_file_entries(archive, context), "files/README.txt")
    return iter(archive)


def _file_entries(archive: ZipStream, context: ExportContext) -> Iterator[bytes]:
    """Adds the stored files (invoice PDFs, the logo, firmware) and then the manifest to the
    archive while it streams (zipstream-ng takes entries added during iteration, in order), so the
    manifest comes last. This entry itself is a short note."""
    for path, storage, name in stored_files(context):
        archive.add(_measured(path, file_chunks(storage, name), context), path)
    archive.add(manifest(context), "manifest.json")
    yield b"Stored files of the tenant (invoice PDFs, the seller's logo, firmware images), named by\n"
    yield b"table and row id; the rows name them in their file fields (docs/portability.md).\n"


def archive_name(tenant: Tenant, at: datetime | None = None) -> str:
    return f"{tenant.slug}-export-{(at or timezone.now()):%Y%m%d-%H%M%S}.zip"
