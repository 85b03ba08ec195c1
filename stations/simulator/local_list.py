"""Local auth list and reservations, held in memory as a station keeps them."""


from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from stations.simulator.core import utcnow


class LocalListStation:
    """Local auth list and reservations, held in memory as a station keeps them."""

    local_list_version = 0  # 0: an empty list; a station without a local list answers -1

    @property
    def local_list(self) -> dict[str, dict]:
        """idTag -> idTagInfo (snake_case keys) as the station holds it."""
        if not hasattr(self, "_local_list"):
            self._local_list: dict[str, dict] = {}
        return self._local_list

    @property
    def reservations(self) -> dict[int, dict]:
        """reservationId -> the ReserveNow request (snake_case keys) of each held reservation."""
        if not hasattr(self, "_reservations"):
            self._reservations: dict[int, dict] = {}
        return self._reservations

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, local_authorization_list=None,
                                 **kwargs):
        entries = local_authorization_list or []
        self.received.append(("SendLocalList", {"list_version": list_version,
                                                "update_type": update_type, "entries": entries}))
        if update_type == "Differential" and list_version <= self.local_list_version:
            return call_result.SendLocalList(status="VersionMismatch")
        if len(entries) > self._config_limit("SendLocalListMaxLength"):
            return call_result.SendLocalList(status="Failed")
        held = {} if update_type == "Full" else dict(self.local_list)
        for entry in entries:  # an entry without idTagInfo removes the tag
            if "id_tag_info" in entry:
                held[entry["id_tag"]] = entry["id_tag_info"]
            else:
                held.pop(entry["id_tag"], None)
        if len(held) > self._config_limit("LocalAuthListMaxLength"):
            return call_result.SendLocalList(status="Failed")
        self.local_list.clear()
        self.local_list.update(held)
        self.local_list_version = list_version
        return call_result.SendLocalList(status="Accepted")

    def _config_limit(self, key: str) -> float:
        """A configuration key limiting the list (SendLocalListMaxLength, LocalAuthListMaxLength)
        as a real station enforces it; none set: no limit."""
        value = self.configuration.get(key)
        return int(value) if value else float("inf")

    @on(Action.get_local_list_version)
    async def on_get_local_list_version(self, **kwargs):
        return call_result.GetLocalListVersion(list_version=self.local_list_version)

    @on(Action.reserve_now)
    async def on_reserve_now(self, connector_id, expiry_date, id_tag, reservation_id,
                             parent_id_tag=None, **kwargs):
        request = {"connector_id": connector_id, "expiry_date": expiry_date, "id_tag": id_tag,
                   "reservation_id": reservation_id, "parent_id_tag": parent_id_tag}
        self.received.append(("ReserveNow", request))
        if connector_id and connector_id not in self.connectors:
            return call_result.ReserveNow(status="Rejected")
        states = [self.connectors[connector_id]] if connector_id else list(self.connectors.values())
        if all(state.status in ("Faulted", "Unavailable") for state in states):
            return call_result.ReserveNow(status=states[0].status)
        if not any(state.status == "Available" and state.transaction_id is None for state in states):
            return call_result.ReserveNow(status="Occupied")
        self.reservations[reservation_id] = request
        return call_result.ReserveNow(status="Accepted")

    @on(Action.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id, **kwargs):
        self.received.append(("CancelReservation", {"reservation_id": reservation_id}))
        held = self.reservations.pop(reservation_id, None)
        return call_result.CancelReservation(status="Accepted" if held else "Rejected")

    async def start_reserved_transaction(self, connector_id: int, id_tag: str,
                                         reservation_id: int) -> call_result.StartTransaction:
        """StartTransaction that uses a reservation: the station no longer holds it."""
        state = self.connectors[connector_id]
        self.reservations.pop(reservation_id, None)
        result = await self.call(call.StartTransaction(
            connector_id=connector_id, id_tag=id_tag, meter_start=state.meter_wh,
            timestamp=utcnow(), reservation_id=reservation_id))
        state.transaction_id = result.transaction_id
        return result
