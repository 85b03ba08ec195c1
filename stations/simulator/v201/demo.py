"""`manage.py simulate --ocpp 2.0.1`: one demo session of the simulated 2.0.1 station."""

import asyncio

from stations.simulator.v201.core import connect
from stations.simulator.v201.station import SimulatedChargePoint201


async def demo_session_201(url: str, identity: str, password: str, id_tag: str,
                           samples: int = 3, interval: float = 1.0,
                           energy_per_sample_wh: int = 1500, say=print) -> str:
    """Boot, report status, authorize, charge with `samples` meter values (TransactionEvent
    Updated), stop. Returns the station's transaction id ("" when not authorized)."""
    async with await connect(url, identity, password) as connection:
        cp = SimulatedChargePoint201(identity, connection, password=password)
        runner = asyncio.create_task(cp.start())
        try:
            boot = await cp.boot()
            say(f"BootNotification (OCPP 2.0.1): {boot.status}, heartbeat every {boot.interval} s")
            if boot.status != "Accepted":
                raise RuntimeError(f"the BootNotification was {boot.status}")
            await cp.status_all()
            status = await cp.authorize(id_tag)
            say(f"Authorize {id_tag}: {status}")
            if status != "Accepted":
                return ""
            await cp.start_transaction(1, id_tag)
            transaction_id = cp.evses[1].transaction_id
            say(f"TransactionEvent Started: transaction {transaction_id}")
            for n in range(samples):
                await asyncio.sleep(interval)
                await cp.meter_values(1, energy_per_sample_wh)
                say(f"TransactionEvent Updated {n + 1}/{samples}: {cp.evses[1].meter_wh} Wh")
            result = await cp.stop_transaction(1)
            cost = f", cost {result.total_cost}" if result.total_cost is not None else ""
            say(f"TransactionEvent Ended: {cp.evses[1].meter_wh} Wh charged{cost}")
            return transaction_id
        finally:
            runner.cancel()
