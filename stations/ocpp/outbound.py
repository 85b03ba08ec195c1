"""CALLs from the backend to one station: queued, one outstanding at a time (OCPP-J 4.1.1).

The queue is worked by a task of its own, never by the consumer's event handler: the answer to
our CALL arrives as a websocket frame, which the consumer must stay free to receive.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from stations.ocpp.frames import Call, CallError, CallResult

log = logging.getLogger(__name__)


@dataclass
class Command:
    action: str
    payload: dict
    reply: Callable[[dict], Awaitable[None]]


@dataclass
class _Pending:
    unique_id: str
    action: str
    answer: asyncio.Future = field(repr=False)


class OutboundCalls:
    def __init__(self, send: Callable[[Call], Awaitable[None]],
                 check: Callable[[str, dict], Awaitable[CallError | None]], timeout: float):
        self._send = send
        self._check = check  # validates a result payload; returns an error to report instead
        self._timeout = timeout
        self._queue: asyncio.Queue[Command] = asyncio.Queue()
        self._pending: _Pending | None = None
        self._worker: asyncio.Task | None = None  # started by the first command: most
        # stations are idle, and an idle socket should cost as little memory as possible

    def submit(self, command: Command) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._work())
        self._queue.put_nowait(command)

    def action_of(self, unique_id: str) -> str:
        pending = self._pending
        return pending.action if pending and pending.unique_id == unique_id else ""

    def resolve(self, frame: CallResult | CallError) -> bool:
        """Hand a station's answer to the CALL waiting for it; False if none waits for it."""
        pending = self._pending
        if pending is None or pending.unique_id != frame.unique_id or pending.answer.done():
            return False
        pending.answer.set_result(frame)
        return True

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        if self._pending and not self._pending.answer.done():
            self._pending.answer.cancel()
        while not self._queue.empty():
            await _safe_reply(self._queue.get_nowait(), {"status": "disconnected"})

    async def _work(self) -> None:
        while True:
            command = await self._queue.get()
            outcome = {"status": "disconnected"}
            try:
                outcome = await self._call(command)
            except Exception:  # ours, not the station's: this command fails, the next ones run
                log.exception("Sending %s or handling its answer failed", command.action)
                outcome = {"status": "error", "code": "InternalError", "details": {},
                           "description": f"The central system could not handle {command.action}"}
            finally:
                self._pending = None
                await _safe_reply(command, outcome)

    async def _call(self, command: Command) -> dict:
        call = Call(str(uuid.uuid4()), command.action, command.payload)
        self._pending = _Pending(call.unique_id, call.action,
                                 asyncio.get_running_loop().create_future())
        await self._send(call)
        try:
            frame = await asyncio.wait_for(self._pending.answer, self._timeout)
        except TimeoutError:
            return {"status": "timeout"}
        if isinstance(frame, CallError):
            return {"status": "error", "code": frame.code, "description": frame.description,
                    "details": frame.details}
        invalid = await self._check(command.action, frame.payload)
        if invalid is not None:
            return {"status": "invalid", "code": invalid.code, "description": invalid.description,
                    "payload": frame.payload}
        return {"status": "result", "payload": frame.payload}


async def _safe_reply(command: Command, outcome: dict) -> None:
    try:
        await command.reply(outcome)
    except Exception:
        log.exception("Could not deliver the outcome of %s", command.action)
