"""OCA OCPP 2.0.1 conformance scenarios of block J, Meter values: clock-aligned and sampled
values outside and inside transactions, in Started, Updated and Ended events, signed. The
charging station plays its part over the real WebSocket; each case checks what the central
system stored: the readings of the session (or of none), its energy as the API shows it
(docs/sessions.md, meter values; docs/conformance.md)."""

import uuid
from datetime import UTC, datetime

from ocpp.v201 import call

from stations.models import MeterSample
from tests.factories import eventually

REGISTER = "Energy.Active.Import.Register"
SIGNED = {"signedMeterData": "T0NNRnxzaWduZWQ=", "signingMethod": "ECDSA-secp256r1-SHA256",
          "encodingMethod": "OCMF", "publicKey": "cHVibGljLWtleQ=="}


def reading(wh: float, context: str, *, signed: bool = False, unit: str = "Wh",
            multiplier: int = 0) -> list[dict]:
    sampled = {"value": wh, "context": context, "measurand": REGISTER,
               "unitOfMeasure": {"unit": unit, "multiplier": multiplier}}
    if signed:
        sampled["signedMeterValue"] = SIGNED
    return [{"timestamp": now_iso(), "sampledValue": [sampled]}]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def samples_of(octt201, transaction_id: str | None = None, **filters):
    found = MeterSample.objects.filter(station=octt201.station, received_at__gte=octt201.began,
                                       measurand=REGISTER, **filters)
    if transaction_id is not None:
        found = found.filter(session__station_transaction_id=transaction_id)
    return found


async def _begin(cp, meter: list[dict], *, evse: bool = True, token: str | None = None) -> str:
    """Started with `meter` (and the EVSE unless `evse` is False: not known yet)."""
    state = cp.evses[1]
    state.transaction_id, state.seq_no = str(uuid.uuid4()), 0
    if evse:
        await cp.transaction_event(1, "Started", "Authorized", meter_value=meter, charging_state="Charging",
                                   id_token={"idToken": token, "type": "ISO14443"} if token else None)
    else:  # as the simulator words it, but without `evse`
        await cp.call(_started_without_evse(state.transaction_id, meter, token))
        state.seq_no = 1
    return state.transaction_id


def _started_without_evse(transaction_id: str, meter: list[dict], token: str | None):
    return call.TransactionEvent(
        event_type="Started", timestamp=meter[0]["timestamp"], trigger_reason="Authorized", seq_no=0,
        transaction_info={"transactionId": transaction_id}, meter_value=meter,
        id_token={"idToken": token, "type": "ISO14443"} if token else None)


async def _energy(octt201, api, transaction_id: str) -> int | None:
    rows = [s for s in await octt201.sessions(api) if s["station_transaction_id"] == transaction_id]
    return rows[0]["energy_wh"] if rows else None


# Clock-aligned ------------------------------------------------------------------------------------
async def test_tc_j_01_clock_aligned_meter_values_no_transaction_ongoing(server, octt201):
    """Clock-aligned Meter Values – No transaction ongoing

    MeterValues of the station's main meter (EVSE 0) and of an EVSE: stored, with no session."""
    async with octt201.charge_point(server) as cp:
        await cp.call(call.MeterValues(evse_id=0, meter_value=reading(40.5, "Sample.Clock", unit="kWh")))
        await cp.call(call.MeterValues(evse_id=1, meter_value=reading(12_000, "Sample.Clock")))
    stored = await eventually(lambda: list(samples_of(octt201, context="Sample.Clock")))
    assert sorted((s.evse_id, s.value) for s in stored) == [(0, 40_500), (1, 12_000)]
    assert {s.session_id for s in stored} == {None} and octt201.no_session()


async def test_tc_j_02_clock_aligned_meter_values_transaction_ongoing(server, octt201):
    """Clock-aligned Meter Values – Transaction ongoing

    Clock-aligned readings in an Updated (MeterValueClock) belong to the session."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(1_000, "Transaction.Begin"), token=octt201.valid)
        await cp.transaction_event(1, "Updated", "MeterValueClock",
                                   meter_value=reading(3_000, "Sample.Clock"))
        energy = await _energy(octt201, api, tx)
        await cp.stop_transaction(1)
    assert samples_of(octt201, tx, context="Sample.Clock").get().value == 3_000
    assert energy == 2_000


async def test_tc_j_03_clock_aligned_meter_values_eventtype_ended(server, octt201):
    """Clock-aligned Meter Values – EventType Ended

    The Ended carries the clock-aligned readings of the transaction's last interval."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(0, "Transaction.Begin"), token=octt201.valid)
        await cp.transaction_event(1, "Ended", "StopAuthorized", stopped_reason="Local",
                                   meter_value=reading(4_200, "Sample.Clock")
                                   + reading(4_321, "Transaction.End"))
        cp.evses[1].transaction_id = None
        energy = await _energy(octt201, api, tx)
    assert samples_of(octt201, tx, context="Sample.Clock").get().value == 4_200
    assert energy == 4_321


async def test_tc_j_04_clock_aligned_meter_values_signed(server, octt201):
    """Clock-aligned Meter Values – Signed: the signed data is kept verbatim with the reading."""
    async with octt201.charge_point(server) as cp:
        tx = await _begin(cp, reading(0, "Transaction.Begin"), token=octt201.valid)
        await cp.transaction_event(1, "Updated", "MeterValueClock",
                                   meter_value=reading(2_000, "Sample.Clock", signed=True))
        await cp.stop_transaction(1)
    sample = samples_of(octt201, tx, context="Sample.Clock").get()
    assert SIGNED["signedMeterData"] in sample.raw and sample.value == 2_000


# Sampled ------------------------------------------------------------------------------------------
async def test_tc_j_07_sampled_meter_values_eventtype_started_evse_known(server, octt201):
    """Sampled Meter Values – EventType Started – EVSE known: the begin reading is the start."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(5_000, "Transaction.Begin"), token=octt201.valid)
        rows = [s for s in await octt201.sessions(api) if s["station_transaction_id"] == tx]
        await cp.stop_transaction(1)
    assert (rows[0]["meter_start"], rows[0]["evse_id"]) == (5_000, 1)


async def test_tc_j_08_sampled_meter_values_context_transaction_begin_evse_not_known(server, octt201):
    """Sampled Meter Values – Context Transaction.Begin – EVSE not known

    The card starts the transaction before the station knows the EVSE: the begin reading is kept,
    and the EVSE named by a later event becomes the session's."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(700, "Transaction.Begin"), evse=False, token=octt201.valid)
        await cp.call(call.TransactionEvent(
            event_type="Updated", timestamp=now_iso(), trigger_reason="CablePluggedIn",
            seq_no=1, transaction_info={"transactionId": tx, "chargingState": "Charging"},
            evse={"id": 1, "connectorId": 1}))
        cp.evses[1].seq_no = 2
        rows = [s for s in await octt201.sessions(api) if s["station_transaction_id"] == tx]
        await cp.stop_transaction(1)
    assert (rows[0]["meter_start"], rows[0]["evse_id"], rows[0]["connector_id"]) == (700, 1, 1)


async def test_tc_j_09_sampled_meter_values_eventtype_updated(server, octt201):
    """Sampled Meter Values – EventType Updated: periodic readings raise the session's energy."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await cp.meter_values(1, 1_500)
        await cp.meter_values(1, 1_500)
        energy = await _energy(octt201, api, tx)
        await cp.stop_transaction(1)
    assert energy == 3_000
    assert samples_of(octt201, tx, context="Sample.Periodic").count() == 2


async def test_tc_j_10_sampled_meter_values_eventtype_ended(server, octt201):
    """Sampled Meter Values – EventType Ended: the end reading is the stop."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(100, "Transaction.Begin"), token=octt201.valid)
        await cp.transaction_event(1, "Ended", "EVDeparted", stopped_reason="EVDisconnected",
                                   meter_value=reading(6.1, "Transaction.End", unit="kWh"))
        cp.evses[1].transaction_id = None
        rows = [s for s in await octt201.sessions(api) if s["station_transaction_id"] == tx]
    assert (rows[0]["meter_stop"], rows[0]["energy_wh"]) == (6_100, 6_000)


async def test_tc_j_11_sampled_meter_values_signed(server, octt201):
    """Sampled Meter Values – Signed: begin and end readings with their signed data."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _begin(cp, reading(0, "Transaction.Begin", signed=True), token=octt201.valid)
        await cp.transaction_event(1, "Ended", "StopAuthorized", stopped_reason="Local",
                                   meter_value=reading(2.5, "Transaction.End", signed=True, multiplier=3))
        cp.evses[1].transaction_id = None
        energy = await _energy(octt201, api, tx)
    stored = samples_of(octt201, tx)
    assert all(SIGNED["publicKey"] in s.raw for s in stored) and stored.count() == 2
    assert energy == 2_500
