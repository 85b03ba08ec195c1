"""Addressing a live station socket from any server process.

A station's address is `<process channel>#<link id>`. Each server process listens on ONE
channel-layer channel and hands each message to the socket it names. (A Channels consumer
would otherwise listen on a channel of its own: two waiting tasks and buffers per idle
station, which at ten thousand stations costs more memory and CPU than the sockets do.)
"""

import asyncio
import itertools
import logging
from typing import Protocol

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)
SEPARATOR = "#"


class Link(Protocol):
    async def deliver(self, message: dict) -> None: ...


_links: dict[str, Link] = {}
_ids = itertools.count(1)
_channel: str | None = None
_listener: asyncio.Task | None = None
_lock: asyncio.Lock | None = None


async def register(link: Link) -> str:
    """Make `link` reachable; return its address."""
    channel = await _process_channel()
    link_id = str(next(_ids))
    _links[link_id] = link
    return f"{channel}{SEPARATOR}{link_id}"


def unregister(address: str) -> None:
    _links.pop(address.rpartition(SEPARATOR)[2], None)


async def send(address: str, message: dict) -> None:
    """Deliver `message` to the socket at `address`, whichever process holds it."""
    channel, _, link_id = address.rpartition(SEPARATOR)
    await get_channel_layer().send(channel, {"type": "link.message", "link": link_id,
                                             "message": message})


async def _process_channel() -> str:
    global _channel, _listener, _lock
    if _channel is None:
        _lock = _lock or asyncio.Lock()
        async with _lock:
            if _channel is None:
                layer = get_channel_layer()
                # The default prefix: channels-redis reads all of a process's specific
                # channels through one loop per prefix, and reply channels use this one.
                _channel = await layer.new_channel()
                _listener = asyncio.create_task(_listen(layer, _channel))
    return _channel


async def _listen(layer, channel: str) -> None:
    while True:
        try:
            envelope = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Receiving from the channel layer failed; retrying")
            await asyncio.sleep(1)
            continue
        link = _links.get(envelope.get("link", ""))
        if link is None:
            await _closed(layer, envelope.get("message", {}))
            continue
        try:
            await link.deliver(envelope["message"])
        except Exception:
            log.exception("Delivering %s failed", envelope["message"].get("type"))


async def _closed(layer, message: dict) -> None:
    """A message for a socket that closed since its address was read: a command is answered
    "disconnected" at once rather than left to time out."""
    log.info("Message for a closed link: %s", message.get("type"))
    if message.get("reply_to"):
        await layer.send(message["reply_to"], {"type": "command.outcome",
                                               "status": "disconnected"})
