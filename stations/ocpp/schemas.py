"""Payload validation against the official JSON schemas the `ocpp` package ships, one
`SchemaSet` per OCPP version (stations/ocpp/v16/schemas.py, stations/ocpp/v201/schemas.py).

The schemas are compiled with fastjsonschema, far cheaper per frame than the `ocpp` package's
jsonschema path (bench/README.md, "Schema validation"). Schemas with `multipleOf: 0.1` (three
in 1.6) are checked with jsonschema on decimals instead, which floats cannot pass exactly.
Failures raise the error classes of stations/ocpp/errors.py, which each version's router names
in its own words (1.6 FormationViolation is 2.0.1 FormatViolation, and so on)."""

import decimal
import json
from collections.abc import Callable
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path

import fastjsonschema
from jsonschema import Draft4Validator, FormatChecker

from stations.ocpp.errors import (
    FormationViolation,
    NotImplementedAction,
    OccurenceConstraintViolation,
    OcppError,
    PropertyConstraintViolation,
    TypeConstraintViolation,
)

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

INT32_MAX = 2**31 - 1  # OCPP's "integer" is 32-bit (the schemas leave it unbounded)
_INT32 = (-INT32_MAX - 1, INT32_MAX)
# Meter registers in Wh, which a busy station's can outgrow (2.1 GWh) into our 64-bit columns;
# connectors and EVSEs are numbered from 0.
_BOUNDS = {"meterStart": (-(2**63), 2**63 - 1), "meterStop": (-(2**63), 2**63 - 1),
           "connectorId": (0, INT32_MAX), "evseId": (0, INT32_MAX)}


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


class SchemaSet:
    """The schemas of one OCPP version: `request_suffix` is how its files name a request's
    schema ("" in 1.6: `Authorize.json`; "Request" in 2.0.1: `AuthorizeRequest.json`)."""

    def __init__(self, directory: Path, *, request_suffix: str = "") -> None:
        self.directory = directory
        self.request_suffix = request_suffix
        self._validator = cache(self._compile)
        self._loaded = cache(self._load)

    def _load(self, schema_name: str, parse_float=float) -> dict:
        text = (self.directory / f"{schema_name}.json").read_text(encoding="utf-8-sig")
        return json.loads(text, parse_float=parse_float)

    def _schema_name(self, action: str, response: bool) -> str:
        return f"{action}{'Response' if response else self.request_suffix}"

    def _compile(self, schema_name: str) -> Callable[[dict], None]:
        schema = self._load(schema_name)
        if '"multipleOf"' in json.dumps(schema):
            checker = Draft4Validator(self._load(schema_name, decimal.Decimal),
                                      format_checker=_format_checker)
            return lambda payload: _jsonschema_validate(checker, payload)
        schema.pop("$schema", None)  # draft-06 features the schemas use are draft-04's too
        compiled = fastjsonschema.compile(schema, formats={"date-time": _is_datetime})
        return lambda payload: _fast_validate(compiled, payload)

    def schema_names(self) -> set[str]:
        return {p.stem for p in self.directory.glob("*.json")}

    @cached_property
    def actions(self) -> frozenset[str]:
        names = self.schema_names()
        if self.request_suffix:
            return frozenset(n.removesuffix(self.request_suffix) for n in names
                             if n.endswith(self.request_suffix))
        return frozenset(n for n in names if not n.endswith("Response"))

    def is_known_action(self, action: str) -> bool:
        return action in self.actions

    def validate(self, action: str, payload: dict, *, response: bool = False) -> None:
        """Raise the OCPP error that describes how `payload` breaks the schema of `action`."""
        if not self.is_known_action(action):
            raise NotImplementedAction(f"Unknown action {action!r}")
        self._validator(self._schema_name(action, response))(payload)

    def check_integers(self, action: str, payload: dict, *, response: bool = False) -> None:
        """Raise if an integer of `payload` is beyond what OCPP and our columns hold (32 bits;
        a meter register 64; a connector or EVSE id not below 0)."""
        root = self._loaded(self._schema_name(action, response))
        where = _wide_integer(root, root, payload, "")
        if where is not None:
            low, high = _bounds(where)
            raise PropertyConstraintViolation(
                f"{where or 'payload'}: an integer from {low} to {high}",
                {"field": where, "rule": "maximum"})

    def schema(self, action: str, *, response: bool = False) -> dict:
        """The parsed schema (read-only: it is shared)."""
        return self._loaded(self._schema_name(action, response))


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


def _bounds(where: str) -> tuple[int, int]:
    return _BOUNDS.get(where.rpartition(".")[2], _INT32)


def _wide_integer(root: dict, schema: dict, value, where: str) -> str | None:
    """Where in `value` an integer of `schema` is out of its bounds, or None."""
    if "$ref" in schema:  # "#/definitions/..."
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
