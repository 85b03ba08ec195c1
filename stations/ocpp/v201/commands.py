"""The OCPP 2.0.1 words for what the central system asks of a station: the sibling of
stations/ocpp/v16/commands.py. `call_of` turns a version-neutral request
(stations/commands/requests.py) into the 2.0.1 action and payload; `result_of` turns the
station's answer into the neutral result. Both are pure: no database, no socket."""

from functools import singledispatch

from stations.commands import requests as req


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


# Requests -> (action, payload) -----------------------------------------------------------------
@singledispatch
def call_of(request) -> tuple[str, dict]:
    raise TypeError(f"OCPP 2.0.1 has no message for {type(request).__name__}.")


# Answers -> results -----------------------------------------------------------------------------
def result_of(request, action: str, response: dict) -> req.CommandResult:
    return req.CommandResult(action=action, status=response.get("status", ""), response=response)
