"""Which code answers which station CALL, per OCPP version: the one place a version's router
looks up handlers (docs/architecture.md, path 1).

Each app owns the handlers of its messages, in a module per version (`stations/firmware/
ocpp16.py`, the core's `stations/ocpp/v16/core.py`), and registers them by importing that module
in its `AppConfig.ready()`:

    @handles("1.6", "FirmwareStatusNotification")
    async def firmware_status_notification(link, payload, received_at) -> dict: ...

A message has one handler, which returns the answer's payload. An app that takes part in a
message another app answers (firmware and the local list at a BootNotification) registers a
*reaction* with `@reacts_to`: the router awaits the reactions, in the order the apps registered
them, before the handler, so what they ask to run after the answer goes first. Whatever must
reach the station only after the answer (a CALL it would refuse before) is passed to
`after_answer`; what other apps do because of a message they learn from domain events
(stations/events.py), whose follow-ups the handler hands to `follow`."""

from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from datetime import datetime

from stations.events import FollowUp
from stations.ocpp.link import Link

Handler = Callable[[Link, dict, datetime], Awaitable[dict]]
Reaction = Callable[[Link, dict, datetime], Awaitable[None]]
_handlers: dict[tuple[str, str], Handler] = {}
_reactions: dict[tuple[str, str], list[Reaction]] = {}
FOLLOW_UPS: ContextVar[list[FollowUp]] = ContextVar("follow_ups")


def handles(version: str, action: str) -> Callable[[Handler], Handler]:
    """Register the handler of a station's `action` in `version`; one per message."""
    def register(handler: Handler) -> Handler:
        known = _handlers.setdefault((version, action), handler)
        if known is not handler:
            raise ValueError(f"{version} {action} is handled by {known.__module__} already")
        return handler

    return register


def reacts_to(version: str, action: str) -> Callable[[Reaction], Reaction]:
    """Register an app's part in a message whose handler lives in another app."""
    def register(reaction: Reaction) -> Reaction:
        reactions = _reactions.setdefault((version, action), [])
        if reaction not in reactions:
            reactions.append(reaction)
        return reaction

    return register


def handler_of(version: str, action: str) -> Handler | None:
    return _handlers.get((version, action))


def reactions_to(version: str, action: str) -> list[Reaction]:
    return list(_reactions.get((version, action), ()))


def after_answer(follow_up: FollowUp) -> None:
    """Run `follow_up()` once the answer to the CALL being handled has been sent."""
    FOLLOW_UPS.get().append(follow_up)


def follow(follow_ups: Iterable[FollowUp]) -> None:
    """Run what an event's subscribers asked for (`events.publish`'s result) after the answer."""
    for follow_up in follow_ups:
        after_answer(follow_up)
