"""The display messages of the simulated 2.0.1 station (block O), held in memory as a station
keeps them: SetDisplayMessage stores (or replaces, by id) what it can show and refuses what it
cannot (configurable formats, priorities and states; a transaction it does not run; or every
message, `display_answer`), GetDisplayMessages reports the matching ones in NotifyDisplayMessages
parts of `display_messages_per_part`, ClearDisplayMessage removes one. A message past its end,
or of a transaction that ended, is removed, as a station does."""

from datetime import UTC, datetime

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

FORMATS = frozenset({"ASCII", "HTML", "URI", "UTF8"})
PRIORITIES = frozenset({"AlwaysFront", "InFront", "NormalCycle"})
STATES = frozenset({"Charging", "Faulted", "Idle", "Unavailable"})


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class DisplayMessagesStation201:
    """SetDisplayMessage, GetDisplayMessages (then NotifyDisplayMessages), ClearDisplayMessage."""

    display_formats = FORMATS  # what it can show; others: NotSupportedMessageFormat
    display_priorities = PRIORITIES
    display_states = STATES
    display_answer = "Accepted"  # anything else: every SetDisplayMessage gets this answer
    display_messages_per_part = 2

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.display_messages: dict[int, dict] = {}  # id -> MessageInfo (snake_case keys)

    def _display_refusal(self, message: dict) -> str:
        """The answer to SetDisplayMessage for `message` ("Accepted" when it is kept)."""
        if self.display_answer != "Accepted":
            return self.display_answer
        if message["message"]["format"] not in self.display_formats:
            return "NotSupportedMessageFormat"
        if message["priority"] not in self.display_priorities:
            return "NotSupportedPriority"
        if message.get("state") and message["state"] not in self.display_states:
            return "NotSupportedState"
        transaction_id = message.get("transaction_id")
        if transaction_id and self.evse_of_transaction(transaction_id) is None:
            return "UnknownTransaction"
        return "Accepted"

    def _display_prune(self) -> None:
        """Drop the messages past their end and those of a transaction no longer running."""
        now = datetime.now(UTC)
        for message_id, message in list(self.display_messages.items()):
            end = _moment(message.get("end_date_time"))
            transaction_id = message.get("transaction_id")
            if (end is not None and end <= now) or (
                    transaction_id and self.evse_of_transaction(transaction_id) is None):
                del self.display_messages[message_id]

    def displayed(self) -> list[int]:
        """The ids of the messages on the display now (started, not ended), by id."""
        self._display_prune()
        now = datetime.now(UTC)
        return sorted(message_id for message_id, message in self.display_messages.items()
                      if (_moment(message.get("start_date_time")) or now) <= now)

    @on(Action.set_display_message)
    async def on_set_display_message(self, message, **kwargs):
        self.received.append(("SetDisplayMessage", message))
        self._display_prune()
        status = self._display_refusal(message)
        if status == "Accepted":
            self.display_messages[message["id"]] = message
        return call_result.SetDisplayMessage(status=status)

    @on(Action.get_display_messages)
    async def on_get_display_messages(self, request_id, id=None, priority=None, state=None,
                                      **kwargs):
        self.received.append(("GetDisplayMessages", {"request_id": request_id, "id": id,
                                                     "priority": priority, "state": state}))
        self._display_prune()
        found = [message for message in self.display_messages.values()
                 if (not id or message["id"] in id)
                 and (priority is None or message["priority"] == priority)
                 and (state is None or message.get("state") == state)]
        if not found:
            return call_result.GetDisplayMessages(status="Unknown")
        self.soon(self._notify_display_messages, request_id, found)
        return call_result.GetDisplayMessages(status="Accepted")

    async def _notify_display_messages(self, request_id: int, found: list[dict]) -> None:
        size = max(1, self.display_messages_per_part)
        parts = [found[n:n + size] for n in range(0, len(found), size)]
        for index, part in enumerate(parts):
            await self.call(call.NotifyDisplayMessages(request_id=request_id, message_info=part,
                                                       tbc=index < len(parts) - 1))

    @on(Action.clear_display_message)
    async def on_clear_display_message(self, id, **kwargs):
        self.received.append(("ClearDisplayMessage", {"id": id}))
        self._display_prune()
        held = self.display_messages.pop(id, None)
        return call_result.ClearDisplayMessage(status="Accepted" if held is not None else "Unknown")
