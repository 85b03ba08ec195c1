"""This server process's presence: registered on the first station connect, beating after."""

import asyncio
import logging

from django.conf import settings

from stations.ocpp import embedded_beat
from stations.ocpp.dbthreads import db
from stations.services import presence

log = logging.getLogger(__name__)

_process_id = None
_beat_task: asyncio.Task | None = None
_embedded_beat_task: asyncio.Task | None = None
_lock: asyncio.Lock | None = None


async def process_id():
    global _process_id, _beat_task, _embedded_beat_task, _lock
    if _process_id is not None:
        return _process_id
    if _lock is None:
        _lock = asyncio.Lock()
    async with _lock:
        if _process_id is None:
            process = await db(presence.process_register)
            _process_id = process.pk
            _beat_task = asyncio.create_task(_beat_forever())
            if embedded_beat.enabled():
                _embedded_beat_task = asyncio.create_task(embedded_beat.run_forever())
    return _process_id


async def _beat_forever() -> None:
    while True:
        await asyncio.sleep(settings.PRESENCE_BEAT_SECONDS)
        try:
            await db(presence.process_beat, _process_id)
        except Exception:
            log.exception("Presence beat failed; will retry")
