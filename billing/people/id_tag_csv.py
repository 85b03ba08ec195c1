"""Id tags in bulk as CSV, both ways (docs/dashboard.md, "Id tags as CSV").

One header for export and import, so an export round-trips through the import:
`id_tag,name,status,expiry_date,parent_id_tag,max_sessions[,customer,internal]` (the last two
only for the roles that handle money, as the API's MoneyFields). An import is checked whole
first; any bad row and nothing is written (each reason with its line number); else every row in
one transaction, in bulk (10,000 rows in a few seconds), the stations' local lists resynced
once, and an audit entry per tag created or changed. The rules are the API's: OCPP's IdToken is
case-insensitive (a row spelling an existing tag in another case is that tag), a tag is never
renamed, an existing tag is changed only when the operator asked for it."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from billing.models import Customer
from stations.authlist.resync import local_lists_resync
from stations.models import IdTag, IdTagStatus
from tenants.models import Tenant

COLUMNS = ["id_tag", "name", "status", "expiry_date", "parent_id_tag", "max_sessions"]
MONEY_COLUMNS = ["customer", "internal"]
MAX_ROWS = 10_000
MAX_ERRORS = 200  # shown; the count says how many more
TRUE, FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}
STATUSES = {s.lower(): s for s in IdTagStatus.values}
LIMITS = {"id_tag": 36, "name": 200, "parent_id_tag": 36}


def header(money: bool) -> list[str]:
    return COLUMNS + (MONEY_COLUMNS if money else [])


# ---- Export -------------------------------------------------------------------------------------


class _Line:
    """A file-like sink for csv.writer that hands back the last line written."""

    def write(self, text: str) -> str:
        return text


def export_rows(tags, *, money: bool) -> Iterator[str]:
    """The CSV lines of `tags` (a queryset), read in chunks so a large tenant streams."""
    writer = csv.writer(_Line())
    yield writer.writerow(header(money))
    fields = header(money)[:-2] + ["customer_id", "internal"] if money else header(money)
    for row in tags.order_by("id_tag").values_list(*fields).iterator(chunk_size=2000):
        yield writer.writerow(_exported(row, money))


def _exported(row: tuple, money: bool) -> list:
    values = list(row)
    values[3] = values[3].isoformat() if values[3] else ""
    values[5] = "" if values[5] is None else values[5]
    if money:
        values[6] = values[6] or ""
        values[7] = "true" if values[7] else "false"
    return values


# ---- Import -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0
    created: int = 0
    updated: int = 0
    rows: int = 0

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"Line {line}: {message}")
        else:
            self.more_errors += 1


@dataclass
class _Lookup:
    existing: dict  # lower-case id tag -> IdTag
    customers_by_pk: dict
    customers_by_name: dict  # name -> [Customer]
    zone: object


def id_tags_import(*, tenant: Tenant, data: bytes, money: bool, update_existing: bool) -> ImportResult:
    """Check every row; import all of them in one transaction, or none (result.errors)."""
    result = ImportResult()
    reader = _reader(data, money, result)
    if reader is None:
        return result
    lookup = _lookup(tenant, money)
    new, changed, seen = [], [], {}
    for line, row in enumerate(reader, start=2):
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.error(line, f"At most {MAX_ROWS:,} rows in one file; split it.")
            break
        values = _row_values(row, line, lookup, money, result)
        if values is None:
            continue
        key = values["id_tag"].lower()
        if key in seen:
            result.error(line, f'"{values["id_tag"]}" is on line {seen[key]} already '
                               "(id tags are the same in any case).")
            continue
        seen[key] = line
        tag = lookup.existing.get(key)
        if tag is None:
            new.append(IdTag(tenant=tenant, **values))
        elif not update_existing:
            result.error(line, f'The id tag exists already as "{tag.id_tag}"; tick "Update '
                               'existing id tags" to change it.')
        else:
            values.pop("id_tag")
            for name, value in values.items():
                setattr(tag, name, value)
            changed.append(tag)
    if not result.errors and not result.more_errors:
        if result.rows == 0:
            result.error(2, "The file has a header but no rows.")
        else:
            _write(tenant, new, changed, money, result)
    return result


def _reader(data: bytes, money: bool, result: ImportResult):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.error(1, "The file is not UTF-8 text.")
        return None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    names = [name.strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = names
    problem = _header_problem(names, money)
    if problem:
        result.error(1, problem)
        return None
    return reader


def _header_problem(names: list[str], money: bool) -> str:
    if not names:
        return "The file is empty; the first line must be the header " + ",".join(header(True)) + "."
    missing = [c for c in ("id_tag",) if c not in names]
    unknown = [n for n in names if n not in COLUMNS + MONEY_COLUMNS]
    if unknown:
        return f"Unknown columns: {', '.join(unknown)}; expected {','.join(header(money))}."
    if missing:
        return f"The header has no id_tag column; expected {','.join(header(money))}."
    money_sent = [n for n in names if n in MONEY_COLUMNS]
    if money_sent and not money:
        return (f"An installer does not see or change customers or free charging: leave out the "
                f"columns {', '.join(money_sent)}.")
    return ""


def _lookup(tenant: Tenant, money: bool) -> _Lookup:
    existing = {tag.id_tag.lower(): tag for tag in IdTag.objects.filter(tenant=tenant)}
    by_pk, by_name = {}, {}
    if money:
        for customer in Customer.objects.filter(tenant=tenant).only("pk", "name"):
            by_pk[customer.pk] = customer
            by_name.setdefault(customer.name.strip().lower(), []).append(customer)
    return _Lookup(existing, by_pk, by_name, timezone.get_current_timezone())


def _row_values(row: dict, line: int, lookup: _Lookup, money: bool, result: ImportResult) -> dict | None:
    """The model fields of one row, or None with its reasons recorded."""
    if None in row:
        result.error(line, "More values than the header has columns.")
        return None
    cells = {name: (value or "").strip() for name, value in row.items()}
    values, problems = {}, []
    for name, check in _CHECKS.items():
        if name in cells or name == "id_tag":
            try:
                values[name] = check(cells.get(name, ""), lookup)
            except ValueError as error:
                problems.append(f"{name}: {error}")
    if money:
        for name, check in _MONEY_CHECKS.items():
            if name in cells:
                try:
                    values[name] = check(cells[name], lookup)
                except ValueError as error:
                    problems.append(f"{name}: {error}")
    for problem in problems:
        result.error(line, problem)
    return None if problems else values


def _text(name: str, required: bool = False):
    def check(value: str, lookup) -> str:
        if required and not value:
            raise ValueError("required.")
        if len(value) > LIMITS[name]:
            raise ValueError(f"at most {LIMITS[name]} characters.")
        return value
    return check


def _status(value: str, lookup) -> str:
    if not value:
        return IdTagStatus.ACCEPTED
    if value.lower() not in STATUSES:
        raise ValueError(f'"{value}" is not one of {", ".join(IdTagStatus.values)}.')
    return STATUSES[value.lower()]


def _expiry(value: str, lookup) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "T", 1)) if ("T" in value or " " in value) else None
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise ValueError(f'"{value}" is not a date (2027-12-31) or date and time '
                             "(2027-12-31T23:59:00+01:00).")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, lookup.zone)
    return moment


def _max_sessions(value: str, lookup) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 32767:
        raise ValueError(f'"{value}" is not a whole number from 0 to 32767 (0: unlimited, blank: '
                         "the tenant's default).")
    return int(value)


def _customer(value: str, lookup) -> Customer | None:
    if not value:
        return None
    if value.isdigit() and int(value) in lookup.customers_by_pk:
        return lookup.customers_by_pk[int(value)]
    found = lookup.customers_by_name.get(value.lower(), [])
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f'{len(found)} customers are named "{value}"; give the customer\'s number.')
    raise ValueError(f'no customer "{value}" (give its number or its exact name).')


def _internal(value: str, lookup) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ValueError(f'"{value}" is not true or false.')


_CHECKS = {"id_tag": _text("id_tag", required=True), "name": _text("name"), "status": _status,
           "expiry_date": _expiry, "parent_id_tag": _text("parent_id_tag"),
           "max_sessions": _max_sessions}
_MONEY_CHECKS = {"customer": _customer, "internal": _internal}


@transaction.atomic
def _write(tenant: Tenant, new: list[IdTag], changed: list[IdTag], money: bool, result: ImportResult) -> None:
    """In bulk, sending each tag's save signals as its own save would: the audit log (which
    listens to them, audit/capture.py) gets an entry per tag created or changed."""
    for tag in changed:  # before the change is written: what it was
        pre_save.send(sender=IdTag, instance=tag, raw=False, using=None, update_fields=None)
    IdTag.objects.bulk_create(new, batch_size=1000)
    if changed:
        names = COLUMNS[1:] + (MONEY_COLUMNS if money else [])
        IdTag.objects.bulk_update(changed, names, batch_size=1000)
    for tag in new:
        post_save.send(sender=IdTag, instance=tag, created=True, raw=False, using=None, update_fields=None)
    for tag in changed:
        post_save.send(sender=IdTag, instance=tag, created=False, raw=False, using=None, update_fields=None)
    result.created, result.updated = len(new), len(changed)
    local_lists_resync(tenant_id=tenant.pk)
