"""OCPP 1.6 payload validation against the official JSON schemas the `ocpp` package ships.

The schemas are compiled with fastjsonschema, far cheaper per frame than the `ocpp` package's
jsonschema path (bench/README.md, "Schema validation"). The three schemas with
`multipleOf: 0.1` are checked with jsonschema on decimals instead, which floats cannot pass
exactly. Failures are named as OCPP-J 1.6 names them (the `ocpp` package reports the 2.0
spelling `FormatViolation` and calls a missing field a ProtocolError).
"""

import decimal
import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

import fastjsonschema
import ocpp.v16
from jsonschema import Draft4Validator, FormatChecker

from stations.ocpp.errors import (
    FormationViolation,
    NotImplementedAction,
    OccurenceConstraintViolation,
    OcppError,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)

SCHEMA_DIR = Path(ocpp.v16.__file__).parent / "schemas"
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


def _is_datetime(value: object) -> bool:
    """ISO 8601 as Python reads it; a stamp without offset is taken as UTC later (lenient:
    some stations omit the Z)."""
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_format_checker = FormatChecker(formats=())
_format_checker.checks("date-time")(_is_datetime)


def _load(schema_name: str, parse_float=float) -> dict:
    return json.loads((SCHEMA_DIR / f"{schema_name}.json").read_text(encoding="utf-8-sig"),
                      parse_float=parse_float)


@cache
def _validator(schema_name: str) -> Callable[[dict], None]:
    if schema_name in _DECIMAL_SCHEMAS:
        checker = Draft4Validator(_load(schema_name, decimal.Decimal),
                                  format_checker=_format_checker)
        return lambda payload: _jsonschema_validate(checker, payload)
    compiled = fastjsonschema.compile(_load(schema_name), formats={"date-time": _is_datetime})
    return lambda payload: _fast_validate(compiled, payload)


def _fast_validate(compiled, payload: dict) -> None:
    try:
        compiled(payload)
    except fastjsonschema.JsonSchemaValueException as error:
        where = error.name.removeprefix("data").lstrip(".") or "payload"
        raise _error(error.rule, f"{where}: {error.message}", where) from None


def _jsonschema_validate(checker: Draft4Validator, payload: dict) -> None:
    payload = json.loads(json.dumps(payload), parse_float=decimal.Decimal)
    try:
        errors = list(checker.iter_errors(payload))
    except decimal.DecimalException:  # multipleOf on a number of hundreds of digits, e.g. 1e308
        raise PropertyConstraintViolation("payload: a number is beyond any decimal range",
                                          {"field": "payload", "rule": "multipleOf"}) from None
    if errors:
        error = max(errors, key=lambda e: (len(e.absolute_path), e.validator == "required"))
        where = "/".join(str(p) for p in error.absolute_path) or "payload"
        raise _error(error.validator, f"{where}: {error.message}", where)


def _error(rule: str | None, description: str, where: str) -> OcppError:
    error_class = _ERROR_BY_KEYWORD.get(rule or "", FormationViolation)
    return error_class(description, {"field": where, "rule": rule})


INT32_MAX = 2**31 - 1  # OCPP 1.6's "integer" is 32-bit (the schemas leave it unbounded)
_INT32 = (-INT32_MAX - 1, INT32_MAX)
# Meter registers in Wh, which a busy station's can outgrow (2.1 GWh) into our 64-bit columns;
# connectors are numbered from 0 (OCPP 1.6 section 4).
_BOUNDS = {"meterStart": (-(2**63), 2**63 - 1), "meterStop": (-(2**63), 2**63 - 1),
           "connectorId": (0, INT32_MAX)}


def check_integers(action: str, payload: dict) -> None:
    """Raise if an integer of a CALL's `payload` is beyond what OCPP and our columns hold (32
    bits; a meter register 64; a connector id not below 0)."""
    root = _load_cached(action)
    where = _wide_integer(root, root, payload, "")
    if where is not None:
        low, high = _bounds(where)
        raise PropertyConstraintViolation(f"{where or 'payload'}: an integer from {low} to {high}",
                                          {"field": where, "rule": "maximum"})


def _bounds(where: str) -> tuple[int, int]:
    return _BOUNDS.get(where.rpartition(".")[2], _INT32)


def _wide_integer(root: dict, schema: dict, value, where: str) -> str | None:
    """Where in `value` an integer of `schema` is out of its bounds, or None."""
    if "$ref" in schema:  # "#/definitions/...", as the Security extension's schemas have
        schema = root.get("definitions", {}).get(schema["$ref"].rpartition("/")[2], {})
    if schema.get("type") == "integer" and isinstance(value, int) and not isinstance(value, bool):
        low, high = _bounds(where)
        return where if not low <= value <= high else None
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            found = _wide_integer(root, sub, value[name], f"{where}.{name}".lstrip(".")) \
                if name in value else None
            if found is not None:
                return found
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found = _wide_integer(root, schema["items"], item, f"{where}/{index}")
            if found is not None:
                return found
    return None


@cache
def _load_cached(schema_name: str) -> dict:
    return _load(schema_name)


def schema_names() -> set[str]:
    return {p.stem for p in SCHEMA_DIR.glob("*.json")}


@cache
def _actions() -> frozenset[str]:
    return frozenset(n for n in schema_names() if not n.endswith("Response"))


def is_known_action(action: str) -> bool:
    return action in _actions()


def validate(action: str, payload: dict, *, response: bool = False) -> None:
    """Raise the OCPP error that describes how `payload` breaks the schema of `action`."""
    if not is_known_action(action):
        raise NotImplementedAction(f"Unknown action {action!r}")
    _validator(f"{action}Response" if response else action)(payload)
