"""Messy 2.0.1 transaction histories, generated (docs/sessions.md): a transaction's events
delivered in any order, some retransmitted, the Started lost, the Ended sent twice, offline
events late. Whatever arrives, there is one session per transactionId, each event is applied
once, the energy register only goes up, and delivering everything again changes nothing."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import ChargingSession, MeterSample, TransactionEventRecord
from stations.services.transaction_events import transaction_event_apply
from tests.factories import make_station

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
_transactions = itertools.count(1)


def a_transaction() -> tuple[str, datetime]:
    """A new transaction id and its start: a day after the one before (one station for all)."""
    n = next(_transactions)
    return f"TX-{n}", T0 + timedelta(days=n)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def history(transaction_id: str, readings: list[int], t0: datetime) -> list[dict]:
    """Started, an Updated per reading but the last, Ended: seqNo 0.., one minute apart."""
    events = []
    for seq_no, wh in enumerate(readings):
        event_type = "Started" if seq_no == 0 else "Ended" if seq_no == len(readings) - 1 else "Updated"
        at = t0 + timedelta(minutes=seq_no)
        events.append({
            "eventType": event_type, "timestamp": iso(at), "triggerReason": "MeterValuePeriodic",
            "seqNo": seq_no, "transactionInfo": {"transactionId": transaction_id},
            "evse": {"id": 1, "connectorId": 1}, "meterValue": [{"timestamp": iso(at), "sampledValue": [
                {"value": wh, "measurand": "Energy.Active.Import.Register"}]}]})
    return events


@st.composite
def deliveries(draw):
    """A history's readings (monotone), and the order its events arrive in: a permutation of
    the events kept, with retransmissions; the Started may be lost; a late event is offline."""
    steps = draw(st.lists(st.integers(min_value=0, max_value=5_000), min_size=2, max_size=7))
    readings = list(itertools.accumulate(steps, initial=draw(st.integers(0, 10**6))))
    kept = list(range(len(readings)))
    if draw(st.booleans()):
        kept.remove(0)  # the Started was lost
    order = draw(st.permutations(kept))
    repeats = draw(st.lists(st.sampled_from(order), max_size=4))
    arrivals = list(order)
    for seq_no in repeats:  # a retransmission, at some later point
        arrivals.insert(draw(st.integers(arrivals.index(seq_no) + 1, len(arrivals))), seq_no)
    return readings, arrivals


@pytest.fixture
def station(tenant):
    return make_station(tenant)[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delivery=deliveries())
def test_any_delivery_makes_one_session_applied_once_with_the_register_going_up(station, delivery):
    readings, arrivals = delivery
    transaction_id, t0 = a_transaction()
    events = history(transaction_id, readings, t0)
    received = t0 + timedelta(hours=1)
    seen_max = []
    for n, seq_no in enumerate(arrivals):
        late = n > 0 and seq_no < max(arrivals[:n])
        transaction_event_apply(station=station, payload=events[seq_no] | {"offline": late},
                                received_at=received + timedelta(seconds=n))
        seen_max.append(ChargingSession.objects.get(station_transaction_id=transaction_id).meter_last)
    assert seen_max == sorted(seen_max)  # the latest reading never goes down
    session = ChargingSession.objects.get(station=station, station_transaction_id=transaction_id)
    delivered = sorted(set(arrivals))
    got = [readings[seq_no] for seq_no in delivered]
    assert TransactionEventRecord.objects.filter(session=session).count() == len(delivered)
    assert MeterSample.objects.filter(session=session).count() == len(delivered)
    assert (session.meter_start, session.meter_last) == (min(got), max(got))
    assert session.start_missing == (0 not in delivered)
    last = len(readings) - 1
    if last in delivered:
        assert session.stopped_at == t0 + timedelta(minutes=last)
        assert session.meter_stop == max(got) and session.energy_wh == max(got) - min(got)
        assert session.started_at <= session.stopped_at
    else:
        assert session.stopped_at is None
    if 0 in delivered:
        assert session.started_at == t0
    before = ChargingSession.objects.filter(pk=session.pk).values().get()
    for seq_no in arrivals:  # everything once more
        outcome = transaction_event_apply(station=station, payload=events[seq_no],
                                          received_at=received + timedelta(hours=1))
        assert outcome.repeated
    assert ChargingSession.objects.filter(pk=session.pk).values().get() == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(readings=st.lists(st.integers(0, 1000), min_size=2, max_size=4), minutes=st.integers(-30, 30))
def test_a_second_ended_never_moves_the_stop_back_nor_makes_a_second_session(station, readings, minutes):
    transaction_id, t0 = a_transaction()
    readings = list(itertools.accumulate(readings))
    events = history(transaction_id, readings, t0)
    for event in events:
        transaction_event_apply(station=station, payload=event, received_at=t0 + timedelta(hours=1))
    first_stop = ChargingSession.objects.get(station_transaction_id=transaction_id).stopped_at
    again = events[-1] | {"seqNo": len(events), "timestamp": iso(first_stop + timedelta(minutes=minutes))}
    outcome = transaction_event_apply(station=station, payload=again, received_at=t0 + timedelta(hours=1))
    session = ChargingSession.objects.get(station_transaction_id=transaction_id)
    assert outcome.stopped is False
    assert session.stopped_at == max(first_stop, first_stop + timedelta(minutes=minutes))
    assert ChargingSession.objects.filter(station=station, station_transaction_id=transaction_id).count() == 1
