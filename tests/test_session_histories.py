"""Property test of the session lifecycle (docs/sessions.md): Hypothesis generates what real
stations do to a two-connector station (starts, meter values, stops, retransmissions, lost stops,
power cuts, reconnects, status changes, stops delivered late) and the backend's services take
it as the station link would. Whatever the history, once the grace period has passed:
- no connector has more than one open session, and one only while the station charges on it;
- a card's running sessions never exceed its limit;
- every session is priced exactly once;
- energy is conserved: a session the station stopped has exactly the station's energy, one the
  backend closed has what was metered, and no energy is counted twice on a connector.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from billing.models import SessionPrice
from billing.services import session_price_final, tariff_create
from stations.models import ChargingSession, StatusEvent
from stations.services.batch import Batch, MeterValuesItem, batch_write
from stations.services.meter_values import samples_from
from stations.services.session_lifecycle import live_sessions_of_id_tag, sessions_close_orphans
from stations.services.transactions import transaction_start, transaction_stop
from tests.factories import make_id_tag, make_station, make_tenant

CARDS = ("CARD-A", "card-a", "CARD-B")  # one card in two spellings, and another
CONNECTORS = (1, 2)
GRACE = timedelta(seconds=10)  # beyond the tests' SESSION_STOP_GRACE_SECONDS

step = st.one_of(
    st.tuples(st.just("start"), st.sampled_from(CONNECTORS), st.sampled_from(CARDS)),
    st.tuples(st.just("meter"), st.sampled_from(CONNECTORS), st.integers(1, 5000)),
    st.tuples(st.just("stop"), st.sampled_from(CONNECTORS)),
    st.tuples(st.just("lose_stop"), st.sampled_from(CONNECTORS)),
    st.tuples(st.just("retransmit"),),
    st.tuples(st.just("power_cut"),),
    st.tuples(st.just("status"), st.sampled_from(CONNECTORS),
              st.sampled_from(["Available", "Preparing", "Charging", "Finishing"])),
    st.tuples(st.just("deliver_late_stops"),),
    st.tuples(st.just("wait"), st.integers(1, 20)),
)


@dataclass
class Tx:
    transaction_id: int
    connector_id: int
    meter_start: int
    register: int
    accepted: bool
    stopped_by_station: bool = False


@dataclass
class ChargePoint:
    """The station's side: its clock, its registers, what it thinks runs, the stops it queued."""

    station: object
    clock: datetime
    registers: dict = field(default_factory=lambda: dict.fromkeys(CONNECTORS, 0))
    running: dict = field(default_factory=dict)  # connector -> Tx
    lost: list = field(default_factory=list)  # Tx whose stop it will deliver late
    transactions: list = field(default_factory=list)
    last_frame: tuple | None = None
    # What the backend can know: per connector, the session it sees open (until a stop, a free
    # status or a newer start), and per session the register of the last reading it was given.
    backend_open: dict = field(default_factory=dict)
    attributed: dict = field(default_factory=dict)  # transaction id -> (meter start, register)

    def tick(self, seconds: int = 1) -> datetime:
        self.clock += timedelta(seconds=seconds)
        return self.clock

    def iso(self) -> str:
        return self.clock.isoformat().replace("+00:00", "Z")

    def start(self, connector_id: int, card: str) -> None:
        self.tick()
        if connector_id in self.running:  # a station that starts again on a busy connector
            self.running.pop(connector_id)
        payload = {"connectorId": connector_id, "idTag": card, "timestamp": self.iso(),
                   "meterStart": self.registers[connector_id]}
        self._send("start", payload)

    def _send(self, kind: str, payload: dict) -> None:
        self.last_frame = (kind, payload)
        if kind == "start":
            transaction_id, info = transaction_start(station=self.station, payload=payload,
                                                     received_at=self.clock)
            connector_id = payload["connectorId"]
            if transaction_id not in self.attributed:  # a new start, not a retransmission
                self.backend_open[connector_id] = transaction_id
                self.attributed[transaction_id] = (payload["meterStart"], payload["meterStart"])
            if info["status"] == "Accepted" and not any(
                    t.transaction_id == transaction_id for t in self.transactions):
                tx = Tx(transaction_id, connector_id, payload["meterStart"], payload["meterStart"], True)
                self.transactions.append(tx)
                self.running[connector_id] = tx
        else:
            transaction_stop(station=self.station, payload=payload, received_at=self.clock)
            for connector_id, open_tx in list(self.backend_open.items()):
                if open_tx == payload["transactionId"]:
                    del self.backend_open[connector_id]

    def meter(self, connector_id: int, wh: int) -> None:
        self.tick()
        self.registers[connector_id] += wh
        tx = self.running.get(connector_id)
        if tx is not None:
            tx.register = self.registers[connector_id]
        open_tx = tx.transaction_id if tx is not None else self.backend_open.get(connector_id)
        if open_tx is not None:  # values without a transaction id go to the open one
            self.attributed[open_tx] = (self.attributed[open_tx][0], self.registers[connector_id])
        sampled = [{"value": str(self.registers[connector_id]),
                    "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]
        samples = samples_from([{"timestamp": self.iso(), "sampledValue": sampled}],
                               station_id=self.station.pk, connector_id=connector_id,
                               received_at=self.clock)
        batch_write(Batch(meter_values=[MeterValuesItem(
            self.station.pk, connector_id, tx.transaction_id if tx else None, samples)]))

    def stop(self, connector_id: int) -> None:
        tx = self.running.pop(connector_id, None)
        if tx is not None:
            self.tick()
            self._stop(tx)

    def _stop(self, tx: Tx) -> None:
        tx.stopped_by_station = True
        self._send("stop", {"transactionId": tx.transaction_id, "meterStop": tx.register,
                            "timestamp": self.iso(), "reason": "Local"})

    def lose_stop(self, connector_id: int) -> None:
        tx = self.running.pop(connector_id, None)
        if tx is not None:
            self.lost.append(tx)

    def retransmit(self) -> None:
        if self.last_frame is not None:
            self._send(*self.last_frame)

    def power_cut(self) -> None:
        self.lost.extend(self.running.values())  # 1.6 stations queue the stops they owe
        self.running.clear()
        self.tick(30)
        for connector_id in CONNECTORS:
            self.status(connector_id, "Available")

    def status(self, connector_id: int, status: str) -> None:
        self.tick()
        if status in ("Available", "Preparing"):
            if connector_id in self.running:
                self.lose_stop(connector_id)  # the car left and the station forgot to stop it
            self.backend_open.pop(connector_id, None)
        batch_write(Batch(statuses=[StatusEvent(
            station_id=self.station.pk, connector_id=connector_id, status=status, error_code="NoError",
            station_timestamp=self.clock, received_at=self.clock)]))

    def deliver_late_stops(self) -> None:
        self.tick()
        for tx in self.lost:
            self._stop(tx)
        self.lost.clear()


def run(cp: ChargePoint, history: list[tuple]) -> None:
    for kind, *args in history:
        if kind == "wait":
            cp.tick(args[0])
            sessions_close_orphans(now=cp.clock)
        else:
            getattr(cp, kind)(*args)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=st.lists(step, min_size=1, max_size=25), late_stops_come=st.booleans())
@example(history=[("start", 1, "CARD-A"), ("meter", 1, 100), ("power_cut",), ("meter", 1, 50)],
         late_stops_come=False)  # an idle connector's values must not add to the lost session
@example(history=[("start", 1, "CARD-A"), ("start", 2, "card-a"), ("status", 2, "Available"),
                  ("stop", 1), ("start", 1, "CARD-A")], late_stops_come=True)  # ConcurrentTx dropped
def test_any_station_history_leaves_no_orphan_and_prices_every_session_once(history, late_stops_come):
    tenant = make_tenant("History")
    tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19",
                  elements=[{"price_components": [{"type": "ENERGY", "price": "0.30"}]}],
                  is_default=True)
    station, _ = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    make_id_tag(tenant, "CARD-B")
    cp = ChargePoint(station=station, clock=timezone.now())
    run(cp, history)
    for connector_id in CONNECTORS:  # every car leaves; the station says so
        if connector_id not in cp.running:
            cp.status(connector_id, "Available")
    if late_stops_come:
        cp.deliver_late_stops()
    sessions_close_orphans(now=cp.tick() + GRACE)

    sessions = list(ChargingSession.objects.filter(station=station).order_by("pk"))
    for connector_id in CONNECTORS:
        open_here = [s for s in sessions if s.connector_id == connector_id and s.stopped_at is None]
        still_charging = connector_id in cp.running
        assert len(open_here) == (1 if still_charging else 0), (open_here, history)
    for card in ("CARD-A", "CARD-B"):
        assert live_sessions_of_id_tag(tenant_id=tenant.pk, id_tag=card) <= 1
    for session in sessions:
        if session.stopped_at is not None:
            session_price_final(session_id=session.pk)
            session_price_final(session_id=session.pk)  # a redelivered task
            assert SessionPrice.objects.filter(session=session).count() == 1
    _energy_conserved(cp, sessions)


def _energy_conserved(cp: ChargePoint, sessions: list[ChargingSession]) -> None:
    by_tx = {s.transaction_id: s for s in sessions}
    assert len(by_tx) == len(sessions)  # a retransmission never made a second session
    for tx in cp.transactions:
        session = by_tx[tx.transaction_id]
        if tx.stopped_by_station:
            assert session.energy_wh == tx.register - tx.meter_start
    for transaction_id, (meter_start, register) in cp.attributed.items():
        session = by_tx[transaction_id]
        stopped_by_station = any(t.stopped_by_station for t in cp.transactions
                                 if t.transaction_id == transaction_id)
        if session.stopped_at is not None and not stopped_by_station:
            assert session.energy_wh == register - meter_start  # closed at its last reading
    for connector_id in CONNECTORS:
        spans = sorted((s.meter_start, s.meter_stop) for s in sessions
                       if s.connector_id == connector_id and s.meter_stop is not None
                       and s.id_tag_status == "Accepted")
        for (_, end), (begin, _) in zip(spans, spans[1:], strict=False):
            assert end <= begin  # no energy counted twice
