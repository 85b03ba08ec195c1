"""OCA OCPP 2.0.1 conformance scenarios of block E, Transactions: the start and stop points a
station may be configured with (TransactionEvent Started/Updated/Ended with their trigger
reasons), suspended transactions, the transaction status asked by the central system and seqNo
starting at 0 for each transaction. The charging station plays its part over the real WebSocket;
each case checks what our API shows afterwards (docs/sessions.md, docs/conformance.md)."""

import uuid

from ocpp.routing import on
from ocpp.v201.enums import Action

from stations.services.session_lifecycle import running_sessions
from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.core import id_token_of
from tests.conformance.v201.steps import command
from tests.factories import eventually


async def started(cp, trigger: str, *, token: str | None = None, state: str | None = None,
                  evse_id: int = 1, meter: list | None = None):
    """A transaction begins on the EVSE at the station's start point (seqNo 0)."""
    evse = cp.evses[evse_id]
    evse.transaction_id, evse.seq_no = str(uuid.uuid4()), 0
    evse.id_token = id_token_of(token) if token is not None else None
    answer = await cp.transaction_event(evse_id, "Started", trigger, charging_state=state,
                                        id_token=evse.id_token,
                                        meter_value=meter or [cp.meter_value(evse_id, "Transaction.Begin")])
    return evse.transaction_id, answer


async def session_shown(octt201, api, transaction_id: str, **expected) -> dict:
    """The session as the API shows it, once it shows `expected`."""
    async def shown():
        rows = [s for s in await octt201.sessions(api) if s["station_transaction_id"] == transaction_id]
        return rows[0] if rows and all(rows[0][k] == v for k, v in expected.items()) else None

    return await eventually(shown)


def running(octt201, transaction_id: str) -> bool:
    return running_sessions().filter(station=octt201.station,
                                     station_transaction_id=transaction_id).exists()


# Start points -------------------------------------------------------------------------------------
async def test_tc_e_01_start_transaction_options_powerpathclosed(server, octt201):
    """Start transaction options – PowerPathClosed

    Authorized and plugged in, the station starts the transaction when the power path closes
    (ChargingStateChanged, Charging): one running session for the card."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        assert await cp.authorize(octt201.valid) == "Accepted"
        await cp.status(1, "Occupied")
        tx, answer = await started(cp, "ChargingStateChanged", token=octt201.valid, state="Charging")
        row = await session_shown(octt201, api, tx, id_tag=octt201.valid, id_tag_status="Accepted")
        assert running(octt201, tx)
        await cp.stop_transaction(1)
    assert answer.id_token_info["status"] == "Accepted"
    assert (row["evse_id"], row["connector_id"], row["transaction_id"]) == (1, 1, None)


async def test_tc_e_02_start_transaction_options_energytransfer(server, octt201):
    """Start transaction options – EnergyTransfer

    The transaction starts when energy flows (EnergyTransfer... reported as ChargingStateChanged
    with Charging and a Transaction.Begin reading): the session's meter starts there."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.authorize(octt201.valid)
        await cp.status(1, "Occupied")
        cp.evses[1].meter_wh = 2_000
        tx, _ = await started(cp, "ChargingStateChanged", token=octt201.valid, state="Charging")
        row = await session_shown(octt201, api, tx, meter_start=2_000)
        await cp.stop_transaction(1)
    assert row["charging_state"] == "Charging"


async def test_tc_e_03_local_start_transaction_cable_plugin_first_success(server, octt201):
    """Local start transaction – Cable plugin first – Success

    Started (CablePluggedIn, EVConnected) without a token, then Updated (Authorized) with the
    card: the session gets the card and runs; the central system accepted it."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.plug_in(1)
        tx = cp.evses[1].transaction_id
        await session_shown(octt201, api, tx, id_tag="")
        assert not running(octt201, tx)  # not authorized yet
        answer = await cp.authorize_transaction(1, octt201.valid)
        row = await session_shown(octt201, api, tx, id_tag=octt201.valid)
        assert running(octt201, tx)
        await cp.stop_transaction(1)
    assert answer.id_token_info["status"] == "Accepted"
    assert row["id_tag_status"] == "Accepted"


async def test_tc_e_04_local_start_transaction_authorization_first_success(server, octt201):
    """Local start transaction – Authorization first – Success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        assert await cp.authorize(octt201.valid) == "Accepted"
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await session_shown(octt201, api, tx, id_tag=octt201.valid, stopped_at=None)
        await cp.meter_values(1, 3_000)
        await cp.stop_transaction(1)
        row = await session_shown(octt201, api, tx, energy_wh=3_000)
    assert row["stop_reason"] == "Local" and row["stopped_at"] is not None


async def test_tc_e_09_start_transaction_options_evconnected(server, octt201):
    """Start transaction options – EVConnected

    The cable alone starts the transaction: a session without a card, not running (no share of a
    load group, no card's limit) until it is authorized."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.plug_in(1)
        tx = cp.evses[1].transaction_id
        row = await session_shown(octt201, api, tx)
        still_idle = not running(octt201, tx)
        await cp.stop_transaction(1, "EVDisconnected")
    assert (row["id_tag"], row["id_tag_status"], still_idle) == ("", "", True)


async def test_tc_e_10_start_transaction_options_authorized_local(server, octt201):
    """Start transaction options – Authorized – Local

    The card starts the transaction before any cable (Authorized, no charging state yet)."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx, answer = await started(cp, "Authorized", token=octt201.valid)
        row = await session_shown(octt201, api, tx, id_tag=octt201.valid)
        await cp.stop_transaction(1)
    assert answer.id_token_info["status"] == "Accepted" and row["id_tag_status"] == "Accepted"


async def test_tc_e_11_start_transaction_options_datasigned(server, octt201):
    """Start transaction options – DataSigned

    The transaction starts when the signed meter reading is there (SignedDataReceived): the
    signed data is kept with the reading."""
    signed = {"signedMeterData": "c2lnbmVk", "signingMethod": "ECDSA-secp256r1-SHA256",
              "encodingMethod": "OCMF", "publicKey": "cHVibGlj"}
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        begin = cp.meter_value(1, "Transaction.Begin")
        begin["sampledValue"][0]["signedMeterValue"] = signed
        tx, _ = await started(cp, "SignedDataReceived", token=octt201.valid, state="Charging", meter=[begin])
        await session_shown(octt201, api, tx)
        await cp.stop_transaction(1)
    session = octt201.own_sessions().get(station_transaction_id=tx)
    sample = session.meter_samples.get(context="Transaction.Begin", measurand="Energy.Active.Import.Register")
    assert "c2lnbmVk" in sample.raw


async def test_tc_e_12_start_transaction_options_parkingbayoccupied(server, octt201):
    """Start transaction options – ParkingBayOccupied

    The car entering the bay starts the transaction (EVDetected), before cable and card."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx, _ = await started(cp, "EVDetected", state="Idle")
        await cp.authorize_transaction(1, octt201.valid)
        row = await session_shown(octt201, api, tx, id_tag=octt201.valid)
        await cp.stop_transaction(1, "EVDisconnected")
    assert row["id_tag_status"] == "Accepted"


async def test_tc_e_38_local_start_transaction_ev_not_ready(server, octt201):
    """Local start transaction – EV not ready

    Authorized and plugged in, the car takes no energy yet (EVConnected), then charges."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx, _ = await started(cp, "Authorized", token=octt201.valid, state="EVConnected")
        await session_shown(octt201, api, tx, charging_state="EVConnected")
        await cp.set_charging_state(1, "Charging")
        row = await session_shown(octt201, api, tx, charging_state="Charging")
        await cp.stop_transaction(1)
    assert row["id_tag"] == octt201.valid


# Stop points --------------------------------------------------------------------------------------
async def _charging(octt201, cp, wh: int = 1_000) -> str:
    await cp.start_transaction(1, octt201.valid)
    await cp.meter_values(1, wh)
    return cp.evses[1].transaction_id


async def test_tc_e_07_stop_transaction_options_powerpathclosed_local_stop(server, octt201):
    """Stop transaction options – PowerPathClosed – Local stop"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.stop_transaction(1, "Local", octt201.valid, "StopAuthorized")
        row = await session_shown(octt201, api, tx, stop_reason="Local")
    assert not running(octt201, tx) and row["energy_wh"] == 1_000


async def test_tc_e_08_stop_transaction_options_energytransfer_stopped_stopauthorized(server, octt201):
    """Stop transaction options – EnergyTransfer stopped – StopAuthorized

    The card stops the energy (Updated, StopAuthorized), then the transaction ends."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.transaction_event(1, "Updated", "StopAuthorized", id_token=id_token_of(octt201.valid),
                                   charging_state="EVConnected")
        await cp.stop_transaction(1, "Local", trigger_reason="EVCommunicationLost")
        row = await session_shown(octt201, api, tx, stop_reason="Local")
    assert row["stop_id_tag"] == octt201.valid


async def test_tc_e_14_stop_transaction_options_evdisconnected_charging_station_side(server, octt201):
    """Stop transaction options – EVDisconnected – Charging Station side"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.stop_transaction(1, "EVDisconnected", trigger_reason="EVCommunicationLost")
        row = await session_shown(octt201, api, tx, stop_reason="EVDisconnected")
    assert row["stopped_at"] is not None


async def test_tc_e_15_stop_transaction_options_stopauthorized_local(server, octt201):
    """Stop transaction options – StopAuthorized – Local"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        answer = await cp.stop_transaction(1, "Local", octt201.valid, "StopAuthorized")
        row = await session_shown(octt201, api, tx, stop_reason="Local")
    assert answer.id_token_info["status"] == "Accepted"  # a stop is never ConcurrentTx
    assert row["stop_id_tag"] == octt201.valid


async def test_tc_e_16_stop_transaction_options_deauthorized_invalid_idtoken(server, octt201):
    """Stop transaction options – Deauthorized – Invalid idToken

    A transaction started with a card we do not know is answered Unknown; the station ends it
    (Deauthorized): recorded, never running, not the valid card's."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx, answer = await started(cp, "Authorized", token=octt201.invalid, state="Charging")
        await cp.stop_transaction(1, "DeAuthorized")
        row = await session_shown(octt201, api, tx, stop_reason="DeAuthorized")
    assert answer.id_token_info["status"] == "Unknown"
    assert row["id_tag_status"] == "Unknown"


async def test_tc_e_17_stop_transaction_options_deauthorized_ev_side_disconnect(server, octt201):
    """Stop transaction options – Deauthorized – EV side disconnect"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.stop_transaction(1, "EVDisconnected", trigger_reason="Deauthorized")
        row = await session_shown(octt201, api, tx, stop_reason="EVDisconnected")
    assert not running(octt201, tx) and row["energy_wh"] == 1_000


async def test_tc_e_19_stop_transaction_options_parkingbayunoccupied(server, octt201):
    """Stop transaction options – ParkingBayUnoccupied

    The transaction ends when the car leaves the bay (EVDeparted), after the cable was unplugged
    (Idle): the time plugged in ends with the Idle state."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.set_charging_state(1, "Idle")
        await cp.stop_transaction(1, "EVDisconnected", trigger_reason="EVDeparted")
        row = await session_shown(octt201, api, tx, stop_reason="EVDisconnected")
    assert row["charging_state"] == "Idle"


async def test_tc_e_20_stop_transaction_options_evdisconnected_ev_side_iec_61851_1(server, octt201):
    """Stop transaction options – EVDisconnected – EV side (IEC 61851-1)"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp, 2_500)
        await cp.stop_transaction(1, "EVDisconnected", trigger_reason="EVCommunicationLost")
        row = await session_shown(octt201, api, tx, stop_reason="EVDisconnected")
    assert row["energy_wh"] == 2_500


async def test_tc_e_21_stop_transaction_options_stopauthorized_remote(server, octt201):
    """Stop transaction options – StopAuthorized – Remote

    The central system asks the station to stop (RequestStopTransaction through the API): the
    station ends it with stoppedReason Remote."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        answer = await command(api, octt201.station, "RequestStopTransaction", {"transactionId": tx})
        row = await session_shown(octt201, api, tx, stop_reason="Remote")
    assert answer == {"status": "Accepted"}
    assert row["stopped_at"] is not None


async def test_tc_e_22_stop_transaction_options_energytransfer_stopped_suspendedev(server, octt201):
    """Stop transaction options – EnergyTransfer stopped – SuspendedEV

    The car stops taking energy (SuspendedEV); the station ends the transaction there."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.set_charging_state(1, "SuspendedEV")
        await cp.stop_transaction(1, "StoppedByEV", trigger_reason="ChargingStateChanged", unplug=False)
        row = await session_shown(octt201, api, tx, stop_reason="StoppedByEV")
        await cp.status(1, "Available")
    assert row["charging_state"] == "EVConnected"


async def test_tc_e_26_disconnect_cable_on_ev_side_suspend_transaction(server, octt201):
    """Disconnect cable on EV-side – Suspend transaction

    The cable is pulled on the car's side but the transaction goes on (Idle): the session stays
    open and running, and charges on when the cable is back."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        await cp.transaction_event(1, "Updated", "EVCommunicationLost", charging_state="Idle")
        suspended = await session_shown(octt201, api, tx, charging_state="Idle")
        still_running = running(octt201, tx)
        await cp.transaction_event(1, "Updated", "CablePluggedIn", charging_state="Charging")
        await session_shown(octt201, api, tx, charging_state="Charging")
        await cp.stop_transaction(1)
    assert suspended["stopped_at"] is None and still_running


async def test_tc_e_39_stop_transaction_options_deauthorized_timeout(server, octt201):
    """Stop transaction options – Deauthorized – timeout

    Authorized, but no cable within the timeout: the station ends it (EVConnectTimeout,
    stoppedReason Timeout) without energy."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        tx, _ = await started(cp, "Authorized", token=octt201.valid)
        await cp.stop_transaction(1, "Timeout", trigger_reason="EVConnectTimeout")
        row = await session_shown(octt201, api, tx, stop_reason="Timeout")
    assert row["energy_wh"] == 0


# Transaction status -------------------------------------------------------------------------------
class QueueingStation(SimulatedChargePoint201):
    """Tells the central system about the TransactionEvents it still has queued."""

    @on(Action.get_transaction_status)
    async def on_get_transaction_status(self, transaction_id=None, **kwargs):
        answer = await super().on_get_transaction_status(transaction_id=transaction_id, **kwargs)
        answer.messages_in_queue = bool(self.queued)
        return answer


async def _asked(api, session_id: int) -> dict:
    response = await api.post(f"/api/v1/sessions/{session_id}/transaction-status/")
    assert response.status_code == 200, response.text
    return response.json()


async def test_tc_e_29_check_transaction_status_transaction_with_id_ongoing_with_message_in_queue(
        server, octt201):
    """Check Transaction status – Transaction with id ongoing – with message in queue"""
    async with octt201.charge_point(server, cls=QueueingStation) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        row = await session_shown(octt201, api, tx)
        cp.offline = True
        await cp.meter_values(1, 500)
        asked = await _asked(api, row["id"])
        await cp.flush_offline()
        await session_shown(octt201, api, tx, energy_wh=1_500)
        await cp.stop_transaction(1)
    assert (asked["ongoing"], asked["messages_in_queue"]) == (True, True)


async def test_tc_e_30_check_transaction_status_transaction_with_id_ongoing_without_message_in_queue(
        server, octt201):
    """Check Transaction status – Transaction with id ongoing – without message in queue"""
    async with octt201.charge_point(server, cls=QueueingStation) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        row = await session_shown(octt201, api, tx)
        asked = await _asked(api, row["id"])
        await cp.stop_transaction(1)
    assert asked == {"transaction_id": tx, "ongoing": True, "messages_in_queue": False}


async def test_tc_e_31_check_transaction_status_transaction_with_id_ended_with_message_in_queue(
        server, octt201):
    """Check Transaction status – Transaction with id ended – with message in queue

    The station ended the transaction offline: it is no longer ongoing there, its Ended still
    queued; once delivered, the session is stopped."""
    async with octt201.charge_point(server, cls=QueueingStation) as cp, octt201.api(server) as api:
        tx = await _charging(octt201, cp)
        row = await session_shown(octt201, api, tx)
        cp.offline = True
        await cp.stop_transaction(1, unplug=False)
        asked = await _asked(api, row["id"])
        await cp.flush_offline()
        ended = await session_shown(octt201, api, tx, stop_reason="Local")
    assert (asked["ongoing"], asked["messages_in_queue"]) == (False, True)
    assert ended["stopped_at"] is not None


async def test_tc_e_33_check_transaction_status_without_transactionid_with_message_in_queue(server, octt201):
    """Check Transaction status – Without transactionId – with message in queue"""
    async with octt201.charge_point(server, cls=QueueingStation) as cp, octt201.api(server) as api:
        await _charging(octt201, cp)
        cp.offline = True
        await cp.meter_values(1, 500)
        answer = await command(api, octt201.station, "GetTransactionStatus")
        await cp.flush_offline()
        await cp.stop_transaction(1)
    assert answer == {"messagesInQueue": True}


async def test_tc_e_34_check_transaction_status_without_transactionid_without_message_in_queue(
        server, octt201):
    """Check Transaction status – Without transactionId – without message in queue"""
    async with octt201.charge_point(server, cls=QueueingStation), octt201.api(server) as api:
        answer = await command(api, octt201.station, "GetTransactionStatus")
    assert answer == {"messagesInQueue": False}


async def test_tc_e_53_reset_sequence_number_csms_accepting_seqno_0_at_start_of_transaction(server, octt201):
    """Reset Sequence Number – CSMS accepting seqNo = 0 at start of transaction

    Two transactions one after the other, each numbering its events from 0: two sessions, every
    event of both applied."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        first = await _charging(octt201, cp, 1_000)
        await cp.stop_transaction(1)
        second = await _charging(octt201, cp, 2_000)
        await cp.stop_transaction(1)
        rows = [await session_shown(octt201, api, tx, stop_reason="Local") for tx in (first, second)]
    assert [row["energy_wh"] for row in rows] == [1_000, 2_000]
