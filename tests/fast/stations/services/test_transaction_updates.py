"""A 2.0.1 transaction's plain Updated events go through the group commit
(stations/services/transaction_updates.py) and leave exactly what transaction_event_apply
leaves: generated messy histories (reordered, retransmitted, the Started lost, offline events
late, charging states, the EVSE named or not) delivered both ways to two stations end the same;
retransmissions within one batch apply once; a batch of many sessions costs the same few
statements as one of a few."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import ChargingSession, MeterSample, StatusEvent, TransactionEventRecord
from stations.services.batch import Batch, batch_write
from stations.services.transaction_events import transaction_event_apply
from stations.services.transaction_updates import TransactionUpdate, plain
from tests.factories import make_station

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
_transactions = itertools.count(1)
STATES = [None, "Charging", "SuspendedEV", "EVConnected", "Idle"]


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def event(transaction_id: str, seq_no: int, event_type: str, wh: int, at: datetime, *,
          state: str | None = None, evse: bool = True) -> dict:
    payload = {"eventType": event_type, "timestamp": iso(at), "triggerReason": "MeterValuePeriodic",
               "seqNo": seq_no, "transactionInfo": {"transactionId": transaction_id},
               "meterValue": [{"timestamp": iso(at), "sampledValue": [
                   {"value": wh, "measurand": "Energy.Active.Import.Register"}]}]}
    if state is not None:
        payload["transactionInfo"]["chargingState"] = state
    if evse or event_type == "Started":
        payload["evse"] = {"id": 1, "connectorId": 1}
    if event_type == "Started":
        payload["idToken"] = {"idToken": "ANY", "type": "NoAuthorization"}
    return payload


@st.composite
def histories(draw):
    """Started, Updateds, Ended (monotone readings, states, EVSE named or not) and the order
    they arrive in, with retransmissions and the Started perhaps lost; batches of arrivals."""
    steps = draw(st.lists(st.integers(0, 5_000), min_size=3, max_size=8))
    readings = list(itertools.accumulate(steps, initial=draw(st.integers(0, 10**6))))
    transaction_id = f"TX-{next(_transactions)}"
    events = []
    for seq_no, wh in enumerate(readings):
        kind = "Started" if seq_no == 0 else "Ended" if seq_no == len(readings) - 1 else "Updated"
        events.append(event(transaction_id, seq_no, kind, wh, T0 + timedelta(minutes=seq_no),
                            state=draw(st.sampled_from(STATES)), evse=draw(st.booleans())))
    kept = list(range(len(events)))
    if draw(st.booleans()):
        kept.remove(0)
    arrivals = list(draw(st.permutations(kept)))
    for seq_no in draw(st.lists(st.sampled_from(kept), max_size=3)):
        arrivals.insert(draw(st.integers(arrivals.index(seq_no) + 1, len(arrivals))), seq_no)
    sizes = draw(st.lists(st.integers(1, 4), min_size=len(arrivals), max_size=len(arrivals)))
    return transaction_id, events, arrivals, sizes


def deliveries(events: list[dict], arrivals: list[int]) -> list[tuple[dict, datetime]]:
    """Each arrival's payload (marked offline when it comes after a newer one) and receipt time."""
    received = T0 + timedelta(hours=1)
    return [(events[seq_no] | {"offline": n > 0 and seq_no < max(arrivals[:n])},
             received + timedelta(seconds=n)) for n, seq_no in enumerate(arrivals)]


def through_the_link(station, delivered: list[tuple[dict, datetime]], sizes: list[int]) -> None:
    """As stations/ocpp/v201/transactions.py does: a plain event into the group commit (the
    arrivals of a moment in one batch), the others, and those it did not apply after it."""
    pending: list[TransactionUpdate] = []

    def flush():
        batch_write(Batch(transaction_updates=pending))
        for update in pending:
            if not update.handled:
                transaction_event_apply(station=station, payload=update.payload,
                                        received_at=update.received_at)
        pending.clear()

    for (payload, received_at), size in zip(delivered, sizes, strict=True):
        if plain(payload):
            pending.append(TransactionUpdate(station.pk, payload, received_at))
            if len(pending) >= size:
                flush()
            continue
        flush()
        transaction_event_apply(station=station, payload=payload, received_at=received_at)
    flush()


def state_of(station, transaction_id: str) -> tuple:
    session = (ChargingSession.objects.filter(station=station, station_transaction_id=transaction_id)
               .values().get())
    for name in ("id", "station_id", "transaction_id", "tenant_id"):
        session.pop(name)
    records = sorted(TransactionEventRecord.objects.filter(station=station).values_list(
        "station_transaction_id", "seq_no", "event_type", "offline", "station_timestamp"))
    samples = sorted(MeterSample.objects.filter(station_id=station.pk).values_list(
        "timestamp", "value", "connector_id", "evse_id", "session__station_transaction_id"))
    history = sorted(StatusEvent.objects.filter(station=station).values_list(
        "connector_id", "evse_id", "status", "info", "station_timestamp"))
    return session, records, samples, history


@pytest.fixture
def two_stations(tenant):
    return make_station(tenant)[0], make_station(tenant)[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_any_history_ends_the_same_through_the_group_commit(two_stations, history):
    reference, batched = two_stations
    transaction_id, events, arrivals, sizes = history
    delivered = deliveries(events, arrivals)
    for payload, received_at in delivered:
        transaction_event_apply(station=reference, payload=payload, received_at=received_at)
    through_the_link(batched, delivered, sizes)
    assert state_of(batched, transaction_id) == state_of(reference, transaction_id)


def started(station, transaction_id: str, wh: int = 1000) -> None:
    transaction_event_apply(station=station, payload=event(transaction_id, 0, "Started", wh, T0),
                            received_at=T0)


def test_a_retransmission_in_the_same_batch_is_applied_once(tenant):
    station = make_station(tenant)[0]
    started(station, "TX-A")
    payload = event("TX-A", 1, "Updated", 1500, T0 + timedelta(minutes=1), state="Charging")
    first, again = (TransactionUpdate(station.pk, payload, T0 + timedelta(minutes=1))
                    for _ in range(2))
    batch_write(Batch(transaction_updates=[first, again]))
    assert (first.handled, first.repeated, again.handled, again.repeated) == (True, False, True, True)
    assert first.running and len(first.samples) == 1 and again.samples == []
    session = ChargingSession.objects.get(station=station, station_transaction_id="TX-A")
    assert (session.meter_last, session.charging_state) == (1500, "Charging")
    assert MeterSample.objects.filter(session=session).count() == 2  # the Started's and this one
    assert StatusEvent.objects.filter(station=station, info="chargingState Charging").count() == 1


def test_an_older_event_after_a_newer_one_leaves_the_newer_charging_state(tenant):
    station = make_station(tenant)[0]
    started(station, "TX-B")
    newer = event("TX-B", 3, "Updated", 3000, T0 + timedelta(minutes=3), state="SuspendedEV")
    older = event("TX-B", 2, "Updated", 2000, T0 + timedelta(minutes=2), state="Charging")
    batch_write(Batch(transaction_updates=[TransactionUpdate(station.pk, newer, T0),
                                           TransactionUpdate(station.pk, older, T0)]))
    session = ChargingSession.objects.get(station=station, station_transaction_id="TX-B")
    assert (session.charging_state, session.meter_last) == ("SuspendedEV", 3000)


def test_an_event_of_a_transaction_we_do_not_know_is_left_to_the_full_path(tenant):
    station = make_station(tenant)[0]
    update = TransactionUpdate(station.pk, event("TX-NEW", 4, "Updated", 10, T0), T0)
    batch_write(Batch(transaction_updates=[update]))
    assert update.handled is False
    assert not TransactionEventRecord.objects.filter(station=station).exists()
    assert not MeterSample.objects.filter(station_id=station.pk).exists()


def test_what_only_the_full_path_applies_is_not_plain():
    base = event("TX", 1, "Updated", 10, T0)
    assert plain(base)
    assert not plain(base | {"idToken": {"idToken": "A", "type": "ISO14443"}})
    assert not plain(base | {"offline": True})
    assert not plain(base | {"reservationId": 3})
    assert not plain(base | {"transactionInfo": {"transactionId": "TX", "remoteStartId": 1}})
    assert not plain(base | {"eventType": "Ended"})


def batch_of(tenant, count: int) -> Batch:
    updates = []
    for n in range(count):
        station = make_station(tenant)[0]
        started(station, f"TX-{count}-{n}")
        updates.append(TransactionUpdate(station.pk, event(
            f"TX-{count}-{n}", 1, "Updated", 2000, T0 + timedelta(minutes=1), state="Charging"), T0))
    return Batch(transaction_updates=updates)


def test_a_batch_of_many_sessions_costs_the_statements_of_a_few(tenant):
    counts = []
    for size in (3, 15):
        batch = batch_of(tenant, size)
        with CaptureQueriesContext(connection) as captured:
            batch_write(batch)
        assert all(update.handled for update in batch.transaction_updates)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
