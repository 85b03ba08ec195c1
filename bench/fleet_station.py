"""One simulated station of the fleet: raw OCPP-J frames over `websockets`, light enough that
ten thousand fit in one process beside the server."""

import asyncio
import base64
import json
import random
import time
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime

import websockets

TAG = "FLEET-TAG"


def now_iso() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Options:
    url: str                  # ws://host:port/ocpp/<tenant>
    password: str
    connectors: int = 2
    heartbeat: float | None = None     # None: the interval the server gives at boot
    charging_share: float = 0.1        # share of stations that run sessions
    meter_interval: float = 60.0       # seconds between MeterValues in a session
    session_length: float = 600.0      # seconds a session lasts on average (0.5-1.5 times it)
    call_timeout: float = 30.0
    reconnect: bool = False            # reconnect (after a random 0..reconnect_jitter s) on a drop
    reconnect_jitter: float = 10.0
    closed_loop: bool = False          # the next CALL as soon as the last is answered, no sleeps


@dataclass
class Stats:
    attempted: int = 0
    established: int = 0
    held: int = 0
    dropped: int = 0
    sent: int = 0
    answered: int = 0
    errors: dict = field(default_factory=dict)
    steady_from: float = float("inf")              # monotonic time the steady window opens
    steady_until: float = float("inf")             # and closes (the wind-down begins)
    booted: int = 0                                # stations whose first boot was answered
    last_booted: float = 0.0                       # monotonic time of the last of those
    sessions: int = 0
    session_energy_wh: int = 0
    meter_values: int = 0
    online: set = field(default_factory=set)       # identities with a link up now
    drops: list = field(default_factory=list)      # monotonic times of dropped links
    reboots: list = field(default_factory=list)    # monotonic times of boots after a drop
    # Every answer: its monotonic time, its action (an index into `actions`) and its latency in
    # seconds, in flat arrays: an object per answer would be one more for the garbage collector
    # to track, and the report cuts its windows (ramp, steady, wind-down) from these afterwards.
    actions: list = field(default_factory=list)
    at: array = field(default_factory=lambda: array("d"))
    action: array = field(default_factory=lambda: array("H"))
    seconds: array = field(default_factory=lambda: array("d"))

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def latency(self, action: str, seconds: float) -> None:
        try:
            index = self.actions.index(action)
        except ValueError:
            index = len(self.actions)
            self.actions.append(action)
        self.at.append(time.monotonic())
        self.action.append(index)
        self.seconds.append(seconds)

    def first_boot(self) -> None:
        self.booted += 1
        self.last_booted = time.monotonic()


class FleetStation:
    """An OCPP 1.6-J station of the fleet (fleet_station_201.py: its 2.0.1 sibling)."""

    SUBPROTOCOL = "ocpp1.6"
    FIRST_STATUS = 0  # the first place a boot reports Available on (1.6: connector 0, the station)

    def __init__(self, identity: str, options: Options, stats: Stats,
                 source: str | None = None):
        self.identity = identity
        self.source = source  # the local address to connect from (None: the system's choice)
        self.options = options
        self.stats = stats
        self.connection = None
        self.pending: dict[str, tuple[str, float, asyncio.Future]] = {}
        self.seq = 0
        self.meter_wh = random.randint(0, 10_000_000)
        self.heartbeat_interval = 300.0
        # OCPP-J: a station sends no CALL while one of its own is unanswered; its Heartbeat
        # due during a StartTransaction waits for that answer, then goes (and is timed from
        # then: what the server took to answer it, not the station's own queue).
        self.one_call_at_a_time = asyncio.Lock()

    async def run(self, until: float) -> None:
        """Connect and live until `until`; with `reconnect`, come back after every drop."""
        dropped_before = False
        while time.monotonic() < until:
            if not await self._connect():
                if not self.options.reconnect:
                    return
                await asyncio.sleep(random.uniform(1, self.options.reconnect_jitter))
                continue
            dropped = await self._hold(until, rebooting=dropped_before)
            if not dropped or not self.options.reconnect:
                return
            dropped_before = True
            await asyncio.sleep(random.uniform(0, self.options.reconnect_jitter))

    async def _connect(self) -> bool:
        self.stats.attempted += 1
        token = base64.b64encode(f"{self.identity}:{self.options.password}".encode()).decode()
        # `local_addr` goes on to loop.create_connection: ~28,000 ephemeral ports per address
        extra = {"local_addr": (self.source, 0)} if self.source else {}
        try:
            self.connection = await websockets.connect(
                f"{self.options.url}/{self.identity}", subprotocols=[self.SUBPROTOCOL],
                additional_headers={"Authorization": f"Basic {token}"}, compression=None,
                open_timeout=60, ping_interval=None, max_queue=16, **extra)
        except Exception as exc:
            self.stats.error(f"connect:{type(exc).__name__}")
            return False
        self.stats.established += 1
        return True

    async def _hold(self, until: float, rebooting: bool) -> bool:
        """Live on the open connection; True if the server dropped it."""
        stats = self.stats
        stats.held += 1
        stats.online.add(self.identity)
        reader = asyncio.create_task(self._read())
        live = asyncio.create_task(self._live(until, rebooting))
        try:
            await asyncio.wait({reader, live}, return_when=asyncio.FIRST_COMPLETED)
            if not live.done():  # the server closed the link under us
                live.cancel()
                stats.dropped += 1
                stats.drops.append(time.monotonic())
                return True
            error = live.exception()
            if isinstance(error, websockets.ConnectionClosed | ConnectionError):
                stats.dropped += 1
                stats.drops.append(time.monotonic())
                return True
            if isinstance(error, TimeoutError):
                stats.error("timeout")
            # a RuntimeError is a CALLERROR, counted where it was read
            return False
        finally:
            stats.held -= 1
            stats.online.discard(self.identity)
            reader.cancel()
            live.cancel()
            await self.connection.close()

    async def boot(self) -> dict:
        return await self.call("BootNotification", {"chargePointVendor": "Fleet",
                                                    "chargePointModel": "SIM"})

    async def _live(self, until: float, rebooting: bool) -> None:
        boot = await self.boot()
        if rebooting:
            self.stats.reboots.append(time.monotonic())
        else:
            self.stats.first_boot()
        self.heartbeat_interval = self.options.heartbeat or float(boot.get("interval", 300))
        for place in range(self.FIRST_STATUS, self.options.connectors + 1):
            await self.status(place, "Available")
        charging = random.random() < self.options.charging_share
        if self.options.closed_loop:
            # one session for the whole run (no sleeps: Options.meter_interval is 0), or
            # Heartbeats back to back
            await (self._session(until) if charging else self._heartbeats_back_to_back(until))
            return
        tasks = [asyncio.create_task(self._heartbeats(until))]
        if charging:
            tasks.append(asyncio.create_task(self._sessions(until)))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()

    async def _heartbeats(self, until: float) -> None:
        delay = random.uniform(0, self.heartbeat_interval)  # spread the fleet's heartbeats
        while time.monotonic() + delay < until:
            await asyncio.sleep(delay)
            await self.call("Heartbeat", {})
            delay = self.heartbeat_interval
        await asyncio.sleep(max(0.0, until - time.monotonic()))

    async def _heartbeats_back_to_back(self, until: float) -> None:
        while time.monotonic() < until - 1:
            await self.call("Heartbeat", {})

    async def _sessions(self, until: float) -> None:
        await asyncio.sleep(random.uniform(0, self.options.meter_interval))
        # a session ends by `until - 1`: begin one only if a meter interval fits before (else
        # the last second of the run was a burst of empty sessions, one after the other)
        while time.monotonic() + self.options.meter_interval < until - 1:
            await self._session(until)

    async def _session(self, until: float) -> None:
        await self.call("Authorize", {"idTag": TAG})
        await self.status(1, "Preparing")
        start_wh = self.meter_wh
        started = await self.call("StartTransaction", {"connectorId": 1, "idTag": TAG,
                                                       "meterStart": start_wh,
                                                       "timestamp": now_iso()})
        transaction_id = started["transactionId"]
        await self.status(1, "Charging")
        # Lengths vary around the mean: with one fixed length, the fleet's sessions, begun in
        # the ramp-up, stayed in step and their starts and stops came as waves every cycle.
        length = self.options.session_length * random.uniform(0.5, 1.5)
        ends = min(until - 1, time.monotonic() + length)
        while time.monotonic() + self.options.meter_interval < ends:
            await asyncio.sleep(self.options.meter_interval)
            self.meter_wh += random.randint(100, 3000)
            await self.call("MeterValues", {"connectorId": 1, "transactionId": transaction_id,
                                            "meterValue": [self._sample()]})
            self.stats.meter_values += 1
        await self.call("StopTransaction", {"transactionId": transaction_id,
                                            "meterStop": self.meter_wh, "timestamp": now_iso(),
                                            "reason": "EVDisconnected"})
        self.stats.sessions += 1
        self.stats.session_energy_wh += self.meter_wh - start_wh
        await self.status(1, "Available")

    def _sample(self) -> dict:
        values = [{"value": str(self.meter_wh), "measurand": "Energy.Active.Import.Register",
                   "unit": "Wh"},
                  {"value": "11040", "measurand": "Power.Active.Import", "unit": "W"}]
        for phase in ("L1", "L2", "L3"):
            values.append({"value": f"{random.uniform(15.5, 16.2):.2f}",
                           "measurand": "Current.Import", "unit": "A", "phase": phase})
            values.append({"value": f"{random.uniform(228, 233):.1f}", "measurand": "Voltage",
                           "unit": "V", "phase": f"{phase}-N"})
        return {"timestamp": now_iso(), "sampledValue": values}

    def answer(self, action: str) -> dict:
        """The answer to a command from the backend: Accepted."""
        return {"status": "Accepted"}

    async def status(self, connector: int, status: str) -> None:
        await self.call("StatusNotification", {"connectorId": connector, "errorCode": "NoError",
                                               "status": status, "timestamp": now_iso()})

    async def call(self, action: str, payload: dict) -> dict:
        async with self.one_call_at_a_time:
            return await self._call(action, payload)

    async def _call(self, action: str, payload: dict) -> dict:
        self.seq += 1
        unique_id = f"{self.seq}"
        future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        self.pending[unique_id] = (action, started, future)
        await self.connection.send(json.dumps([2, unique_id, action, payload]))
        self.stats.sent += 1
        try:
            return await asyncio.wait_for(future, self.options.call_timeout)
        finally:
            self.pending.pop(unique_id, None)

    async def _read(self) -> None:
        try:
            await self._read_frames()
        except websockets.ConnectionClosed:
            pass

    async def _read_frames(self) -> None:
        async for text in self.connection:
            frame = json.loads(text)
            if frame[0] == 2:  # a command from the backend: accept everything
                await self.connection.send(json.dumps([3, frame[1], self.answer(frame[2])]))
                continue
            entry = self.pending.get(frame[1])
            if entry is None:
                self.stats.error("unexpected-answer")
                continue
            action, started, future = entry
            self.stats.answered += 1
            self.stats.latency(action, time.perf_counter() - started)
            if frame[0] == 4:
                self.stats.error(f"CALLERROR:{action}:{frame[2]}")
                future.set_exception(RuntimeError(f"{action}: {frame[2]} {frame[3]}"))
            elif not future.done():
                future.set_result(frame[2])
