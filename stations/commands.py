"""Sending a CALL to a station from any server process and waiting for its answer.

The request travels over the channel layer to the process that holds the station's socket (the
socket's address is in the station row) and the outcome comes back on a reply channel of our
own.
"""

import asyncio

from channels.layers import get_channel_layer

from stations.ocpp import links


async def command_send(*, address: str, action: str, payload: dict, timeout: float) -> dict:
    """The outcome: {"status": "result"|"error"|"invalid"|"timeout"|"disconnected", ...}."""
    layer = get_channel_layer()
    reply_to = await layer.new_channel()
    await links.send(address, {"type": "ocpp.command", "action": action,
                                    "payload": payload, "reply_to": reply_to})
    try:
        return await asyncio.wait_for(layer.receive(reply_to), timeout)
    except TimeoutError:
        return {"status": "timeout"}
