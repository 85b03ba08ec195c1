"""A small OCPP 1.6-J charge point that speaks to any central system over a real WebSocket.

It boots, reports its connectors, authorizes, charges with meter values and stops; it answers
the common commands a central system sends. `manage.py simulate` runs a demo session with it,
and the test suite and the fleet benchmark build on it. It needs no Django.
"""

import asyncio
import base64
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action

log = logging.getLogger("simulator")


def utcnow() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def basic_auth(identity: str, password: str) -> dict:
    token = base64.b64encode(f"{identity}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def connect(url: str, identity: str, password: str | None, **kwargs):
    """Open the station's WebSocket: `url` is the central system's base or the full URL."""
    full = url if url.rstrip("/").endswith("/" + identity) else f"{url.rstrip('/')}/{identity}"
    headers = basic_auth(identity, password) if password is not None else {}
    return await websockets.connect(full, subprotocols=["ocpp1.6"], additional_headers=headers,
                                    open_timeout=10, **kwargs)


@dataclass
class ConnectorState:
    status: str = "Available"
    transaction_id: int | None = None
    meter_wh: int = 0


class SimulatedChargePoint(ChargePoint):
    """A charge point with `connectors` connectors; run `start()` in a task, then call its
    methods in the order a real station would."""

    def __init__(self, identity: str, connection, connectors: int = 1):
        super().__init__(identity, connection, response_timeout=15)
        self.connectors = {n: ConnectorState() for n in range(1, connectors + 1)}
        self.configuration = {"HeartbeatInterval": "300", "MeterValueSampleInterval": "60",
                              "NumberOfConnectors": str(connectors)}
        self.received: list[tuple[str, dict]] = []

    # What the station sends --------------------------------------------------------------
    async def boot(self, vendor: str = "Simulator", model: str = "SIM-1") -> call_result.BootNotification:
        result = await self.call(call.BootNotification(
            charge_point_vendor=vendor, charge_point_model=model,
            charge_point_serial_number=f"SN-{self.id}", firmware_version="1.0.0"))
        self.configuration["HeartbeatInterval"] = str(result.interval)
        return result

    async def status(self, connector_id: int, status: str, error_code: str = "NoError") -> None:
        if connector_id in self.connectors:
            self.connectors[connector_id].status = status
        await self.call(call.StatusNotification(connector_id=connector_id, status=status,
                                                error_code=error_code, timestamp=utcnow()))

    async def authorize(self, id_tag: str) -> str:
        result = await self.call(call.Authorize(id_tag=id_tag))
        return result.id_tag_info["status"]

    async def start_transaction(self, connector_id: int, id_tag: str) -> call_result.StartTransaction:
        state = self.connectors[connector_id]
        result = await self.call(call.StartTransaction(
            connector_id=connector_id, id_tag=id_tag, meter_start=state.meter_wh,
            timestamp=utcnow()))
        state.transaction_id = result.transaction_id
        return result

    async def meter_values(self, connector_id: int, energy_wh: int, power_w: float = 11000.0,
                           current_a: float = 16.0) -> None:
        state = self.connectors[connector_id]
        state.meter_wh += energy_wh
        sampled = [{"value": str(state.meter_wh), "measurand": "Energy.Active.Import.Register",
                    "unit": "Wh", "context": "Sample.Periodic"},
                   {"value": f"{power_w:.1f}", "measurand": "Power.Active.Import", "unit": "W"}]
        sampled += [{"value": f"{current_a:.1f}", "measurand": "Current.Import", "unit": "A",
                     "phase": phase} for phase in ("L1", "L2", "L3")]
        await self.call(call.MeterValues(connector_id=connector_id,
                                         transaction_id=state.transaction_id,
                                         meter_value=[{"timestamp": utcnow(),
                                                       "sampledValue": sampled}]))

    async def stop_transaction(self, connector_id: int, reason: str = "Local",
                               id_tag: str | None = None) -> call_result.StopTransaction:
        state = self.connectors[connector_id]
        result = await self.call(call.StopTransaction(
            transaction_id=state.transaction_id, meter_stop=state.meter_wh, timestamp=utcnow(),
            reason=reason, id_tag=id_tag))
        state.transaction_id = None
        return result

    # What the central system may ask -----------------------------------------------------
    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag, connector_id=None, **kwargs):
        self.received.append(("RemoteStartTransaction", {"id_tag": id_tag}))
        connector_id = connector_id or 1
        if connector_id not in self.connectors:
            return call_result.RemoteStartTransaction(status="Rejected")
        asyncio.get_running_loop().call_soon(
            lambda: asyncio.ensure_future(self._remote_session(connector_id, id_tag)))
        return call_result.RemoteStartTransaction(status="Accepted")

    async def _remote_session(self, connector_id: int, id_tag: str) -> None:
        await self.status(connector_id, "Preparing")
        await self.start_transaction(connector_id, id_tag)
        await self.status(connector_id, "Charging")

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id, **kwargs):
        self.received.append(("RemoteStopTransaction", {"transaction_id": transaction_id}))
        for connector_id, state in self.connectors.items():
            if state.transaction_id == transaction_id:
                asyncio.get_running_loop().call_soon(lambda c=connector_id: asyncio.ensure_future(
                    self.stop_transaction(c, reason="Remote")))
                return call_result.RemoteStopTransaction(status="Accepted")
        return call_result.RemoteStopTransaction(status="Rejected")

    @on(Action.reset)
    async def on_reset(self, type, **kwargs):
        self.received.append(("Reset", {"type": type}))
        return call_result.Reset(status="Accepted")

    @on(Action.unlock_connector)
    async def on_unlock(self, connector_id, **kwargs):
        ok = connector_id in self.connectors
        return call_result.UnlockConnector(status="Unlocked" if ok else "NotSupported")

    @on(Action.get_configuration)
    async def on_get_configuration(self, key=None, **kwargs):
        keys = key or list(self.configuration)
        known = [{"key": k, "readonly": False, "value": self.configuration[k]}
                 for k in keys if k in self.configuration]
        unknown = [k for k in keys if k not in self.configuration]
        return call_result.GetConfiguration(configuration_key=known,
                                            unknown_key=unknown or None)

    @on(Action.change_configuration)
    async def on_change_configuration(self, key, value, **kwargs):
        if key not in self.configuration:
            return call_result.ChangeConfiguration(status="NotSupported")
        self.configuration[key] = value
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.change_availability)
    async def on_change_availability(self, connector_id, type, **kwargs):
        return call_result.ChangeAvailability(status="Accepted")

    @on(Action.clear_cache)
    async def on_clear_cache(self, **kwargs):
        return call_result.ClearCache(status="Accepted")

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message, connector_id=None, **kwargs):
        if requested_message == "Heartbeat":
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(self.call(call.Heartbeat())))
            return call_result.TriggerMessage(status="Accepted")
        return call_result.TriggerMessage(status="NotImplemented")

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="UnknownVendorId")


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
