"""OCPP 1.6 Reservation conformance (OCA test cases): the central system reserves and cancels
through our API; the station answers as its connectors' state says and reports it."""

from datetime import UTC, datetime, timedelta

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.reservations.models import Reservation
from stations.reservations.tasks import expire_reservations
from stations.simulator import SimulatedChargePoint
from tests.conformance.core_steps import connector_status, iso
from tests.factories import api_client


def reservations(station, tail: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/reservations/{tail}"


def reserve(connector_id: int, id_tag: str, minutes: int = 60) -> dict:
    return {"connector_id": connector_id, "id_tag": id_tag,
            "expiry_date": iso(datetime.now(UTC) + timedelta(minutes=minutes))}


class NoReservations(SimulatedChargePoint):
    """A station configured not to accept reservations."""

    @on(Action.reserve_now)
    async def on_reserve_now(self, reservation_id, **kwargs):
        self.received.append(("ReserveNow", {"reservation_id": reservation_id}))
        return call_result.ReserveNow(status="Rejected")


async def _reserved_transaction(server, octt, connector_id: int) -> None:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, connectors=2) as cp, \
            api_client(server, tenant) as api:
        for n in (0, 1, 2):
            await cp.status(n, "Available")
        made = await api.post(reservations(station), json=reserve(connector_id, octt.valid))
        reserved = made.json()
        assert (made.status_code, reserved["status"]) == (201, "Accepted")
        await cp.status(connector_id or 1, "Reserved")
        await connector_status(api, station, connector_id or 1, "Reserved")
        assert await cp.authorize(octt.valid) == "Accepted"
        await cp.status(1, "Preparing")
        started = await cp.start_reserved_transaction(1, octt.valid, reserved["reservation_id"])
        await cp.status(1, "Charging")
        await connector_status(api, station, 1, "Charging")
        used = (await api.get(reservations(station, f"{reserved['reservation_id']}/"))).json()
    assert started.id_tag_info["status"] == "Accepted"
    assert cp.reservations == {}
    assert (used["status"], used["transaction_id"]) == ("Used", started.transaction_id)


async def test_tc_046_reservation_of_a_connector_transaction(server, octt):
    """Reservation of a Connector – Transaction"""
    await _reserved_transaction(server, octt, connector_id=1)


async def test_tc_047_reservation_of_a_connector_expire(server, octt):
    """Reservation of a Connector – Expire"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Available")
        reserved = (await api.post(reservations(station), json=reserve(1, octt.valid))).json()
        await cp.status(1, "Reserved")
        await connector_status(api, station, 1, "Reserved")
        # The expiry passes: the station frees the connector, the backend expires its record.
        Reservation.objects.filter(station=station, reservation_id=reserved["reservation_id"]).update(
            expiry_date=datetime.now(UTC) - timedelta(seconds=1))
        cp.reservations.clear()
        await cp.status(1, "Available")
        expired = expire_reservations()
        await connector_status(api, station, 1, "Available")
        after = (await api.get(reservations(station, f"{reserved['reservation_id']}/"))).json()
    assert reserved["status"] == "Accepted"
    assert expired >= 1 and after["status"] == "Expired"


async def _refused(server, octt, status: str, expected: str, cls=SimulatedChargePoint) -> None:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=cls) as cp, \
            api_client(server, tenant) as api:
        if status == "Charging":
            start = await cp.start_transaction(1, octt.valid)
            assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, status)
        await connector_status(api, station, 1, status)
        made = await api.post(reservations(station), json=reserve(1, octt.valid))
        shown = (await api.get(reservations(station, f"{made.json()['reservation_id']}/"))).json()
    assert made.status_code == 201 and made.json()["status"] == expected
    assert shown["status"] == expected
    assert cp.reservations == {}
    assert [action for action, _ in cp.received] == ["ReserveNow"]


async def test_tc_048_1_reservation_of_a_connector_faulted(server, octt):
    """Reservation of a Connector – Faulted"""
    await _refused(server, octt, "Faulted", "Faulted")


async def test_tc_048_2_reservation_of_a_connector_occupied(server, octt):
    """Reservation of a Connector – Occupied"""
    await _refused(server, octt, "Charging", "Occupied")


async def test_tc_048_3_reservation_of_a_connector_unavailable(server, octt):
    """Reservation of a Connector – Unavailable"""
    await _refused(server, octt, "Unavailable", "Unavailable")


async def test_tc_048_4_reservation_of_a_connector_rejected(server, octt):
    """Reservation of a Connector – Rejected"""
    await _refused(server, octt, "Available", "Rejected", cls=NoReservations)


async def test_tc_049_reservation_of_a_charge_point_transaction(server, octt):
    """Reservation of a Charge Point – Transaction"""
    await _reserved_transaction(server, octt, connector_id=0)


async def _cancel(server, octt, station_forgot: bool) -> tuple[dict, SimulatedChargePoint]:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        await cp.status(1, "Available")
        reserved = (await api.post(reservations(station), json=reserve(1, octt.valid))).json()
        await cp.status(1, "Reserved")
        if station_forgot:
            cp.reservations.clear()
        cancelled = await api.delete(reservations(station, f"{reserved['reservation_id']}/"))
        if not station_forgot:
            await cp.status(1, "Available")
            await connector_status(api, station, 1, "Available")
    assert cancelled.status_code == 200
    assert ("CancelReservation", {"reservation_id": reserved["reservation_id"]}) in cp.received
    return cancelled.json(), cp


async def test_tc_051_cancel_reservation(server, octt):
    """Cancel Reservation"""
    cancelled, cp = await _cancel(server, octt, station_forgot=False)
    assert (cancelled["cancel_status"], cancelled["status"]) == ("Accepted", "Cancelled")
    assert cp.reservations == {}


async def test_tc_052_cancel_reservation_rejected(server, octt):
    """Cancel Reservation – Rejected"""
    cancelled, _ = await _cancel(server, octt, station_forgot=True)
    assert (cancelled["cancel_status"], cancelled["status"]) == ("Rejected", "Accepted")
