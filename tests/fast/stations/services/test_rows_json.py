"""A JSON column's text (stations/services/rows.py) says what the standard library's would:
orjson writes it, the standard encoder what orjson refuses, and whatever JSON cannot say is
written as its str() either way."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from hypothesis import given
from hypothesis import strategies as st

from stations.services.rows import _json_text


class Kind(StrEnum):
    CALL = "Call"


@dataclass
class Point:
    x: int


def standard(value):
    return json.loads(json.dumps(value, default=str))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20)


@given(json_values.filter(lambda value: value is not None))  # None is SQL NULL
def test_any_json_value_reads_back_as_the_standard_encoders(value):
    assert json.loads(_json_text(value)) == standard(value)


def test_what_orjson_refuses_or_would_write_otherwise_is_written_the_standard_way():
    odd = {"big": 2 ** 70, "at": datetime(2026, 12, 7, 10, tzinfo=UTC), "money": Decimal("1.10"),
           "kind": Kind.CALL, "point": Point(1), "text": "Grüße \u2603"}
    assert json.loads(_json_text(odd)) == standard(odd)
    assert json.loads(_json_text({1: "a"})) == {"1": "a"}
    assert _json_text(None) is None
