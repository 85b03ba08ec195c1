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
from decimal import ROUND_DOWN, Decimal

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

    READ_ONLY = {"NumberOfConnectors"}
    INTEGER_KEYS = {"HeartbeatInterval", "MeterValueSampleInterval", "NumberOfConnectors"}
    fixed_cable = False  # a station with a fixed cable cannot unlock it
    unlock_fails = False

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

    # Smart charging: installed profiles per connector (0 = the station), a simple composite ------
    @property
    def charging_profiles(self) -> dict[int, list[dict]]:
        """Installed profiles per connector, as received (snake_case keys)."""
        if not hasattr(self, "_charging_profiles"):
            self._charging_profiles: dict[int, list[dict]] = {n: [] for n in [0, *self.connectors]}
        return self._charging_profiles

    def _install_profile(self, connector_id: int, profile: dict) -> None:
        for profiles in self.charging_profiles.values():  # the same id anywhere is replaced
            profiles[:] = [p for p in profiles
                           if p["charging_profile_id"] != profile["charging_profile_id"]]
        self.charging_profiles[connector_id][:] = [
            p for p in self.charging_profiles[connector_id]
            if (p["stack_level"], p["charging_profile_purpose"])
            != (profile["stack_level"], profile["charging_profile_purpose"])] + [profile]

    def _install_remote_start_profile(self, connector_id: int, profile: dict | None) -> None:
        if profile is not None:
            self.received.append(("RemoteStartTransaction.chargingProfile", profile))
            self._install_profile(connector_id, dict(profile, transaction_id=None))

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        profile = cs_charging_profiles
        self.received.append(("SetChargingProfile", {"connector_id": connector_id, **profile}))
        purpose = profile["charging_profile_purpose"]
        if connector_id not in self.charging_profiles:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == "ChargePointMaxProfile" and connector_id != 0:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == "TxProfile":
            running = self.connectors[connector_id].transaction_id if connector_id else None
            if running is None or profile.get("transaction_id", running) != running:
                return call_result.SetChargingProfile(status="Rejected")
        self._install_profile(connector_id, profile)
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, id=None, connector_id=None,
                                        charging_profile_purpose=None, stack_level=None, **kwargs):
        self.received.append(("ClearChargingProfile", {"id": id, "connector_id": connector_id}))

        def matches(connector: int, profile: dict) -> bool:
            if id is not None:
                return profile["charging_profile_id"] == id
            return ((connector_id is None or connector == connector_id)
                    and charging_profile_purpose in (None, profile["charging_profile_purpose"])
                    and stack_level in (None, profile["stack_level"]))

        cleared = 0
        for connector, profiles in self.charging_profiles.items():
            kept = [p for p in profiles if not matches(connector, p)]
            cleared += len(profiles) - len(kept)
            profiles[:] = kept
        return call_result.ClearChargingProfile(status="Accepted" if cleared else "Unknown")

    @on(Action.get_composite_schedule)
    async def on_get_composite_schedule(self, connector_id, duration, charging_rate_unit=None,
                                        **kwargs):
        if connector_id not in self.charging_profiles:
            return call_result.GetCompositeSchedule(status="Rejected")
        schedule = self.composite_schedule(connector_id, duration, charging_rate_unit)
        return call_result.GetCompositeSchedule(
            status="Accepted", connector_id=connector_id, schedule_start=utcnow(),
            charging_schedule=schedule)

    def composite_schedule(self, connector_id: int, duration: int, unit: str | None) -> dict | None:
        """The lower of the max profile and the Tx (else TxDefault) profile, highest stack level
        of each; every schedule is taken to start now (simple, but what a test can check)."""
        in_force = [p for p in (self._top("ChargePointMaxProfile", [0]),
                                self._tx_profile(connector_id)) if p is not None]
        if not in_force:
            return None
        unit = unit or in_force[-1]["charging_schedule"]["charging_rate_unit"]
        starts = sorted({0} | {period["start_period"] for p in in_force
                               for period in p["charging_schedule"]["charging_schedule_period"]
                               if period["start_period"] < duration})
        periods: list[dict] = []
        for start in starts:
            limits = [limit for p in in_force if (limit := _limit_at(p, start, unit)) is not None]
            if limits and (not periods or periods[-1]["limit"] != min(limits)):
                periods.append({"start_period": start, "limit": min(limits)})
        return {"duration": duration, "charging_rate_unit": unit, "charging_schedule_period": periods}

    def _tx_profile(self, connector_id: int) -> dict | None:
        running = self.connectors[connector_id].transaction_id if connector_id else None
        if running is not None:
            for profile in self.charging_profiles[connector_id]:  # a remote start's binds now
                if profile["charging_profile_purpose"] == "TxProfile" \
                        and profile.get("transaction_id") is None:
                    profile["transaction_id"] = running
            tx = [p for p in self.charging_profiles[connector_id]
                  if p["charging_profile_purpose"] == "TxProfile" and p["transaction_id"] == running]
            if tx:
                return max(tx, key=lambda p: p["stack_level"])
        return (self._top("TxDefaultProfile", [connector_id])
                or self._top("TxDefaultProfile", [0]))

    def _top(self, purpose: str, connectors: list[int]) -> dict | None:
        candidates = [p for c in connectors for p in self.charging_profiles.get(c, [])
                      if p["charging_profile_purpose"] == purpose]
        return max(candidates, key=lambda p: p["stack_level"], default=None)

    # Local auth list and reservations: held in memory, as a station keeps them ---------------
    local_list_version = 0  # 0: an empty list; a station without a local list answers -1

    @property
    def local_list(self) -> dict[str, dict]:
        """idTag -> idTagInfo (snake_case keys) as the station holds it."""
        if not hasattr(self, "_local_list"):
            self._local_list: dict[str, dict] = {}
        return self._local_list

    @property
    def reservations(self) -> dict[int, dict]:
        """reservationId -> the ReserveNow request (snake_case keys) of each held reservation."""
        if not hasattr(self, "_reservations"):
            self._reservations: dict[int, dict] = {}
        return self._reservations

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, local_authorization_list=None,
                                 **kwargs):
        entries = local_authorization_list or []
        self.received.append(("SendLocalList", {"list_version": list_version,
                                                "update_type": update_type, "entries": entries}))
        if update_type == "Differential" and list_version <= self.local_list_version:
            return call_result.SendLocalList(status="VersionMismatch")
        if update_type == "Full":
            self.local_list.clear()
        for entry in entries:  # an entry without idTagInfo removes the tag
            if "id_tag_info" in entry:
                self.local_list[entry["id_tag"]] = entry["id_tag_info"]
            else:
                self.local_list.pop(entry["id_tag"], None)
        self.local_list_version = list_version
        return call_result.SendLocalList(status="Accepted")

    @on(Action.get_local_list_version)
    async def on_get_local_list_version(self, **kwargs):
        return call_result.GetLocalListVersion(list_version=self.local_list_version)

    @on(Action.reserve_now)
    async def on_reserve_now(self, connector_id, expiry_date, id_tag, reservation_id,
                             parent_id_tag=None, **kwargs):
        request = {"connector_id": connector_id, "expiry_date": expiry_date, "id_tag": id_tag,
                   "reservation_id": reservation_id, "parent_id_tag": parent_id_tag}
        self.received.append(("ReserveNow", request))
        if connector_id and connector_id not in self.connectors:
            return call_result.ReserveNow(status="Rejected")
        states = [self.connectors[connector_id]] if connector_id else list(self.connectors.values())
        if all(state.status in ("Faulted", "Unavailable") for state in states):
            return call_result.ReserveNow(status=states[0].status)
        if not any(state.status == "Available" and state.transaction_id is None for state in states):
            return call_result.ReserveNow(status="Occupied")
        self.reservations[reservation_id] = request
        return call_result.ReserveNow(status="Accepted")

    @on(Action.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id, **kwargs):
        self.received.append(("CancelReservation", {"reservation_id": reservation_id}))
        held = self.reservations.pop(reservation_id, None)
        return call_result.CancelReservation(status="Accepted" if held else "Rejected")

    async def start_reserved_transaction(self, connector_id: int, id_tag: str,
                                         reservation_id: int) -> call_result.StartTransaction:
        """StartTransaction that uses a reservation: the station no longer holds it."""
        state = self.connectors[connector_id]
        self.reservations.pop(reservation_id, None)
        result = await self.call(call.StartTransaction(
            connector_id=connector_id, id_tag=id_tag, meter_start=state.meter_wh,
            timestamp=utcnow(), reservation_id=reservation_id))
        state.transaction_id = result.transaction_id
        return result

    # Firmware Management, diagnostics, and the Security extension's signed updates and logs ---
    firmware_answer = "Accepted"  # SignedUpdateFirmware's answer
    log_answer = "Accepted"  # GetLog's answer

    @property
    def downloads(self) -> dict[str, bytes | int]:
        """Firmware fetched by URL: the image, or the HTTP status that refused it."""
        if not hasattr(self, "_downloads"):
            self._downloads: dict[str, bytes | int] = {}
        return self._downloads

    async def download(self, url: str) -> bytes | int:
        import httpx  # only the file transfers need it

        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.get(url)
        self.downloads[url] = response.content if response.status_code == 200 else response.status_code
        return self.downloads[url]

    async def upload(self, location: str, content: bytes, filename: str, method: str = "PUT") -> int:
        """Upload a diagnostics or log file as stations do: the raw body (PUT) or a form (POST)."""
        import httpx

        async with httpx.AsyncClient(timeout=15) as client:
            if method == "PUT":
                response = await client.put(location, content=content,
                                            headers={"Content-Type": "application/octet-stream"})
            else:
                response = await client.post(location, files={"file": (filename, content)})
        return response.status_code

    @on(Action.update_firmware)
    async def on_update_firmware(self, location, retrieve_date, **kwargs):
        self.received.append(("UpdateFirmware", {"location": location, "retrieve_date": retrieve_date,
                                                  **kwargs}))
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.download(location)))
        return call_result.UpdateFirmware()

    @on(Action.signed_update_firmware)
    async def on_signed_update_firmware(self, request_id, firmware, **kwargs):
        self.received.append(("SignedUpdateFirmware", {"request_id": request_id, "firmware": firmware,
                                                        **kwargs}))
        if self.firmware_answer == "Accepted":
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(self.download(firmware["location"])))
        return call_result.SignedUpdateFirmware(status=self.firmware_answer)

    @on(Action.get_diagnostics)
    async def on_get_diagnostics(self, location, **kwargs):
        self.received.append(("GetDiagnostics", {"location": location, **kwargs}))
        return call_result.GetDiagnostics(file_name=f"diagnostics-{self.id}.log")

    @on(Action.get_log)
    async def on_get_log(self, log_type, request_id, log, **kwargs):
        self.received.append(("GetLog", {"log_type": log_type, "request_id": request_id, "log": log,
                                         **kwargs}))
        if self.log_answer != "Accepted":
            return call_result.GetLog(status=self.log_answer)
        return call_result.GetLog(status="Accepted", filename=f"{log_type}-{self.id}.log")


def _limit_at(profile: dict, second: int, unit: str) -> float | None:
    """The profile's limit `second` seconds into its schedule, in `unit` (A per phase or W, 230 V)."""
    schedule = profile["charging_schedule"]
    if schedule.get("duration") is not None and second >= schedule["duration"]:
        return None
    current = [p for p in schedule["charging_schedule_period"] if p["start_period"] <= second]
    if not current:
        return None
    period = max(current, key=lambda p: p["start_period"])
    limit, phases = Decimal(str(period["limit"])), period.get("number_phases") or 3
    if schedule["charging_rate_unit"] != unit:
        limit = limit * 230 * phases if unit == "W" else limit / (230 * phases)
    return float(limit.quantize(Decimal("0.1"), rounding=ROUND_DOWN))



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


class SecureChargePoint(SimulatedChargePoint):
    """A charge point that speaks the OCPP 1.6 Security extension: it takes a new password
    (AuthorizationKey) and security profile, makes a key and CSR for its client certificate,
    keeps the root certificates installed on it, and reports security events."""

    def __init__(self, identity: str, connection, connectors: int = 1):
        super().__init__(identity, connection, connectors=connectors)
        self.configuration |= {"AuthorizationKey": "", "SecurityProfile": "1",
                               "CpoName": "Simulator"}
        self.certificates: dict[str, list[str]] = {"CentralSystemRootCertificate": [],
                                                   "ManufacturerRootCertificate": []}
        self.client_key = None
        self.client_certificate: str | None = None
        self.certificate_signed = asyncio.Event()

    async def security_event(self, type: str, tech_info: str | None = None) -> None:
        await self.call(call.SecurityEventNotification(type=type, timestamp=utcnow(),
                                                       tech_info=tech_info))

    async def sign_certificate(self, common_name: str | None = None) -> str:
        """A new key and a CSR for it (CN: this identity unless given); returns the status."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.client_key = ec.generate_private_key(ec.SECP256R1())
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([
                   x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.configuration["CpoName"]),
                   x509.NameAttribute(NameOID.COMMON_NAME, common_name or self.id)]))
               .sign(self.client_key, hashes.SHA256()))
        self.certificate_signed.clear()
        result = await self.call(call.SignCertificate(
            csr=csr.public_bytes(serialization.Encoding.PEM).decode()))
        return result.status

    @on(Action.certificate_signed)
    async def on_certificate_signed(self, certificate_chain, **kwargs):
        self.received.append(("CertificateSigned", {"certificate_chain": certificate_chain}))
        if self.client_key is None:
            return call_result.CertificateSigned(status="Rejected")
        self.client_certificate = certificate_chain
        self.certificate_signed.set()
        return call_result.CertificateSigned(status="Accepted")

    @on(Action.install_certificate)
    async def on_install_certificate(self, certificate_type, certificate, **kwargs):
        self.received.append(("InstallCertificate", {"certificate_type": certificate_type}))
        self.certificates[certificate_type].append(certificate)
        return call_result.InstallCertificate(status="Accepted")

    @on(Action.get_installed_certificate_ids)
    async def on_get_installed_certificate_ids(self, certificate_type, **kwargs):
        from stations.security.ca import hash_data, load_certificate

        installed = [hash_data(load_certificate(pem)) for pem in self.certificates[certificate_type]]
        if not installed:
            return call_result.GetInstalledCertificateIds(status="NotFound")
        return call_result.GetInstalledCertificateIds(status="Accepted",
                                                      certificate_hash_data=installed)

    @on(Action.delete_certificate)
    async def on_delete_certificate(self, certificate_hash_data, **kwargs):
        from stations.security.ca import hash_data, load_certificate

        self.received.append(("DeleteCertificate", certificate_hash_data))
        for pems in self.certificates.values():
            for pem in pems:
                if _same_hash_data(hash_data(load_certificate(pem)), certificate_hash_data):
                    pems.remove(pem)
                    return call_result.DeleteCertificate(status="Accepted")
        return call_result.DeleteCertificate(status="NotFound")

    @on(Action.extended_trigger_message)
    async def on_extended_trigger_message(self, requested_message, connector_id=None, **kwargs):
        if requested_message != "SignChargePointCertificate":
            return await super().on_extended_trigger_message(requested_message, connector_id,
                                                             **kwargs)
        self.received.append(("ExtendedTriggerMessage", {"requested_message": requested_message,
                                                         "connector_id": connector_id}))
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.sign_certificate()))
        return call_result.ExtendedTriggerMessage(status="Accepted")


def _same_hash_data(a: dict, b: dict) -> bool:
    """certificateHashData compared whatever the key case (the ocpp package snake-cases them)."""
    def norm(data: dict) -> dict:
        return {k.replace("_", "").lower(): str(v).lower() for k, v in data.items()}
    return norm(a) == norm(b)
