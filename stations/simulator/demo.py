"""`manage.py simulate`: one demo session of the simulated charge point."""

import asyncio

from stations.simulator.core import connect
from stations.simulator.station import SimulatedChargePoint


async def demo_session(url: str, identity: str, password: str, id_tag: str,
                       samples: int = 3, interval: float = 1.0,
                       energy_per_sample_wh: int = 1500, say=print) -> int:
    """Boot, authorize, charge with `samples` meter values, stop. Returns the transaction id."""
    async with await connect(url, identity, password) as connection:
        cp = SimulatedChargePoint(identity, connection)
        runner = asyncio.create_task(cp.start())
        try:
            boot = await cp.boot()
            say(f"BootNotification: {boot.status}, heartbeat every {boot.interval} s")
            await cp.status(0, "Available")
            await cp.status(1, "Available")
            status = await cp.authorize(id_tag)
            say(f"Authorize {id_tag}: {status}")
            if status != "Accepted":
                return 0
            await cp.status(1, "Preparing")
            start = await cp.start_transaction(1, id_tag)
            say(f"StartTransaction: transaction {start.transaction_id}")
            await cp.status(1, "Charging")
            for n in range(samples):
                await asyncio.sleep(interval)
                await cp.meter_values(1, energy_per_sample_wh)
                say(f"MeterValues {n + 1}/{samples}: {cp.connectors[1].meter_wh} Wh")
            await cp.status(1, "Finishing")
            await cp.stop_transaction(1)
            say(f"StopTransaction: {cp.connectors[1].meter_wh} Wh charged")
            await cp.status(1, "Available")
            return start.transaction_id
        finally:
            runner.cancel()
