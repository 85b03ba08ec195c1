"""Values to and from the archive's JSON (docs/portability.md, "Values"): times as ISO 8601 in UTC
with `Z`, dates as ISO dates, decimals as strings (exact, never floats), UUIDs as text, JSON fields
as they are. Reading back goes through each field's own `to_python`, so the types are the model's."""

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models

PLAIN = frozenset({str, int, bool, float, type(None), dict, list})


def encode(value: object) -> object:
    if type(value) in PLAIN:
        return value
    if isinstance(value, datetime):
        value = value if value.tzinfo is UTC else value.astimezone(UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def decode(field: models.Field, value: object) -> object:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def json_line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, default=_fallback, separators=(",", ":")) + "\n"


def _fallback(value: object) -> object:
    """A JSON field may hold what its encoder (DjangoJSONEncoder) wrote: times, decimals."""
    encoded = encode(value)
    if encoded is value:
        raise TypeError(f"Not JSON: {type(value).__name__}")
    return encoded
