"""Reservations of the simulated 2.0.1 station (block H), held in memory as a station holds them:
ReserveNow for one EVSE, for any EVSE, or for any EVSE with a connector of a type; the answers
a real station gives (Accepted, Occupied, Faulted, Unavailable, Rejected); CancelReservation;
and the station ending a reservation itself (ReservationStatusUpdate Expired / Removed)."""

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

DOWN = ("Faulted", "Unavailable")


class ReservationStation201:
    """`reservations`: id -> the ReserveNow request (snake_case). `connector_types`: EVSE ->
    its connectors' type (every EVSE `connector_type` unless a test changes it).
    `reservations_enabled` False: every ReserveNow is Rejected (ReservationCtrlr.Enabled false)."""

    connector_type = "cType2"
    reservations_enabled = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reservations: dict[int, dict] = {}
        self.connector_types = {evse_id: self.connector_type for evse_id in self.evses}

    def _reserved_evses(self, but: int | None = None) -> set[int]:
        return {r["evse_id"] for rid, r in self.reservations.items() if r["evse_id"] and rid != but}

    def _reservable(self, evse_id: int | None, connector_type: str | None, rid: int) -> str:
        """The answer to ReserveNow `rid` for `evse_id` (None: any) of `connector_type`."""
        candidates = [n for n in ([evse_id] if evse_id else self.evses)
                      if connector_type in (None, self.connector_types[n])]
        if not candidates:
            return "Rejected"
        evses = [self.evses[n] for n in candidates]
        if all(evse.status in DOWN for evse in evses):
            return evses[0].status
        free = [n for n in self.evses if self._free(n, rid)]
        unspecified = [k for k, r in self.reservations.items() if not r["evse_id"] and k != rid]
        if not set(free) & set(candidates) or len(free) <= len(unspecified):
            return "Occupied"  # every EVSE it could have is busy or promised
        return "Accepted"

    def _free(self, evse_id: int, rid: int) -> bool:
        evse = self.evses[evse_id]
        return (evse.status == "Available" and evse.transaction_id is None
                and evse_id not in self._reserved_evses(but=rid))

    @on(Action.reserve_now)
    async def on_reserve_now(self, id, expiry_date_time, id_token, evse_id=None,
                             group_id_token=None, connector_type=None, **kwargs):
        request = {"id": id, "expiry_date_time": expiry_date_time, "id_token": id_token,
                   "evse_id": evse_id, "group_id_token": group_id_token,
                   "connector_type": connector_type}
        self.received.append(("ReserveNow", request))
        if not self.reservations_enabled or (evse_id and evse_id not in self.evses):
            return call_result.ReserveNow(status="Rejected")
        status = self._reservable(evse_id, connector_type, id)
        if status == "Accepted":
            self.reservations[id] = request
            if evse_id:  # a reservation of one EVSE shows on its connectors
                self.soon(self._report_reserved, evse_id, "Reserved")
        return call_result.ReserveNow(status=status)

    async def _report_reserved(self, evse_id: int, status: str) -> None:
        for connector_id in self.evses[evse_id].connectors:
            await self.status(evse_id, status, connector_id)

    @on(Action.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id, **kwargs):
        self.received.append(("CancelReservation", {"reservation_id": reservation_id}))
        held = self.reservations.pop(reservation_id, None)
        if held and held["evse_id"] and self.evses[held["evse_id"]].status == "Reserved":
            self.soon(self._report_reserved, held["evse_id"], "Available")
        return call_result.CancelReservation(status="Accepted" if held else "Rejected")

    async def reservation_ended(self, reservation_id: int, update: str = "Expired") -> None:
        """The station ends a reservation itself (Expired, or Removed): it tells the CSMS, and a
        reserved EVSE is Available again."""
        held = self.reservations.pop(reservation_id, None)
        await self.call(call.ReservationStatusUpdate(reservation_id=reservation_id,
                                                     reservation_update_status=update))
        if held and held["evse_id"] and self.evses[held["evse_id"]].status == "Reserved":
            await self._report_reserved(held["evse_id"], "Available")

    async def fault(self, evse_id: int) -> None:
        """The EVSE faults: its connectors report Faulted and a reservation of it is Removed."""
        await self._report_reserved(evse_id, "Faulted")
        for reservation_id in [k for k, r in self.reservations.items() if r["evse_id"] == evse_id]:
            await self.reservation_ended(reservation_id, "Removed")
