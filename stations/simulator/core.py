"""The Core profile of the simulated charge point: what it sends, the commands it answers,
and triggered messages."""

import asyncio
import base64
from dataclasses import dataclass
from datetime import UTC, datetime

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action


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


class CoreChargePoint(ChargePoint):
    """A charge point with `connectors` connectors; run `start()` in a task, then call its
    methods in the order a real station would."""

    READ_ONLY = {"NumberOfConnectors"}
    INTEGER_KEYS = {"HeartbeatInterval", "MeterValueSampleInterval", "NumberOfConnectors"}
    fixed_cable = False  # a station with a fixed cable cannot unlock it
    unlock_fails = False

    def __init__(self, identity: str, connection, connectors: int = 1):
        super().__init__(identity, connection, response_timeout=15)
        self.connectors = {n: ConnectorState() for n in range(1, connectors + 1)}
        self.configuration = {"HeartbeatInterval": "300", "MeterValueSampleInterval": "60",
                              "NumberOfConnectors": str(connectors),
                              "ChargingScheduleAllowedChargingRateUnit": "Current"}
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
        self._install_remote_start_profile(connector_id, kwargs.get("charging_profile"))
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
        # OCPP 1.6 has no UnknownConnector: an unknown connector, like a fixed cable, is NotSupported.
        self.received.append(("UnlockConnector", {"connector_id": connector_id}))
        if connector_id not in self.connectors or self.fixed_cable:
            return call_result.UnlockConnector(status="NotSupported")
        if self.unlock_fails:
            return call_result.UnlockConnector(status="UnlockFailed")
        if self.connectors[connector_id].transaction_id is not None:
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(
                self._stop_after_unlock(connector_id)))
        return call_result.UnlockConnector(status="Unlocked")

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
        if key in self.READ_ONLY or (key in self.INTEGER_KEYS and not value.isdigit()):
            return call_result.ChangeConfiguration(status="Rejected")
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
        self.received.append(("TriggerMessage", {"requested_message": requested_message,
                                                 "connector_id": connector_id}))
        return call_result.TriggerMessage(status=self._trigger(requested_message, connector_id))

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="UnknownVendorId")

    @on(Action.extended_trigger_message)
    async def on_extended_trigger_message(self, requested_message, connector_id=None, **kwargs):
        self.received.append(("ExtendedTriggerMessage", {"requested_message": requested_message,
                                                         "connector_id": connector_id}))
        return call_result.ExtendedTriggerMessage(
            status=self._trigger(requested_message, connector_id, extended=True))

    # Triggered messages: accept, then send the message like a real station ---------------
    def _trigger(self, requested_message: str, connector_id: int | None,
                 extended: bool = False) -> str:
        """Schedule the requested message and answer Accepted; Rejected for an unknown connector."""
        if connector_id is not None and connector_id != 0 and connector_id not in self.connectors:
            return "Rejected"
        messages = {
            "BootNotification": self.boot,
            "Heartbeat": lambda: self.call(call.Heartbeat()),
            "StatusNotification": lambda: self._triggered_status(connector_id),
            "MeterValues": lambda: self._triggered_meter_values(connector_id),
            "DiagnosticsStatusNotification": lambda: self.call(
                call.DiagnosticsStatusNotification(status="Idle")),
            "FirmwareStatusNotification": (
                lambda: self.call(call.SignedFirmwareStatusNotification(status="Idle", request_id=None))
                if extended else self.call(call.FirmwareStatusNotification(status="Idle"))),
            "LogStatusNotification": lambda: self.call(
                call.LogStatusNotification(status="Idle", request_id=None)),
        }
        if requested_message not in messages:
            return "NotImplemented"
        send = messages[requested_message]
        self.triggered.append(requested_message)
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(send()))
        return "Accepted"

    @property
    def triggered(self) -> list[str]:
        if not hasattr(self, "_triggered"):
            self._triggered: list[str] = []
        return self._triggered

    async def _triggered_status(self, connector_id: int | None) -> None:
        targets = [connector_id] if connector_id is not None else [0, *self.connectors]
        for target in targets:
            status = self.connectors[target].status if target in self.connectors else "Available"
            await self.status(target, status)

    async def _triggered_meter_values(self, connector_id: int | None) -> None:
        for target in [connector_id] if connector_id else list(self.connectors):
            await self.meter_values(target, 0)

    async def _stop_after_unlock(self, connector_id: int) -> None:
        await self.stop_transaction(connector_id, reason="UnlockCommand")
        await self.status(connector_id, "Finishing")
