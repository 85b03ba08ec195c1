"""How each field of a listed model is written (docs/portability.md, "Ids and references").

No primary key of this installation reaches the archive: a row's `id` is its position in its
file (1, 2, ... in primary key order) and a reference is that position in the referenced file.
The import inserts the rows in the same order, so an export of the imported tenant numbers
them alike and the round trip gives the same files."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models

from portability.tables import NULLED_TARGETS, TABLES, Table

ID, REF, USER, NULL, FILE, INT_REF, GROUP, VALUE = (
    "id", "ref", "user", "null", "file", "int_ref", "group", "value")


@dataclass(frozen=True)
class Column:
    name: str  # the key in the archive's rows
    field: models.Field
    kind: str
    target: str = ""  # the referenced table's model label (REF, INT_REF)

    @property
    def attname(self) -> str:
        return self.field.attname


def model_of(table: Table) -> type[models.Model]:
    return apps.get_model(table.label)


def columns_of(table: Table) -> list[Column]:
    """Every concrete field but the tenant (implicit: the archive is one tenant's)."""
    return [column for field in model_of(table)._meta.concrete_fields
            if (column := _column(table, field)) is not None]


def _column(table: Table, field: models.Field) -> Column | None:
    if field.is_relation:
        return _relation(field)
    if field.primary_key:
        return Column("id", field, ID)
    if field.name in table.int_refs:
        return Column(field.name, field, INT_REF, table.int_refs[field.name])
    if field.name in table.groups:
        return Column(field.name, field, GROUP)
    if isinstance(field, models.FileField):
        return Column(field.name, field, FILE)
    return Column(field.name, field, VALUE)


def _relation(field: models.Field) -> Column | None:
    target = field.related_model._meta.label
    if target == "tenants.Tenant":
        return None
    if target == settings.AUTH_USER_MODEL:
        return Column(field.name, field, USER)
    if target in NULLED_TARGETS:
        return Column(field.name, field, NULL)
    if any(table.label == target for table in TABLES):
        return Column(field.name, field, REF, target)
    raise LookupError(f"{field.model._meta.label}.{field.name} refers to {target}, which is not exported")


def referenced_labels() -> set[str]:
    """The tables other rows refer to: only these need their row ids kept while exporting."""
    return {column.target for table in TABLES for column in columns_of(table) if column.target}


def m2m_of(table: Table) -> list[models.ManyToManyField]:
    """Many-to-many fields without a model of their own (those with one are tables)."""
    return [field for field in model_of(table)._meta.many_to_many
            if field.remote_field.through._meta.auto_created]
