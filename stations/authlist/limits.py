"""How much of a local authorization list a station takes, from what we know of it, and the
list's updates cut to fit (docs/ocpp201.md, local authorization list).

A 1.6 station says it in its configuration keys (SendLocalListMaxLength: entries per message,
LocalAuthListMaxLength: entries in all); a 2.0.1 station in its device model
(LocalAuthListCtrlr ItemsPerMessage and BytesPerMessage per message, the maxLimit of Entries in
all). What the station never said is no limit. An update longer than one message goes out in
parts (see stations/authlist/services.py); a list longer than the station holds is not sent."""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from stations.commands import requests as req
from stations.commands.sending import translator_for
from stations.models import CONFIGURATION_KEYS, AttributeType, Station, Variable

CONTROLLER = "LocalAuthListCtrlr"


@dataclass(frozen=True)
class ListLimits:
    per_message: int | None = None  # entries in one SendLocalList
    bytes_per_message: int | None = None  # bytes of one SendLocalList CALL
    in_all: int | None = None  # entries the station holds


def _positive(value) -> int | None:
    try:
        number = int(Decimal(str(value)))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if number > 0 else None


def _value(station_id: int, component: str, name: str) -> int | None:
    """A positive Actual value of the variable (1.6 keys in any case; a 2.0.1 station may name
    it as the specification's prose does, e.g. ItemsPerMessageSendLocalList)."""
    values = (Variable.objects.filter(component__station_id=station_id, component__name=component)
              .filter(Q(name__iexact=name) | Q(name__iexact=name + "SendLocalList"))
              .filter(attributes__type=AttributeType.ACTUAL)
              .values_list("attributes__value", flat=True))
    return next((n for n in map(_positive, values) if n is not None), None)


def _max_limit(station_id: int, component: str, name: str) -> int | None:
    limits = (Variable.objects.filter(component__station_id=station_id,
                                      component__name=component, name=name)
              .values_list("max_limit", flat=True))
    return next((n for n in map(_positive, limits) if n is not None), None)


def _smallest(*limits: int | None) -> int | None:
    known = [n for n in limits if n is not None]
    return min(known) if known else None


def local_list_limits(*, station_id: int) -> ListLimits:
    """The station's limits as we stored them (either version's words; unknown: None)."""
    return ListLimits(
        per_message=_smallest(_value(station_id, CONFIGURATION_KEYS, "SendLocalListMaxLength"),
                              _value(station_id, CONTROLLER, "ItemsPerMessage")),
        bytes_per_message=_value(station_id, CONTROLLER, "BytesPerMessage"),
        in_all=_smallest(_value(station_id, CONFIGURATION_KEYS, "LocalAuthListMaxLength"),
                         _max_limit(station_id, CONTROLLER, "Entries")))


def too_long(entry_count: int, limits: ListLimits) -> str:
    """Why a list of `entry_count` entries is not sent ("" when the station holds it)."""
    if limits.in_all is not None and entry_count > limits.in_all:
        return (f"The list has {entry_count} entries; the station holds at most "
                f"{limits.in_all}: not sent.")
    return ""


def _frame_bytes(station: Station, version: int, entries: list[dict]) -> int:
    """How long the SendLocalList CALL is on the wire (a Differential, the longer word)."""
    action, payload = translator_for(station).call_of(
        req.LocalListSend(version=version, full=False, entries=tuple(entries)))
    return len(json.dumps([2, "u" * 36, action, payload], separators=(",", ":")).encode())


def parts_of(station: Station, version: int, entries: list[dict],
             limits: ListLimits) -> list[list[dict]]:
    """`entries` in runs that each fit one message (an entry too long on its own goes alone:
    the station says what it thinks of it). Sizes add up entry by entry: linear in the list."""
    if not entries:
        return [[]]
    sizes = _entry_bytes(station, version, entries) if limits.bytes_per_message else None
    parts: list[list[dict]] = [[]]
    size = 0
    for index, entry in enumerate(entries):
        grown = size + (sizes[1][index] if sizes else 0)
        too_many = limits.per_message is not None and len(parts[-1]) >= limits.per_message
        too_big = sizes is not None and parts[-1] and sizes[0] + grown > limits.bytes_per_message
        if too_many or too_big:
            parts.append([])
            grown = sizes[1][index] if sizes else 0
        parts[-1].append(entry)
        size = grown
    return parts


def _entry_bytes(station: Station, version: int,
                 entries: list[dict]) -> tuple[int, list[int]]:
    """The CALL's bytes without entries, and each entry's (with its comma): a message of
    entries e is overhead + sum(e) - 1 bytes long."""
    each = []
    for entry in entries:
        one = _frame_bytes(station, version, [entry])
        each.append(_frame_bytes(station, version, [entry, entry]) - one)
    overhead = _frame_bytes(station, version, [entries[0]]) - each[0] + 1
    return overhead - 1, each
