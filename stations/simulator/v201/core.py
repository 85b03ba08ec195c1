"""The core of the simulated OCPP 2.0.1 charging station: the link, its EVSEs and connectors,
what it sends (boot, status, authorize, transaction events with meter values, heartbeat) and
the core commands it answers (reset, remote start and stop, availability, unlock, trigger,
cache, data transfer, transaction status, running cost).

It mirrors the 1.6 simulator (`stations/simulator/core.py`) with 2.0.1's concepts: the station
makes the transaction id, every `TransactionEvent` carries a `seqNo` (counted per transaction
from 0 here), status is per EVSE and connector, and a reset ends with a BootNotification
whose reason is `RemoteReset` (docs/architecture.md §7 for how the backend takes these in).
It needs no Django."""

import asyncio
import uuid
from dataclasses import dataclass, field

import websockets
from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action

from stations.simulator.core import basic_auth, utcnow

SUBPROTOCOL = "ocpp2.0.1"


async def connect(url: str, identity: str, password: str | None,
                  subprotocols: list[str] | None = None, **kwargs):
    """Open the station's WebSocket offering 2.0.1 (or the `subprotocols` given, in order):
    `url` is the central system's base or the full URL."""
    full = url if url.rstrip("/").endswith("/" + identity) else f"{url.rstrip('/')}/{identity}"
    headers = basic_auth(identity, password) if password is not None else {}
    return await websockets.connect(full, subprotocols=subprotocols or [SUBPROTOCOL],
                                    additional_headers=headers, open_timeout=10, **kwargs)


@dataclass
class EvseState:
    """One EVSE: its connectors' statuses, the transaction on it and its meter."""

    connectors: dict[int, str] = field(default_factory=lambda: {1: "Available"})
    operative: bool = True
    transaction_id: str | None = None
    seq_no: int = 0  # the next seqNo of the running transaction
    meter_wh: int = 0
    id_token: dict | None = None
    remote_start_id: int | None = None
    charging_state: str | None = None
    total_cost: float | None = None  # the last running cost the CSMS told (CostUpdated or answer)

    @property
    def status(self) -> str:
        return self.connectors[1]


def id_token_of(id_token: str | dict, type: str = "ISO14443") -> dict:
    """An IdTokenType: a plain string is taken as an RFID card's UID."""
    return id_token if isinstance(id_token, dict) else {"idToken": id_token, "type": type}


class CoreChargePoint201(ChargePoint):
    """A 2.0.1 charging station with `evses` EVSEs of `connectors_per_evse` connectors each;
    run `start()` in a task, then call its methods in the order a real station would."""

    vendor = "Simulator"
    model = "SIM-201"
    fixed_cable = False  # a station with a fixed cable cannot unlock it
    reconnect_on_reset = False  # True: a reset drops the link and boots on a new one
    unlock_fails = False
    data_transfer_vendors = {"org.simulator"}  # DataTransfer from these is echoed back, Accepted
    firmware_version = "2.0.0"  # what it boots on (a firmware update changes it)

    def __init__(self, identity: str, connection, evses: int = 1, connectors_per_evse: int = 1,
                 password: str | None = None, connectors: int | None = None):
        super().__init__(identity, connection, response_timeout=15)
        evses = connectors or evses  # `connectors=` as the 1.6 simulator takes it: one per EVSE
        self.evses = {n: EvseState(connectors={c: "Available"
                                               for c in range(1, connectors_per_evse + 1)})
                      for n in range(1, evses + 1)}
        self.password = password
        self.received: list[tuple[str, dict]] = []
        self.triggered: list[str] = []
        self.boots: list[call_result.BootNotification] = []
        self.registration: str | None = None  # Accepted / Pending / Rejected
        self.heartbeat_interval = 300
        self.costs: dict[str, float] = {}  # transactionId -> last running cost told
        self.id_token_infos: list[dict] = []  # every idTokenInfo the CSMS answered
        self.messages: list[dict] = []  # updatedPersonalMessage / personalMessage seen
        self._tasks: set[asyncio.Task] = set()
        self._pending_resets: list[tuple[str, int | None]] = []
        # An async callable opening a new link (tests/factories.py charge_point_201 sets it):
        # what a reset with `reconnect_on_reset` and `reconnect()` use.
        self.reconnect_with = None
        self.runner: asyncio.Task | None = None  # reading the link `reconnect` opened
        self.offline = False  # while True, TransactionEvents are queued, sent by `flush_offline`
        self.queued: list[call.TransactionEvent] = []

    # Helpers -----------------------------------------------------------------------------
    def soon(self, coroutine_function, *args) -> None:
        """Run `coroutine_function(*args)` after the current answer has gone out."""
        def run():
            task = asyncio.ensure_future(coroutine_function(*args))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        asyncio.get_running_loop().call_soon(run)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until what the station scheduled (remote starts, reports...) has been sent."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def evse_of_transaction(self, transaction_id: str) -> int | None:
        return next((n for n, e in self.evses.items() if e.transaction_id == transaction_id), None)

    # What the station sends --------------------------------------------------------------
    async def boot(self, reason: str = "PowerUp", vendor: str | None = None,
                   model: str | None = None) -> call_result.BootNotification:
        result = await self.call(call.BootNotification(
            charging_station={"vendorName": vendor or self.vendor, "model": model or self.model,
                              "serialNumber": f"SN-{self.id}"[:25],
                              "firmwareVersion": self.firmware_version},
            reason=reason))
        self.boots.append(result)
        self.registration = result.status
        self.heartbeat_interval = result.interval
        self._boot_result(result)
        return result

    def _boot_result(self, result) -> None:
        """A hook for the device model (OCPPCommCtrlr.HeartbeatInterval follows the answer)."""

    async def boot_until_accepted(self, reason: str = "PowerUp", attempts: int = 10,
                                  longest_wait: float | None = None) -> call_result.BootNotification:
        """Boot; while Pending or Rejected, boot again after the interval the CSMS gave
        (at most `longest_wait` seconds, for tests), up to `attempts` times."""
        result = await self.boot(reason)
        for _ in range(attempts - 1):
            if result.status == "Accepted":
                break
            wait = result.interval or self.heartbeat_interval
            await asyncio.sleep(min(wait, longest_wait) if longest_wait is not None else wait)
            result = await self.boot(reason)
        return result

    async def heartbeat(self) -> str:
        return (await self.call(call.Heartbeat())).current_time

    async def run_heartbeats(self, interval: float | None = None) -> None:
        """Send a Heartbeat every `interval` seconds (the CSMS's interval unless given), forever."""
        while True:
            await asyncio.sleep(interval or self.heartbeat_interval)
            await self.heartbeat()

    async def status(self, evse_id: int, status: str, connector_id: int = 1) -> None:
        """StatusNotification for one connector: Available, Occupied, Reserved, Unavailable, Faulted."""
        if evse_id in self.evses:
            self.evses[evse_id].connectors[connector_id] = status
        if self.offline:  # a station offline reports its status again when back
            return
        await self.call(call.StatusNotification(timestamp=utcnow(), connector_status=status,
                                                evse_id=evse_id, connector_id=connector_id))

    async def status_all(self) -> None:
        """Every connector's status, as after a boot."""
        for evse_id, evse in self.evses.items():
            for connector_id, status in evse.connectors.items():
                await self.status(evse_id, status, connector_id)

    async def authorize(self, id_token: str | dict, type: str = "ISO14443") -> str:
        """Authorize an id token (a string is an RFID UID); returns idTokenInfo.status."""
        result = await self.call(call.Authorize(id_token=id_token_of(id_token, type)))
        self.id_token_infos.append(result.id_token_info)
        return result.id_token_info["status"]

    def meter_value(self, evse_id: int, context: str = "Sample.Periodic", power_w: float = 11000.0,
                    current_a: float = 16.0, voltage_v: float = 230.0) -> dict:
        """One MeterValueType: the energy register, power, and current and voltage per phase."""
        meter_wh = self.evses[evse_id].meter_wh
        sampled = [{"value": meter_wh, "measurand": "Energy.Active.Import.Register",
                    "context": context, "unitOfMeasure": {"unit": "Wh"}}]
        if context not in ("Transaction.Begin", "Transaction.End"):
            sampled.append({"value": power_w, "measurand": "Power.Active.Import",
                            "context": context, "unitOfMeasure": {"unit": "W"}})
            sampled += [{"value": current_a, "measurand": "Current.Import", "phase": phase,
                         "context": context, "unitOfMeasure": {"unit": "A"}}
                        for phase in ("L1", "L2", "L3")]
            sampled += [{"value": voltage_v, "measurand": "Voltage", "phase": f"{phase}-N",
                         "context": context, "unitOfMeasure": {"unit": "V"}}
                        for phase in ("L1", "L2", "L3")]
        return {"timestamp": utcnow(), "sampledValue": sampled}

    async def transaction_event(self, evse_id: int, event_type: str, trigger_reason: str, *,
                                meter_value: list[dict] | None = None,
                                id_token: dict | None = None, charging_state: str | None = None,
                                stopped_reason: str | None = None, offline: bool = False,
                                remote_start_id: int | None = None, seq_no: int | None = None,
                                timestamp: str | None = None, connector_id: int = 1,
                                transaction_id: str | None = None,
                                reservation_id: int | None = None) -> call_result.TransactionEvent:
        """One TransactionEvent for the EVSE's transaction (the next seqNo unless given)."""
        evse = self.evses[evse_id]
        info = {"transactionId": transaction_id or evse.transaction_id}
        if charging_state is not None:
            info["chargingState"] = evse.charging_state = charging_state
        if stopped_reason is not None:
            info["stoppedReason"] = stopped_reason
        if remote_start_id is not None:
            info["remoteStartId"] = remote_start_id
        if seq_no is None:
            seq_no, evse.seq_no = evse.seq_no, evse.seq_no + 1
        message = call.TransactionEvent(
            event_type=event_type, timestamp=timestamp or utcnow(), trigger_reason=trigger_reason,
            seq_no=seq_no, transaction_info=info, meter_value=meter_value,
            offline=True if offline or self.offline else None, id_token=id_token,
            evse={"id": evse_id, "connectorId": connector_id} if event_type == "Started" else None,
            number_of_phases_used=3 if event_type == "Started" else None,
            reservation_id=reservation_id)
        if self.offline:
            self.queued.append(message)
            return None
        result = await self.call(message)
        self._answer_of_transaction_event(evse, info["transactionId"], result)
        return result

    async def flush_offline(self, order: list[int] | None = None) -> list:
        """Back online: send the queued TransactionEvents (offline: true), in the order they
        were made or in `order` (indexes into the queue: late and reordered delivery)."""
        self.offline = False
        queued, self.queued = self.queued, []
        results = []
        for message in [queued[n] for n in order] if order is not None else queued:
            result = await self.call(message)
            evse_id = self.evse_of_transaction(message.transaction_info["transactionId"])
            if evse_id is not None:
                self._answer_of_transaction_event(self.evses[evse_id],
                                                  message.transaction_info["transactionId"], result)
            results.append(result)
        return results

    def _answer_of_transaction_event(self, evse: EvseState, transaction_id: str, result) -> None:
        if result.id_token_info is not None:
            self.id_token_infos.append(result.id_token_info)
        if result.total_cost is not None:
            evse.total_cost = self.costs[transaction_id] = result.total_cost
        if result.updated_personal_message is not None:
            self.messages.append(result.updated_personal_message)

    async def start_transaction(self, evse_id: int, id_token: str | dict | None,
                                trigger_reason: str = "Authorized", *,
                                remote_start_id: int | None = None,
                                transaction_id: str | None = None, type: str = "ISO14443",
                                reservation_id: int | None = None) -> call_result.TransactionEvent:
        """Start a transaction on the EVSE (the connector goes Occupied first): TransactionEvent
        Started with a Transaction.Begin meter value; the station's transaction id is kept in
        `evses[evse_id].transaction_id` (and is `transaction_id` when given). A reservation
        used is no longer held."""
        evse = self.evses[evse_id]
        if reservation_id is not None:
            getattr(self, "reservations", {}).pop(reservation_id, None)
        if evse.status != "Occupied":
            await self.status(evse_id, "Occupied")
        evse.transaction_id = transaction_id or str(uuid.uuid4())
        evse.seq_no = 0
        evse.id_token = id_token_of(id_token, type) if id_token is not None else None
        evse.remote_start_id = remote_start_id
        return await self.transaction_event(
            evse_id, "Started", trigger_reason, id_token=evse.id_token, charging_state="Charging",
            remote_start_id=remote_start_id, reservation_id=reservation_id,
            meter_value=[self.meter_value(evse_id, "Transaction.Begin")])

    async def plug_in(self, evse_id: int) -> call_result.TransactionEvent:
        """The cable first (TxStartPoint EVConnected): a transaction starts without an id token
        (Started, CablePluggedIn, EVConnected); `authorize_transaction` adds the token later."""
        evse = self.evses[evse_id]
        await self.status(evse_id, "Occupied")
        evse.transaction_id, evse.seq_no, evse.id_token = str(uuid.uuid4()), 0, None
        return await self.transaction_event(
            evse_id, "Started", "CablePluggedIn", charging_state="EVConnected",
            meter_value=[self.meter_value(evse_id, "Transaction.Begin")])

    async def authorize_transaction(self, evse_id: int, id_token: str | dict,
                                    type: str = "ISO14443") -> call_result.TransactionEvent:
        """An id token for the running transaction (first or changed): Updated, Authorized."""
        evse = self.evses[evse_id]
        evse.id_token = id_token_of(id_token, type)
        return await self.transaction_event(evse_id, "Updated", "Authorized",
                                            id_token=evse.id_token, charging_state="Charging")

    async def meter_values(self, evse_id: int, energy_wh: int, power_w: float = 11000.0,
                           current_a: float = 16.0) -> None:
        """`energy_wh` more on the meter: a TransactionEvent Updated (MeterValuePeriodic) in a
        transaction, a MeterValues message outside one."""
        evse = self.evses[evse_id]
        evse.meter_wh += energy_wh
        sample = self.meter_value(evse_id, "Sample.Periodic", power_w, current_a)
        if evse.transaction_id is None:
            await self.call(call.MeterValues(evse_id=evse_id, meter_value=[sample]))
        else:
            await self.transaction_event(evse_id, "Updated", "MeterValuePeriodic",
                                         meter_value=[sample])

    async def charge(self, evse_id: int, samples: int, interval: float,
                     energy_per_sample_wh: int = 1500) -> None:
        """Periodic meter values: `samples` of them, one every `interval` seconds."""
        for _ in range(samples):
            await asyncio.sleep(interval)
            await self.meter_values(evse_id, energy_per_sample_wh)

    async def set_charging_state(self, evse_id: int, state: str) -> call_result.TransactionEvent:
        """Charging, EVConnected, SuspendedEV, SuspendedEVSE or Idle (Updated, ChargingStateChanged)."""
        return await self.transaction_event(evse_id, "Updated", "ChargingStateChanged",
                                            charging_state=state)

    async def stop_transaction(self, evse_id: int, reason: str = "Local",
                               id_token: str | dict | None = None,
                               trigger_reason: str | None = None, *,
                               unplug: bool = True) -> call_result.TransactionEvent:
        """End the EVSE's transaction (TransactionEvent Ended with a Transaction.End meter value);
        then, unless `unplug` is False, the connector is Available again."""
        evse = self.evses[evse_id]
        trigger_reason = trigger_reason or {
            "Remote": "RemoteStop", "ImmediateReset": "ResetCommand", "EVDisconnected": "EVDeparted",
            "DeAuthorized": "Deauthorized"}.get(reason, "StopAuthorized")
        result = await self.transaction_event(
            evse_id, "Ended", trigger_reason, stopped_reason=reason,
            id_token=id_token_of(id_token) if id_token is not None else None,
            charging_state="EVConnected" if not unplug else "Idle",
            meter_value=[self.meter_value(evse_id, "Transaction.End")])
        evse.transaction_id, evse.id_token, evse.remote_start_id = None, None, None
        if unplug:
            await self.status(evse_id, "Available" if evse.operative else "Unavailable")
        await self._after_transaction()
        return result

    async def _after_transaction(self) -> None:
        """A reset or availability change waiting for the station to be idle happens now."""
        if self._pending_resets and not any(e.transaction_id for e in self.evses.values()):
            for _, evse_id in self._pending_resets:
                await self._reset(evse_id)
            self._pending_resets.clear()
        for evse_id, evse in self.evses.items():
            if not evse.operative and evse.transaction_id is None and evse.status != "Unavailable":
                await self.status(evse_id, "Unavailable")

    # What the CSMS may ask ---------------------------------------------------------------
    @on(Action.request_start_transaction)
    async def on_request_start_transaction(self, id_token, remote_start_id, evse_id=None,
                                           charging_profile=None, **kwargs):
        self.received.append(("RequestStartTransaction", {
            "id_token": id_token, "remote_start_id": remote_start_id, "evse_id": evse_id}))
        free = [n for n, e in self.evses.items() if e.transaction_id is None and e.operative]
        evse_id = evse_id if evse_id is not None else (free[0] if free else None)
        if evse_id not in free:
            return call_result.RequestStartTransaction(status="Rejected")
        if charging_profile is not None:
            self._install_remote_start_profile(evse_id, charging_profile)
        self.evses[evse_id].transaction_id = transaction_id = str(uuid.uuid4())  # reserved now
        self.soon(self._remote_session, evse_id, id_token, remote_start_id, transaction_id)
        return call_result.RequestStartTransaction(status="Accepted")

    def _install_remote_start_profile(self, evse_id: int, profile: dict) -> None:
        """Smart charging keeps it (stations/simulator/v201/smart_charging.py)."""
        self.received.append(("RequestStartTransaction.chargingProfile", profile))

    async def _remote_session(self, evse_id: int, id_token: dict, remote_start_id: int,
                              transaction_id: str) -> None:
        await self.start_transaction(evse_id, camel(id_token), "RemoteStart",
                                     remote_start_id=remote_start_id, transaction_id=transaction_id)

    @on(Action.request_stop_transaction)
    async def on_request_stop_transaction(self, transaction_id, **kwargs):
        self.received.append(("RequestStopTransaction", {"transaction_id": transaction_id}))
        evse_id = self.evse_of_transaction(transaction_id)
        if evse_id is None:
            return call_result.RequestStopTransaction(status="Rejected")
        self.soon(self.stop_transaction, evse_id, "Remote")
        return call_result.RequestStopTransaction(status="Accepted")

    @on(Action.get_transaction_status)
    async def on_get_transaction_status(self, transaction_id=None, **kwargs):
        self.received.append(("GetTransactionStatus", {"transaction_id": transaction_id}))
        ongoing = None if transaction_id is None else \
            self.evse_of_transaction(transaction_id) is not None
        return call_result.GetTransactionStatus(messages_in_queue=False, ongoing_indicator=ongoing)

    @on(Action.cost_updated)
    async def on_cost_updated(self, total_cost, transaction_id, **kwargs):
        self.received.append(("CostUpdated", {"total_cost": total_cost,
                                              "transaction_id": transaction_id}))
        self.costs[transaction_id] = total_cost
        if (evse_id := self.evse_of_transaction(transaction_id)) is not None:
            self.evses[evse_id].total_cost = total_cost
        return call_result.CostUpdated()

    @on(Action.reset)
    async def on_reset(self, type, evse_id=None, **kwargs):
        """Immediate: running transactions end (ImmediateReset), then the station reboots;
        OnIdle: Scheduled while a transaction runs, done when the last one ends. A reset of
        one EVSE does not reboot the station."""
        self.received.append(("Reset", {"type": type, "evse_id": evse_id}))
        if evse_id is not None and evse_id not in self.evses:
            return call_result.Reset(status="Rejected")
        scope = [evse_id] if evse_id is not None else list(self.evses)
        busy = [n for n in scope if self.evses[n].transaction_id is not None]
        if busy and type == "OnIdle":
            self._pending_resets.append((type, evse_id))
            return call_result.Reset(status="Scheduled")
        self.soon(self._immediate_reset, busy, evse_id)
        return call_result.Reset(status="Accepted")

    async def _immediate_reset(self, busy: list[int], evse_id: int | None) -> None:
        for n in busy:
            await self.stop_transaction(n, "ImmediateReset", unplug=False)
        await self._reset(evse_id)

    async def _reset(self, evse_id: int | None) -> None:
        """The station (or one EVSE) comes back: a station reboots with reason RemoteReset
        on the same link and reports every connector."""
        scope = [evse_id] if evse_id is not None else list(self.evses)
        for n in scope:
            evse = self.evses[n]
            evse.transaction_id, evse.charging_state = None, None
            for connector_id in evse.connectors:
                evse.connectors[connector_id] = "Available" if evse.operative else "Unavailable"
        if evse_id is None:
            if self.reconnect_on_reset and self.reconnect_with is not None:
                await self.reconnect()
            await self.boot(reason="RemoteReset")
            await self.status_all()
        else:
            for connector_id, status in self.evses[evse_id].connectors.items():
                await self.status(evse_id, status, connector_id)

    async def reconnect(self) -> None:
        """Drop the link and open a new one with `reconnect_with` (the password in force now,
        e.g. after SecurityCtrlr.BasicAuthPassword was set); its reader runs in `runner`."""
        await asyncio.sleep(0.2)  # the answer that asked for it goes out first
        await self._connection.close()
        self._connection = await self.reconnect_with()
        if self.runner is not None:
            self.runner.cancel()
        self.runner = asyncio.create_task(self.start())

    @on(Action.change_availability)
    async def on_change_availability(self, operational_status, evse=None, **kwargs):
        """Per station (no evse), EVSE (evse.id) or connector (evse.connectorId): Scheduled
        while a transaction runs there (the change follows its end)."""
        self.received.append(("ChangeAvailability", {"operational_status": operational_status,
                                                     "evse": evse}))
        evse_id = (evse or {}).get("id")
        connector_id = (evse or {}).get("connector_id")
        if evse_id not in (None, 0) and (evse_id not in self.evses or (
                connector_id is not None and connector_id not in self.evses[evse_id].connectors)):
            return call_result.ChangeAvailability(status="Rejected")
        scope = [evse_id] if evse_id not in (None, 0) else list(self.evses)
        operative = operational_status == "Operative"
        for n in scope:
            self.evses[n].operative = operative
        if not operative and any(self.evses[n].transaction_id for n in scope):
            self.soon(self._after_transaction)
            return call_result.ChangeAvailability(status="Scheduled")
        self.soon(self._report_availability, scope, connector_id, operative)
        return call_result.ChangeAvailability(status="Accepted")

    async def _report_availability(self, scope: list[int], connector_id: int | None,
                                   operative: bool) -> None:
        for n in scope:
            evse = self.evses[n]
            for c in [connector_id] if connector_id is not None else list(evse.connectors):
                occupied = evse.transaction_id is not None
                await self.status(n, "Occupied" if occupied else
                                  "Available" if operative else "Unavailable", c)

    @on(Action.unlock_connector)
    async def on_unlock_connector(self, evse_id, connector_id, **kwargs):
        self.received.append(("UnlockConnector", {"evse_id": evse_id, "connector_id": connector_id}))
        if evse_id not in self.evses or connector_id not in self.evses[evse_id].connectors:
            return call_result.UnlockConnector(status="UnknownConnector")
        if self.evses[evse_id].transaction_id is not None:
            return call_result.UnlockConnector(status="OngoingAuthorizedTransaction")
        if self.unlock_fails:  # the lock is stuck: reported as a problem (OCPP 2.0.1 G03.FR.04)
            self.soon(self.notify_event, "ConnectorPlugRetentionLock", "Problem", "true",
                      evse_id, connector_id)
        if self.fixed_cable or self.unlock_fails:
            return call_result.UnlockConnector(status="UnlockFailed")
        return call_result.UnlockConnector(status="Unlocked")

    async def notify_event(self, component: str, variable: str, actual_value: str,
                           evse_id: int | None = None, connector_id: int | None = None, *,
                           trigger: str = "Delta", cleared: bool | None = None,
                           tech_info: str | None = None) -> None:
        """One NotifyEvent: a component's variable changed (e.g. Connector.Problem = true)."""
        self._event_ids = getattr(self, "_event_ids", 0) + 1
        target: dict = {"name": component}
        if evse_id is not None:
            target["evse"] = {"id": evse_id, **({"connectorId": connector_id}
                                                if connector_id is not None else {})}
        event = {"eventId": self._event_ids, "timestamp": utcnow(), "trigger": trigger,
                 "actualValue": actual_value, "eventNotificationType": "HardWiredNotification",
                 "component": target, "variable": {"name": variable}}
        if cleared is not None:
            event["cleared"] = cleared
        if tech_info is not None:
            event["techInfo"] = tech_info
        await self.call(call.NotifyEvent(generated_at=utcnow(), seq_no=0, event_data=[event]))

    @on(Action.clear_cache)
    async def on_clear_cache(self, **kwargs):
        self.received.append(("ClearCache", {}))
        return call_result.ClearCache(status="Accepted")

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id, message_id=None, data=None, **kwargs):
        self.received.append(("DataTransfer", {"vendor_id": vendor_id, "message_id": message_id,
                                               "data": data}))
        if vendor_id not in self.data_transfer_vendors:
            return call_result.DataTransfer(status="UnknownVendorId")
        return call_result.DataTransfer(status="Accepted", data=data)

    async def data_transfer(self, vendor_id: str, message_id: str | None = None,
                            data=None) -> call_result.DataTransfer:
        return await self.call(call.DataTransfer(vendor_id=vendor_id, message_id=message_id,
                                                 data=data))

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message, evse=None, **kwargs):
        self.received.append(("TriggerMessage", {"requested_message": requested_message,
                                                 "evse": evse}))
        evse_id = (evse or {}).get("id")
        connector_id = (evse or {}).get("connector_id")
        if evse_id not in (None, 0) and evse_id not in self.evses:
            return call_result.TriggerMessage(status="Rejected")
        messages = self._triggerable(evse_id, connector_id)
        if requested_message not in messages:
            return call_result.TriggerMessage(status="NotImplemented")
        self.triggered.append(requested_message)
        self.soon(messages[requested_message])
        return call_result.TriggerMessage(status="Accepted")

    def _triggerable(self, evse_id: int | None, connector_id: int | None) -> dict:
        """The messages TriggerMessage can ask for, each a coroutine function."""
        async def status():
            for n in [evse_id] if evse_id else list(self.evses):
                for c in [connector_id] if connector_id else list(self.evses[n].connectors):
                    await self.status(n, self.evses[n].connectors[c], c)

        async def meter_values():
            for n in [evse_id] if evse_id else list(self.evses):
                await self.call(call.MeterValues(
                    evse_id=n, meter_value=[self.meter_value(n, "Trigger")]))

        async def transaction_event():
            for n in [evse_id] if evse_id else list(self.evses):
                if self.evses[n].transaction_id is not None:
                    await self.transaction_event(n, "Updated", "Trigger",
                                                 meter_value=[self.meter_value(n, "Trigger")])

        return {
            "BootNotification": lambda: self.boot(reason="Triggered"),
            "Heartbeat": self.heartbeat,
            "StatusNotification": status,
            "MeterValues": meter_values,
            "TransactionEvent": transaction_event,
            "FirmwareStatusNotification": lambda: self.call(
                call.FirmwareStatusNotification(status="Idle")),
            "LogStatusNotification": lambda: self.call(call.LogStatusNotification(status="Idle")),
        }


def camel(data):
    """The ocpp package hands handlers snake_case keys; what the station sends back is camelCase."""
    if isinstance(data, dict):
        return {_camel_key(k): camel(v) for k, v in data.items()}
    if isinstance(data, list):
        return [camel(v) for v in data]
    return data


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


