"""OCPP 1.6 payload validation against the official JSON schemas the `ocpp` package ships.

jsonschema's failure is mapped to the OCPP-J 1.6 error names (the `ocpp` package reports the 2.0
spelling `FormatViolation` and calls a missing field a ProtocolError).
"""

import decimal
import json
from datetime import datetime
from functools import cache
from pathlib import Path

import ocpp.v16
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from stations.ocpp.errors import (
    FormationViolation,
    NotImplementedAction,
    OccurenceConstraintViolation,
    OcppError,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)

SCHEMA_DIR = Path(ocpp.v16.__file__).parent / "schemas"
# Schemas with `multipleOf: 0.1`: floats must be compared as decimals to validate exactly.
_DECIMAL_SCHEMAS = {"SetChargingProfile", "RemoteStartTransaction", "GetCompositeScheduleResponse"}

_ERROR_BY_KEYWORD: dict[str, type[OcppError]] = {
    "type": TypeConstraintViolation,
    "required": OccurenceConstraintViolation,
    "minItems": OccurenceConstraintViolation,
    "maxItems": OccurenceConstraintViolation,
    "additionalProperties": FormationViolation,
    "maxLength": PropertyConstraintViolation,
    "minLength": PropertyConstraintViolation,
    "enum": PropertyConstraintViolation,
    "format": PropertyConstraintViolation,
    "minimum": PropertyConstraintViolation,
    "maximum": PropertyConstraintViolation,
    "multipleOf": PropertyConstraintViolation,
}


_format_checker = FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value)
    return True


def schema_names() -> set[str]:
    return {p.stem for p in SCHEMA_DIR.glob("*.json")}


@cache
def _validator(schema_name: str) -> Draft4Validator:
    path = SCHEMA_DIR / f"{schema_name}.json"
    parse_float = decimal.Decimal if schema_name in _DECIMAL_SCHEMAS else float
    schema = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=parse_float)
    return Draft4Validator(schema, format_checker=_format_checker)


def is_known_action(action: str) -> bool:
    return action in _actions()


@cache
def _actions() -> frozenset[str]:
    return frozenset(n for n in schema_names() if not n.endswith("Response"))


def validate(action: str, payload: dict, *, response: bool = False) -> None:
    """Raise the OCPP error that describes how `payload` breaks the schema of `action`."""
    if not is_known_action(action):
        raise NotImplementedAction(f"Unknown action {action!r}")
    schema_name = f"{action}Response" if response else action
    if schema_name in _DECIMAL_SCHEMAS:
        payload = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    error = _first_error(_validator(schema_name), payload)
    if error is None:
        return
    where = "/".join(str(p) for p in error.absolute_path) or "payload"
    error_class = _ERROR_BY_KEYWORD.get(error.validator, FormationViolation)
    raise error_class(f"{where}: {error.message}", {"field": where, "rule": error.validator})


def _first_error(validator: Draft4Validator, payload: dict) -> ValidationError | None:
    # The most specific error: deepest path first, then "required" before others.
    errors = list(validator.iter_errors(payload))
    if not errors:
        return None
    return max(errors, key=lambda e: (len(e.absolute_path), e.validator == "required"))
