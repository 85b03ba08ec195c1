"""The session lifecycle's property test over the real station link (docs/sessions.md): Hypothesis
generates messy histories, and a raw OCPP-J charge point plays each over a real WebSocket
against the server: frames retransmitted with their message id, power cuts that drop the socket
and the stops the station owed, reconnects with a boot, starts on a busy connector, stops
delivered late. Fewer examples than the in-process test (tests/test_session_histories.py),
the same promises once the grace period has passed."""

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import SessionPrice
from billing.services import session_price_final, tariff_create
from stations.models import ChargingSession, StatusEvent
from stations.services.session_lifecycle import live_sessions_of_id_tag, sessions_close_orphans
from stations.simulator.core import connect
from tests.factories import eventually, make_id_tag, make_station, make_tenant

CONNECTORS = (1, 2)
step = st.one_of(
    st.tuples(st.just("start"), st.sampled_from(CONNECTORS), st.sampled_from(["LIVE-A", "live-a", "LIVE-B"])),
    st.tuples(st.just("meter"), st.sampled_from(CONNECTORS), st.integers(1, 3000)),
    st.tuples(st.just("stop"), st.sampled_from(CONNECTORS)),
    st.tuples(st.just("lose_stop"), st.sampled_from(CONNECTORS)),
    st.tuples(st.just("retransmit"),),
    st.tuples(st.just("power_cut"),),
    st.tuples(st.just("status"), st.sampled_from(CONNECTORS), st.sampled_from(["Available", "Charging"])),
    st.tuples(st.just("deliver_late_stops"),),
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RawChargePoint:
    """OCPP-J frames by hand: what it sends, and what it believes about its transactions."""

    def __init__(self, server, tenant, station, password):
        self.url, self.station, self.password = f"{server.ws}/ocpp/{tenant.slug}", station, password
        self.ids = itertools.count(1)
        self.socket = None
        self.registers = dict.fromkeys(CONNECTORS, 0)
        self.running: dict[int, dict] = {}  # connector -> {"tx", "start", "register"}
        self.owed: list[dict] = []  # stops it will deliver late
        self.stopped: dict[int, int] = {}  # tx -> energy the station reported
        # What the backend can know: per connector, the session it sees open (until a stop, a
        # free status or a newer start), and per session the energy of the last reading it got.
        self.backend_open: dict[int, dict] = {}
        self.metered: dict[int, int] = {}
        self.last: list | None = None
        self.statuses_sent = 0

    async def open(self) -> None:
        self.socket = await connect(self.url, self.station.identity, self.password)
        await self.call("BootNotification", {"chargePointVendor": "Hyp", "chargePointModel": "H-1"})

    async def close(self) -> None:
        await self.socket.close()

    async def call(self, action: str, payload: dict, frame: list | None = None) -> dict:
        frame = frame or [2, str(next(self.ids)), action, payload]
        self.last = frame
        await self.socket.send(json.dumps(frame))
        while True:  # the server may send a CALL of its own (a load profile): not here
            answer = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            if answer[0] == 2:
                await self.socket.send(json.dumps([3, answer[1], {"status": "Rejected"}]))
            elif answer[1] == frame[1]:
                assert answer[0] == 3, answer
                return answer[2]

    async def start(self, connector_id: int, card: str) -> None:
        self.running.pop(connector_id, None)  # starts again on a busy connector
        answer = await self.call("StartTransaction", {
            "connectorId": connector_id, "idTag": card, "meterStart": self.registers[connector_id],
            "timestamp": now_iso()})
        started = {"tx": answer["transactionId"], "start": self.registers[connector_id]}
        if started["tx"] not in self.metered:  # not a retransmitted start
            self.backend_open[connector_id] = started
            self.metered[started["tx"]] = 0
        if answer["idTagInfo"]["status"] == "Accepted":
            self.running[connector_id] = started

    async def meter(self, connector_id: int, wh: int) -> None:
        self.registers[connector_id] += wh
        running = self.running.get(connector_id)
        payload = {"connectorId": connector_id, "meterValue": [{"timestamp": now_iso(), "sampledValue": [
            {"value": str(self.registers[connector_id]), "measurand": "Energy.Active.Import.Register"}]}]}
        if running:
            payload["transactionId"] = running["tx"]
        attributed = running or self.backend_open.get(connector_id)  # idle values: the open one
        if attributed:
            self.metered[attributed["tx"]] = self.registers[connector_id] - attributed["start"]
        await self.call("MeterValues", payload)

    async def stop(self, connector_id: int) -> None:
        running = self.running.pop(connector_id, None)
        if running:
            await self._stop(running, connector_id)

    async def _stop(self, running: dict, connector_id: int) -> None:
        meter_stop = self.registers[connector_id] if "stop" not in running else running["stop"]
        self.stopped[running["tx"]] = meter_stop - running["start"]
        if self.backend_open.get(connector_id, {}).get("tx") == running["tx"]:
            del self.backend_open[connector_id]
        await self.call("StopTransaction", {"transactionId": running["tx"], "meterStop": meter_stop,
                                            "timestamp": now_iso(), "reason": "PowerLoss"})

    async def lose_stop(self, connector_id: int) -> None:
        running = self.running.pop(connector_id, None)
        if running:
            self.owed.append(running | {"connector": connector_id, "stop": self.registers[connector_id]})

    async def retransmit(self) -> None:
        if self.last is not None and self.last[2] != "BootNotification":
            await self.call(self.last[2], self.last[3], frame=self.last)

    async def power_cut(self) -> None:
        for connector_id in list(self.running):
            await self.lose_stop(connector_id)
        await self.close()
        await self.open()
        for connector_id in CONNECTORS:
            await self.status(connector_id, "Available")

    async def status(self, connector_id: int, status: str) -> None:
        if status == "Available":
            await self.lose_stop(connector_id)
            self.backend_open.pop(connector_id, None)
        self.statuses_sent += 1
        await self.call("StatusNotification", {"connectorId": connector_id, "status": status,
                                               "errorCode": "NoError", "timestamp": now_iso()})

    async def deliver_late_stops(self) -> None:
        for running in self.owed:
            await self._stop(running, running["connector"])
        self.owed.clear()


async def play(server, tenant, station, password, history, late_stops_come) -> RawChargePoint:
    cp = RawChargePoint(server, tenant, station, password)
    await cp.open()
    try:
        for kind, *args in history:
            await getattr(cp, kind)(*args)
        for connector_id in CONNECTORS:
            if connector_id not in cp.running:
                await cp.status(connector_id, "Available")
        if late_stops_come:
            await cp.deliver_late_stops()
    finally:
        await cp.close()
    return cp


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=st.lists(step, min_size=1, max_size=15), late_stops_come=st.booleans())
def test_any_history_over_the_real_link_leaves_no_orphan_and_prices_once(server, history, late_stops_come):
    tenant = make_tenant("Live history")
    tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19",
                  elements=[{"price_components": [{"type": "ENERGY", "price": "0.30"}]}], is_default=True)
    station, password = make_station(tenant)
    make_id_tag(tenant, "LIVE-A")
    make_id_tag(tenant, "LIVE-B")
    cp = asyncio.run(play(server, tenant, station, password, history, late_stops_come))
    stored = StatusEvent.objects.filter(station=station)
    asyncio.run(eventually(lambda: stored.count() >= cp.statuses_sent))  # group commit
    sessions_close_orphans(now=timezone.now() + timedelta(seconds=10))

    sessions = {s.transaction_id: s for s in ChargingSession.objects.filter(station=station)}
    for connector_id in CONNECTORS:
        open_here = [s for s in sessions.values() if s.connector_id == connector_id and s.stopped_at is None]
        assert len(open_here) == (1 if connector_id in cp.running else 0), open_here
    for card in ("LIVE-A", "LIVE-B"):
        assert live_sessions_of_id_tag(tenant_id=tenant.pk, id_tag=card) <= 1
    for session in sessions.values():
        if session.stopped_at is not None:
            session_price_final(session_id=session.pk)
            assert SessionPrice.objects.filter(session=session).count() == 1
    for tx, energy in cp.stopped.items():
        assert sessions[tx].energy_wh == energy  # the station's own stop wins, once
    for tx, energy in cp.metered.items():
        if tx not in cp.stopped and sessions[tx].stopped_at is not None:
            assert sessions[tx].energy_wh == energy  # closed at the last reading it was given
