"""Group commit for station traffic: one writer per server process.

Every socket hands its rows to the writer; it writes them all in one transaction at most
`OCPP_BATCH_DELAY` seconds after the first arrived (sooner when `OCPP_BATCH_MAX` items wait).
An answer that promises persistence (MeterValues, StatusNotification, BootNotification, a
2.0.1 TransactionEvent Updated that only reports) is
sent only after its batch committed; frame-log rows and last-seen marks hold nothing up, and a
closing socket's detach (which it awaits) commits them with it.
"""

import asyncio
import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from stations.models import StatusEvent
from stations.ocpp.dbthreads import db_writer
from stations.services.batch import (
    WAITED,
    Attach,
    Batch,
    Boot,
    Detach,
    MeterValuesItem,
    batch_write,
    batch_write_each,
)
from stations.services.transaction_updates import TransactionUpdate

log = logging.getLogger(__name__)


class BatchWriter:
    def __init__(self, delay: float, max_items: int):
        self._delay = delay
        self._max_items = max_items
        self._batch = Batch()
        self._items = 0  # added to the batch (a recount of the batch costs at every arrival)
        self._waiters: list[tuple[str, int, asyncio.Future]] = []
        self._wake = asyncio.Event()
        self._full = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    def log(self, row: dict) -> None:
        self._batch.messages.append(row)
        self._arrived()

    def seen(self, station_id: int, at: datetime) -> None:
        self._batch.seen[station_id] = at
        self._arrived()

    async def attach(self, station_id: int, address: str, process_id,
                     ocpp_version: str = "1.6") -> str:
        """Record the socket at `address` as the station's, speaking `ocpp_version`; return the
        live one it took over from ("" if none), which must be told to close."""
        attach = Attach(station_id, address, process_id, timezone.now(), ocpp_version=ocpp_version)
        await self._add("attaches", attach)
        return attach.previous

    async def detach(self, station_id: int, address: str) -> None:
        await self._add("detaches", Detach(station_id, address, timezone.now()))

    async def boot(self, station_id: int, fields: dict) -> None:
        await self._add("boots", Boot(station_id, fields))

    async def meter_values(self, station_id: int, connector_id: int, transaction_id: int | None,
                           samples: list[dict]) -> None:
        await self._add("meter_values",
                        MeterValuesItem(station_id, connector_id, transaction_id, samples))

    async def status(self, event: StatusEvent) -> None:
        await self._add("statuses", event)

    async def transaction_update(self, update: TransactionUpdate) -> TransactionUpdate:
        """Apply a plain 2.0.1 Updated event (transaction_updates.py); its `handled` says
        whether it was."""
        await self._add("transaction_updates", update)
        return update

    def _arrived(self) -> None:
        self._items += 1
        self._wake.set()
        if self._items >= self._max_items:
            self._full.set()

    async def _add(self, kind: str, item) -> None:
        """Add an item and wait until its batch is committed."""
        items = getattr(self._batch, kind)
        items.append(item)
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((kind, len(items) - 1, waiter))
        self._arrived()
        await waiter

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            try:
                await asyncio.wait_for(self._full.wait(), self._delay)
            except TimeoutError:
                pass
            self._wake.clear()
            self._full.clear()
            batch, waiters = self._batch, self._waiters
            self._batch, self._waiters, self._items = Batch(), [], 0
            try:
                await self._write(batch, waiters)
            except Exception as error:  # the pool itself failed: nobody may wait forever
                log.exception("Writing a batch failed")
                for _, _, waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(error)

    async def _write(self, batch: Batch, waiters: list[tuple[str, int, asyncio.Future]]) -> None:
        try:
            await db_writer(batch_write, batch)
            errors = {kind: [None] * len(getattr(batch, kind)) for kind in WAITED}
        except Exception:
            log.exception("A batch of %d items failed; writing item by item", len(batch))
            errors = await db_writer(batch_write_each, batch)
        for kind, index, waiter in waiters:
            if waiter.done():
                continue
            error = errors[kind][index]
            if error is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(error)


_writer: BatchWriter | None = None


def writer() -> BatchWriter:
    global _writer
    if _writer is None:
        _writer = BatchWriter(settings.OCPP_BATCH_DELAY, settings.OCPP_BATCH_MAX)
    return _writer
