"""What this app reacts to: domain events (stations/events.py) and model changes
(audit/capture.py). Subscribed in AuditConfig.ready().

Every command sent to a station through `station_call` (the API's, the dashboard's, a service's)
is recorded with its outcome: the operator's when an audit context is open (their request),
else the system's (a schedule, a task). The event comes in the process that sent the command,
in async code; the entry is written by the follow-up through `sync_to_async`: on the request's
own thread when an operator asked (as Django's async views reach the ORM), so its connection is
the request's, not one a `database_sync_to_async` would close under it."""

from asgiref.sync import sync_to_async

from audit import capture
from audit.context import AuditContext, current
from audit.services import audit_command_record
from stations import events
from stations.events import FollowUp


def command_record(context: AuditContext | None, event: events.CommandCompleted) -> None:
    """On a database thread: who acts is read there (a dashboard's user needs the session)."""
    if context is None or context.actor() is None:
        context = AuditContext(via="system")
    audit_command_record(context=context, station=event.station, action=event.action,
                         payload=event.payload, outcome=event.outcome, response=event.response,
                         detail=event.detail)


def on_command_completed(event: events.CommandCompleted) -> FollowUp:
    context = current()

    async def record() -> None:
        await sync_to_async(command_record)(context, event)
    return record


def subscribe() -> None:
    events.subscribe(events.CommandCompleted, on_command_completed)
    capture.connect()
