"""What operators (and the backend itself) ask of a station, whatever OCPP version it speaks.

Each service states the request in the domain's words (stations/commands/requests.py) and
returns the station's neutral answer; the station's version adapter picks the message and
reads the answer (`stations.commands.sending.command_run`). So the dashboard, the API and the
feature apps never build a 1.6 payload, and a 2.0.1 station gets the same operator action as its own
message (RequestStartTransaction, SetVariables, ...). They are async: the callers wait for a
station in an event loop. A station that gives no usable answer raises `CommandFailed`
(409 not connected, 502 CALLERROR, 504 no answer, 400 a request its version cannot carry).
"""

import secrets

from stations.commands import requests as req
from stations.commands.sending import command_run
from stations.models import Station


async def station_reset(*, station: Station, hard: bool, evse_id: int | None = None,
                        on_idle: bool | None = None) -> req.CommandResult:
    """A hard reset restarts the station at once; a soft one ends its sessions first. A 2.0.1
    station can reset one EVSE, and `on_idle` says OnIdle/Immediate in its words."""
    return await command_run(station, req.StationReset(hard=hard, evse_id=evse_id, on_idle=on_idle))


async def availability_change(*, station: Station, operative: bool, evse_id: int | None = None,
                              connector_id: int | None = None) -> req.CommandResult:
    """Take an EVSE (None: the whole station), or on 2.0.1 one connector of it (counted within
    the EVSE), out of service or back into it."""
    return await command_run(station, req.AvailabilityChange(
        operative=operative, evse_id=evse_id, connector_id=connector_id))


async def connector_unlock(*, station: Station, evse_id: int,
                           connector_id: int = 1) -> req.CommandResult:
    return await command_run(station, req.ConnectorUnlock(evse_id=evse_id,
                                                          connector_id=connector_id))


async def configuration_get(*, station: Station,
                            keys: tuple[str, ...] = ()) -> req.ConfigurationReport:
    """The station's settings (no keys: all of them)."""
    return await command_run(station, req.ConfigurationGet(keys=tuple(keys)))


async def configuration_set(*, station: Station, key: str, value: str) -> req.CommandResult:
    return await command_run(station, req.ConfigurationSet(key=key, value=value))


async def message_trigger(*, station: Station, requested_message: str, evse_id: int | None = None,
                          extended: bool = False) -> req.CommandResult:
    """Ask the station to send one of its messages now."""
    return await command_run(station, req.MessageTrigger(
        requested_message=requested_message, evse_id=evse_id, extended=extended))


async def cache_clear(*, station: Station) -> req.CommandResult:
    """Empty the station's authorization cache (its local list stays)."""
    return await command_run(station, req.CacheClear())


async def data_transfer(*, station: Station, vendor_id: str, message_id: str | None = None,
                        data: str | None = None) -> req.CommandResult:
    return await command_run(station, req.DataTransfer(vendor_id=vendor_id,
                                                       message_id=message_id, data=data))


def remote_start_id_new() -> int:
    """A fresh remoteStartId: 2.0.1 echoes it in the TransactionEvent that starts the session
    (`ChargingSession.remote_start_id`), so it must not repeat; a random positive int32 does not,
    in practice, within one station's sessions."""
    return secrets.randbelow(2**31 - 2) + 1


async def session_start_remote(*, station: Station, id_token: str, token_type: str = "ISO14443",
                               evse_id: int | None = None,
                               charging_profile: dict | None = None) -> req.SessionStartReport:
    """Ask the station to start a session for `id_token` (on `evse_id`, else one it chooses),
    optionally under `charging_profile`. Accepted means it will try: the session itself
    arrives as the station starts it, found by the answer's `remote_start_id` on 2.0.1."""
    return await command_run(station, req.SessionStartRemote(
        id_token=id_token, token_type=token_type, evse_id=evse_id,
        charging_profile=charging_profile, remote_start_id=remote_start_id_new()))


async def session_stop_remote(*, station: Station, transaction_id: int | str) -> req.CommandResult:
    """Ask the station to stop the transaction; the session ends as the station reports it."""
    return await command_run(station, req.SessionStopRemote(transaction_id=transaction_id))


async def transaction_status_get(*, station: Station,
                                 transaction_id: str | None = None) -> req.TransactionStatusReport:
    """Ask a 2.0.1 station whether the transaction still runs there and whether it holds
    messages of it (without an id: of any) to deliver (1.6 has no such message: CommandInvalid)."""
    return await command_run(station, req.TransactionStatusGet(transaction_id=transaction_id))
