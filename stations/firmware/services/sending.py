"""Sending one stored request (a firmware job, a diagnostics or log request) to its station.

The row is claimed with a conditional UPDATE (pending -> sent) and committed before the CALL, so
a redelivered task sends nothing twice and the station's status notifications, which may arrive
before its answer, find the row. The answer (or the failure) is recorded afterwards. The row's
request is version-neutral (stations/commands/requests.py); the row keeps the message and payload
the station's adapter made of it.

The job's token is made here, for this CALL only: the row keeps its hash, and its location and
request as shown without the token (`tokens.py`). A job sent again would get a new one."""

from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.db import models, transaction
from django.utils import timezone

from stations.commands.requests import CommandResult
from stations.commands.sending import CommandFailed, command_run, command_run_sync, translator_for
from stations.firmware import tokens
from stations.models import Station

LocationOf = Callable[[models.Model, str], str]
RequestOf = Callable[[models.Model], object]  # a request of stations/commands/requests.py
Answered = Callable[[models.Model, CommandResult], None]


def claim(model: type[models.Model], pk: int, location_of: LocationOf,
          request_of: RequestOf) -> tuple[Station, object] | None:
    """Mark the pending row sent with a new token; return (station, request), the request with
    the token, or None if the row was not pending."""
    row = model.objects.get(pk=pk)
    station = Station.objects.select_related("tenant", "server_process").get(pk=row.station_id)
    token = tokens.new_token()
    row.location = location_of(row, token)
    request = request_of(row)
    action, payload = translator_for(station).call_of(request)
    claimed = model.objects.filter(pk=pk, state="pending").update(
        state="sent", sent_at=timezone.now(), action=action, token_hash=tokens.token_hash(token),
        location=tokens.location_without_token(row.location),
        request=tokens.payload_without_token(action, payload))
    if not claimed:
        return None
    return station, request


@transaction.atomic
def record(model: type[models.Model], pk: int, answered: Answered, *,
           result: CommandResult | None = None, failure: CommandFailed | None = None) -> models.Model:
    row = model.objects.select_for_update().get(pk=pk)
    if failure is not None:
        row.error = failure.body | {"status_code": failure.status_code}
        if row.state == "sent":
            row.state, row.failure = "failed", "unreachable"
            row.failure_reason = str(failure.body.get("detail", ""))[:300]
    else:
        row.response = result.response
        answered(row, result)
    row.save()
    return row


def send(model: type[models.Model], pk: int, location_of: LocationOf, request_of: RequestOf,
         answered: Answered, *, reraise: bool = False) -> models.Model:
    """Claim, call the station (blocking), record. With `reraise` a failed CALL is raised again
    (after being recorded) so the API answers 409/502/504 as the command API does."""
    claimed = claim(model, pk, location_of, request_of)
    if claimed is None:
        return model.objects.get(pk=pk)
    station, request = claimed
    try:
        result = command_run_sync(station, request)
    except CommandFailed as failure:
        record(model, pk, answered, failure=failure)
        if reraise:
            failure.body["id"] = pk
            raise
        return model.objects.get(pk=pk)
    return record(model, pk, answered, result=result)


async def send_async(model: type[models.Model], pk: int, location_of: LocationOf, request_of: RequestOf,
                     answered: Answered) -> models.Model:
    """`send` for the event loop of a server process (e.g. after a station's boot)."""
    claimed = await sync_to_async(claim, thread_sensitive=False)(model, pk, location_of, request_of)
    if claimed is None:
        return await model.objects.aget(pk=pk)
    station, request = claimed
    kwargs: dict = {}
    try:
        kwargs["result"] = await command_run(station, request)
    except CommandFailed as failure:
        kwargs["failure"] = failure
    return await sync_to_async(record, thread_sensitive=False)(model, pk, answered, **kwargs)
