"""Live dashboard events: what the browser's `static/js/live.js` receives on `/ws/dashboard/`.

An event is a small dict `{"type": "station.status", ...}` sent to the channel-layer group of
one tenant; every dashboard socket of that tenant (in any server process, with Redis) relays it.
Publishing never fails its caller: a lost live event costs a stale cell, not a lost answer to a
station. Only rare events are published (status changes, connect, disconnect, boot, load
allocations), never per MeterValues.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)
_pending: set[asyncio.Task] = set()  # fire-and-forget sends, held until they finish


def group_name(tenant_id: int) -> str:
    return f"dashboard.{tenant_id}"


async def apublish(tenant_id: int, event: dict) -> None:
    """Send `event` to the tenant's dashboards (async code)."""
    try:
        await get_channel_layer().group_send(group_name(tenant_id),
                                             {"type": "live.event", "event": event})
    except Exception:  # a full or unreachable layer must not break the caller
        log.warning("Could not publish %s to tenant %s", event.get("type"), tenant_id,
                    exc_info=True)


def publish(tenant_id: int, event: dict) -> None:
    """Send `event` to the tenant's dashboards (sync code, e.g. after a commit)."""
    async_to_sync(apublish)(tenant_id, event)


def publish_soon(tenant_id: int, event: dict) -> None:
    """Send `event` without waiting (from the event loop, e.g. the OCPP consumer)."""
    task = asyncio.get_running_loop().create_task(apublish(tenant_id, event))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
