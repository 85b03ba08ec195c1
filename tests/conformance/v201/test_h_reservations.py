"""OCA OCPP 2.0.1 conformance scenarios of block H, Reservation: the central system reserves a
specific EVSE, any EVSE or any EVSE with a connector type, and cancels, through our API
(`reservations/`); the station (stations/simulator/v201/reservations.py) answers as its EVSEs'
state says, reports Reserved, uses a reservation in a TransactionEvent's reservationId, and ends
one itself with ReservationStatusUpdate (docs/ocpp201.md, reservations; docs/conformance.md).
Every case ends its reservation (used, cancelled, expired or removed): a shared run's next case
finds the station free."""

from datetime import UTC, datetime, timedelta

from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import evse_status
from tests.factories import eventually


def _url(octt201, tail: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/reservations/{tail}"


async def _reserve(octt201, api, id_tag: str | None = None, **target) -> dict:
    """Reserve through the API (`connector_id`: the EVSE, 0 any; or `connector_type`)."""
    expiry = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    made = await api.post(_url(octt201), json={"id_tag": id_tag or octt201.valid,
                                               "expiry_date": expiry, **target})
    assert made.status_code == 201, made.text
    return made.json()


async def _shown(octt201, api, reservation: dict) -> dict:
    return (await api.get(_url(octt201, f"{reservation['reservation_id']}/"))).json()


async def _used_by_a_transaction(octt201, api, cp, reservation: dict, evse_id: int,
                                 id_token: str | None = None) -> dict:
    """The driver starts on `evse_id` with the reservation; it ends; the reservation as shown."""
    id_token = id_token or octt201.valid
    assert await cp.authorize(id_token) == "Accepted"
    started = await cp.start_transaction(evse_id, id_token,
                                         reservation_id=reservation["reservation_id"])
    assert started.id_token_info["status"] == "Accepted"
    tx = cp.evses[evse_id].transaction_id
    await cp.stop_transaction(evse_id)
    shown = await eventually(lambda: _used(octt201, api, reservation))
    assert shown["station_transaction_id"] == tx
    return shown


async def _used(octt201, api, reservation: dict) -> dict | None:
    shown = await _shown(octt201, api, reservation)
    return shown if shown["status"] == "Used" else None


def _reserve_nows(cp) -> list[dict]:
    return [payload for action, payload in cp.received if action == "ReserveNow"]


async def test_tc_h_01_reserve_a_specific_evse_accepted_valid_idtoken(server, octt201):
    """Reserve a specific EVSE – Accepted – Valid idToken

    ReserveNow for EVSE 1: Accepted, the EVSE shows Reserved; the driver's transaction names the
    reservation, which is then Used by it."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=1)
        await evse_status(api, octt201.station, 1, "Reserved")
        used = await _used_by_a_transaction(octt201, api, cp, reservation, 1)
    assert reservation["status"] == "Accepted"
    [sent] = _reserve_nows(cp)
    assert (sent["evse_id"], sent["id_token"]) == (1, {"id_token": octt201.valid, "type": "ISO14443"})
    assert used["status"] == "Used"


async def test_tc_h_07_reserve_a_specific_evse_reservation_ended_not_used(server, octt201):
    """Reserve a specific EVSE – Reservation Ended / not used

    The reservation expires at the station: ReservationStatusUpdate Expired, the EVSE Available
    again; the central system shows it Expired."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=1)
        await evse_status(api, octt201.station, 1, "Reserved")
        await cp.reservation_ended(reservation["reservation_id"], "Expired")
        await evse_status(api, octt201.station, 1, "Available")
        shown = await _shown(octt201, api, reservation)
    assert (reservation["status"], shown["status"]) == ("Accepted", "Expired")


async def test_tc_h_08_reserve_an_unspecified_evse_accepted(server, octt201):
    """Reserve an unspecified EVSE – Accepted

    ReserveNow without an evseId: Accepted; the transaction on any EVSE that names it uses it."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=0)
        used = await _used_by_a_transaction(octt201, api, cp, reservation, 2)
    [sent] = _reserve_nows(cp)
    assert "evse_id" not in sent or sent["evse_id"] is None
    assert (reservation["status"], reservation["connector_id"], used["status"]) == (
        "Accepted", 0, "Used")


async def test_tc_h_14_reserve_an_unspecified_evse_amount_of_evses_available_equals_the_amount_of_reservations(  # noqa: E501
        server, octt201):
    """Reserve an unspecified EVSE – Amount of EVSEs available equals the amount of reservations

    Two EVSEs, two reservations of any EVSE: a third is answered Occupied and recorded so; the
    two are cancelled after."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        held = [await _reserve(octt201, api, connector_id=0) for _ in range(2)]
        refused = await _reserve(octt201, api, connector_id=0)
        cancelled = [await api.delete(_url(octt201, f"{r['reservation_id']}/")) for r in held]
    assert [r["status"] for r in held] == ["Accepted", "Accepted"]
    assert refused["status"] == "Occupied"
    assert [c.json()["status"] for c in cancelled] == ["Cancelled", "Cancelled"]
    assert cp.reservations == {}


async def test_tc_h_15_reserve_a_connector_with_a_specific_type_success(server, octt201):
    """Reserve a connector with a specific type – Success

    EVSE 1 has a Type 2 socket, EVSE 2 a CCS2 cable: ReserveNow for connectorType cCCS2 (no
    evseId) is Accepted and the car charging on EVSE 2 uses it."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        cp.connector_types[2] = "cCCS2"
        reservation = await _reserve(octt201, api, connector_id=0, connector_type="cCCS2")
        used = await _used_by_a_transaction(octt201, api, cp, reservation, 2)
    [sent] = _reserve_nows(cp)
    assert (sent["connector_type"], sent["evse_id"]) == ("cCCS2", None)
    assert (reservation["status"], reservation["connector_type"], used["status"]) == (
        "Accepted", "cCCS2", "Used")


async def test_tc_h_17_cancel_reservation_of_an_evse_success(server, octt201):
    """Cancel reservation of an EVSE – Success

    CancelReservation: Accepted, the EVSE is Available again, the reservation Cancelled."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=1)
        await evse_status(api, octt201.station, 1, "Reserved")
        cancelled = await api.delete(_url(octt201, f"{reservation['reservation_id']}/"))
        await evse_status(api, octt201.station, 1, "Available")
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["cancel_status"], cancelled.json()["status"]) == ("Accepted", "Cancelled")
    assert ("CancelReservation", {"reservation_id": reservation["reservation_id"]}) in cp.received


async def test_tc_h_19_reserve_a_specific_evse_use_a_reserved_evse_with_groupid(server, octt201):
    """Reserve a specific EVSE – Use a reserved EVSE with GroupId

    The reservation carries the card's group as groupIdToken; another card of the group is
    answered with the same group and its transaction uses the reservation. (Cards of this case
    expire tomorrow: the case makes no second valid card of the shared run.)"""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    group = octt201.new_tag(status="Accepted", expiry_date=tomorrow, token_type="Central")
    holder = octt201.new_tag(status="Accepted", expiry_date=tomorrow, parent_id_tag=group)
    other = octt201.new_tag(status="Accepted", expiry_date=tomorrow, parent_id_tag=group)
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, holder, connector_id=1)
        used = await _used_by_a_transaction(octt201, api, cp, reservation, 1, other)
    [sent] = _reserve_nows(cp)
    assert sent["group_id_token"] == {"id_token": group, "type": "Central"}
    assert cp.id_token_infos[-1]["group_id_token"] == sent["group_id_token"]
    assert (reservation["status"], used["status"]) == ("Accepted", "Used")


async def test_tc_h_20_charging_station_cancels_reservation_when_faulted(server, octt201):
    """Charging Station cancels reservation when Faulted

    The reserved EVSE faults: the station reports Faulted and ReservationStatusUpdate Removed;
    the central system ends the reservation (Cancelled) and shows the EVSE Faulted."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=1)
        await evse_status(api, octt201.station, 1, "Reserved")
        await cp.fault(1)
        await evse_status(api, octt201.station, 1, "Faulted")
        shown = await _shown(octt201, api, reservation)
        await cp.status(1, "Available")  # repaired: a shared run's next case finds it free
    assert shown["status"] == "Cancelled"


class RejectingReservations(SimulatedChargePoint201):
    """A station configured to reject reservations (ReservationCtrlr.Enabled false)."""

    reservations_enabled = False


async def test_tc_h_22_reserve_a_specific_evse_configured_to_reject(server, octt201):
    """Reserve a specific EVSE – Configured to Reject

    ReserveNow is Rejected: the central system records it Rejected; nothing is held."""
    async with octt201.charge_point(server, cls=RejectingReservations) as cp, \
            octt201.api(server) as api:
        reservation = await _reserve(octt201, api, connector_id=1)
        cancel = await api.delete(_url(octt201, f"{reservation['reservation_id']}/"))
    assert reservation["status"] == "Rejected"
    assert cancel.status_code == 400  # nothing to cancel
    assert cp.reservations == {}
