"""What an audit entry may hold of a value: JSON-safe, and never a secret (docs/audit.md).

A field whose name says it holds a secret (a password, a key or token hash, an encrypted
secret, a private key) is shown as "***" whatever its value; so is a command's secret
(ChangeConfiguration's AuthorizationKey, a 2.0.1 BasicAuthPassword, any payload key that says
password or secret)."""

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

MASK = "***"
SECRET_FIELD = re.compile(r"password|secret_encrypted|private_key|key_hash|token_hash|^secret$")
SECRET_NAME = re.compile(r"password|secret|private_?key|authorization_?key|passphrase", re.I)
VALUE_KEYS = ("value", "attributeValue")


def is_secret_field(name: str) -> bool:
    return bool(SECRET_FIELD.search(name))


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def field_value(name: str, value: Any) -> Any:
    if value is not None and value != "" and is_secret_field(name):
        return MASK
    return json_safe(value)


def _names_a_secret(item: dict) -> bool:
    variable = item.get("variable")
    names = [item.get("key"), item.get("name"),
             variable.get("name") if isinstance(variable, dict) else None]
    return any(isinstance(name, str) and SECRET_NAME.search(name) for name in names)


def masked_payload(payload: Any) -> Any:
    """A command's payload with its secrets masked, JSON-safe."""
    if isinstance(payload, list):
        return [masked_payload(item) for item in payload]
    if not isinstance(payload, dict):
        return json_safe(payload)
    secret_values = _names_a_secret(payload)
    return {key: MASK if (SECRET_NAME.search(key) or (secret_values and key in VALUE_KEYS))
            else masked_payload(value) for key, value in payload.items()}
