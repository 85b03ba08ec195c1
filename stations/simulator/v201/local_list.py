"""The local authorization list and reservations of the simulated 2.0.1 station, held in
memory as a station keeps them (as stations/simulator/local_list.py does for 1.6)."""

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action


class LocalListStation201:
    """SendLocalList, GetLocalListVersion, ReserveNow, CancelReservation."""

    local_list_version = 0  # 0: an empty list

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.local_list: dict[str, dict] = {}  # idToken -> idTokenInfo (snake_case keys)
        self.reservations: dict[int, dict] = {}  # id -> the ReserveNow request (snake_case)

    @on(Action.send_local_list)
    async def on_send_local_list(self, version_number, update_type, local_authorization_list=None,
                                 **kwargs):
        entries = local_authorization_list or []
        self.received.append(("SendLocalList", {"version_number": version_number,
                                                "update_type": update_type, "entries": entries}))
        if update_type == "Differential" and version_number <= self.local_list_version:
            return call_result.SendLocalList(status="VersionMismatch")
        if update_type == "Full":
            self.local_list.clear()
        for entry in entries:  # an entry without idTokenInfo removes the token
            token = entry["id_token"]["id_token"]
            if "id_token_info" in entry:
                self.local_list[token] = entry["id_token_info"]
            else:
                self.local_list.pop(token, None)
        self.local_list_version = version_number
        self.device_model[("LocalAuthListCtrlr", None, None, None, "Entries", None)].value = \
            str(len(self.local_list))
        return call_result.SendLocalList(status="Accepted")

    @on(Action.get_local_list_version)
    async def on_get_local_list_version(self, **kwargs):
        self.received.append(("GetLocalListVersion", {}))
        return call_result.GetLocalListVersion(version_number=self.local_list_version)

    @on(Action.reserve_now)
    async def on_reserve_now(self, id, expiry_date_time, id_token, evse_id=None,
                             group_id_token=None, **kwargs):
        request = {"id": id, "expiry_date_time": expiry_date_time, "id_token": id_token,
                   "evse_id": evse_id, "group_id_token": group_id_token}
        self.received.append(("ReserveNow", request))
        if evse_id and evse_id not in self.evses:
            return call_result.ReserveNow(status="Rejected")
        evses = [self.evses[evse_id]] if evse_id else list(self.evses.values())
        if all(evse.status in ("Faulted", "Unavailable") for evse in evses):
            return call_result.ReserveNow(status=evses[0].status)
        if not any(evse.status == "Available" and evse.transaction_id is None for evse in evses):
            return call_result.ReserveNow(status="Occupied")
        self.reservations[id] = request
        if evse_id:  # a reservation of one EVSE shows on its connectors
            self.soon(self._report_reserved, evse_id, "Reserved")
        return call_result.ReserveNow(status="Accepted")

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
