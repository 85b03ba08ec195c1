"""The OCPP 2.0.1 words for what the central system asks of a station: the sibling of
stations/ocpp/v16/commands.py.

`call_of` turns a version-neutral request (stations/commands/requests.py) into the 2.0.1 action
and payload; `result_of` turns the station's answer into the neutral result. Both are pure: no
database, no socket (docs/architecture.md, the path of an API command). Both are singledispatch
on the request's type: each topic below registers its requests' `call_of` and, where the answer
says more than a status, its `result_of`, in its own section.
"""

from functools import singledispatch

from stations.commands import requests as req


def _without_none(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


# Requests -> (action, payload): one registration per request type, in the topic's section -------
@singledispatch
def call_of(request) -> tuple[str, dict]:
    raise TypeError(f"OCPP 2.0.1 has no message for {type(request).__name__}.")


# The answer -> a neutral result: special cases register in the topic's section ------------------
@singledispatch
def result_of(request, action: str, response: dict) -> req.CommandResult:
    """Most answers are a status (and, for a few, more the caller may show)."""
    return req.CommandResult(action=action, status=response.get("status", ""), response=response)


# Station: reset, availability, unlock, triggers, data transfer (control201) ---------------------


# Sessions: remote start and stop (control201) ---------------------------------------------------


# Reservations (control201) ----------------------------------------------------------------------


# Local authorization list (control201) ----------------------------------------------------------


# Firmware and logs (control201) -----------------------------------------------------------------


# Authorization cache and running cost (tx201) ---------------------------------------------------


# Device model: variables and reports (devmodel201) ----------------------------------------------


# Security: certificates, network profile, password (security201) --------------------------------


# Smart charging: charging profiles, composite schedule (load201) --------------------------------
