"""OCPP-J framing: turning text into CALL / CALLRESULT / CALLERROR and back.

We do not use the `ocpp` package's `unpack`: it cannot tell us the unique id of a broken frame
(so the station could not be answered). Frames are the same in 1.6 and 2.0.1; the errors are
named in the link's version's words (`error_for`, stations/ocpp/errors.py).
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from stations.ocpp.errors import (
    FormationViolation,
    FrameShapeError,
    MessageTypeNotSupported,
    OcppError,
    RpcFrameworkError,
    code_in,
)

CALL, CALLRESULT, CALLERROR = 2, 3, 4
# OCPP-J: a CALLERROR for a frame whose unique id could not be read carries "-1".
UNKNOWN_ID = "-1"


@dataclass
class Call:
    unique_id: str
    action: str
    payload: dict
    message_type: int = CALL


@dataclass
class CallResult:
    unique_id: str
    payload: dict
    message_type: int = CALLRESULT


@dataclass
class CallError:
    unique_id: str
    code: str
    description: str
    details: dict
    message_type: int = CALLERROR


class FrameError(Exception):
    """A frame we cannot process; `error` says how to answer, `unique_id` whom (if known)."""

    def __init__(self, error: OcppError, unique_id: str | None, raw: Any):
        super().__init__(error.description)
        self.error = error
        self.unique_id = unique_id
        self.raw = raw


# Text no database column stores: NUL (PostgreSQL refuses it in text and jsonb) and lone
# surrogates (no UTF-8 encoding exists for them), which JSON escapes can spell.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text) if _UNSTORABLE.search(text) else text


def clean(value: Any) -> Any:
    """`value` (parsed JSON) with every string, keys too, storable."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def may_be_unstorable(text: str) -> bool:
    """Whether JSON `text` can hold unstorable text: only through an escape, or a raw NUL."""
    return "\\u" in text or "\x00" in text


def parse(text: str) -> Call | CallResult | CallError:
    try:
        msg = json.loads(text)
    except (ValueError, TypeError):
        raise FrameError(RpcFrameworkError("Frame is not valid JSON"), None, text) from None
    if may_be_unstorable(text):  # payloads cleaned once, here: every handler gets storable text
        msg = msg[:2] + clean(msg[2:]) if isinstance(msg, list) else msg
    if not isinstance(msg, list) or not msg:
        raise FrameError(
            RpcFrameworkError("Frame is not an OCPP-J array [type, id, ...]"), None, msg
        )
    message_type = msg[0]
    unique_id = msg[1] if len(msg) > 1 and isinstance(msg[1], str) else None
    if len(msg) > 1 and unique_id is None:
        raise FrameError(FrameShapeError("Unique id must be a string"), None, msg)
    if unique_id is not None and len(unique_id) > 36:
        raise FrameError(FrameShapeError("Unique id is longer than 36 characters"), unique_id, msg)
    if message_type == CALL:
        if len(msg) != 4:
            raise FrameError(FrameShapeError("A CALL has 4 elements"), unique_id, msg)
        _, _, action, payload = msg
        if not isinstance(action, str):
            raise FrameError(FrameShapeError("Action must be a string"), unique_id, msg)
        if not isinstance(payload, dict):
            raise FrameError(FormationViolation("Payload must be a JSON object"), unique_id, msg)
        return Call(unique_id, action, payload)
    if message_type == CALLRESULT:
        if len(msg) != 3 or not isinstance(msg[2], dict):
            raise FrameError(FrameShapeError("A CALLRESULT is [3, id, {payload}]"), unique_id, msg)
        return CallResult(unique_id, msg[2])
    if message_type == CALLERROR:
        if len(msg) < 4 or len(msg) > 5:
            raise FrameError(FrameShapeError("A CALLERROR has 5 elements"), unique_id, msg)
        details = msg[4] if len(msg) == 5 and isinstance(msg[4], dict) else {}
        return CallError(unique_id, str(msg[2]), str(msg[3]), details)
    raise FrameError(
        MessageTypeNotSupported(f"Unknown message type {message_type!r}"), unique_id, msg
    )


def dump(frame: Call | CallResult | CallError) -> str:
    if isinstance(frame, Call):
        body = [CALL, frame.unique_id, frame.action, frame.payload]
    elif isinstance(frame, CallResult):
        body = [CALLRESULT, frame.unique_id, frame.payload]
    else:
        body = [CALLERROR, frame.unique_id, frame.code, frame.description, frame.details]
    return json.dumps(body, separators=(",", ":"), default=str)


def error_for(unique_id: str | None, error: OcppError, version: str = "1.6") -> CallError:
    """The CALLERROR for `error`, named as OCPP `version` names it."""
    return CallError(UNKNOWN_ID if unique_id is None else unique_id, code_in(error, version),
                     error.description, error.details)
