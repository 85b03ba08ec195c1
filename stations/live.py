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
_batch: dict[int, list[dict]] = {}  # events of this process not sent yet, per tenant
BATCH_DELAY = 0.2  # seconds


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
    """Send `event` without waiting (from the event loop: the OCPP consumer and handlers).

    Events are gathered per tenant for `BATCH_DELAY` and sent as one group message: a fleet's
    status changes then cost a few group sends a second, not one each (a channels-redis group
    send is far dearer than a send to one channel)."""
    first = not _batch
    _batch.setdefault(tenant_id, []).append(event)
    if first:  # the batch was empty: no flush is scheduled yet
        asyncio.get_running_loop().call_later(BATCH_DELAY, _flush_soon)


def _flush_soon() -> None:
    batches = dict(_batch)
    _batch.clear()
    for tenant_id, events in batches.items():
        task = asyncio.get_running_loop().create_task(_send_batch(tenant_id, events))
        _pending.add(task)
        task.add_done_callback(_pending.discard)


async def _send_batch(tenant_id: int, events: list[dict]) -> None:
    try:
        await get_channel_layer().group_send(group_name(tenant_id),
                                             {"type": "live.events", "events": events})
    except Exception:
        log.warning("Could not publish %d events to tenant %s", len(events), tenant_id,
                    exc_info=True)
