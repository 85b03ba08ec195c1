"""The local authorization list of the simulated 2.0.1 station, held in memory as a station
keeps it (as stations/simulator/local_list.py does for 1.6); its reservations are in
stations/simulator/v201/reservations.py."""

import json

from ocpp.charge_point import snake_to_camel_case
from ocpp.exceptions import OccurrenceConstraintViolationError
from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action


class LocalListStation201:
    """SendLocalList, GetLocalListVersion."""

    local_list_version = 0  # 0: an empty list

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.local_list: dict[str, dict] = {}  # idToken -> idTokenInfo (snake_case keys)

    @on(Action.send_local_list)
    async def on_send_local_list(self, version_number, update_type, local_authorization_list=None,
                                 **kwargs):
        entries = local_authorization_list or []
        self.received.append(("SendLocalList", {"version_number": version_number,
                                                "update_type": update_type, "entries": entries}))
        if update_type == "Differential" and version_number <= self.local_list_version:
            return call_result.SendLocalList(status="VersionMismatch")
        if len(entries) > self._list_limit("ItemsPerMessage"):  # as a real station: CALLERROR
            raise OccurrenceConstraintViolationError(
                description=f"{len(entries)} entries; ItemsPerMessage is "
                            f"{self._list_limit('ItemsPerMessage')}")
        payload = snake_to_camel_case({"version_number": version_number, "update_type": update_type,
                                       "local_authorization_list": entries})
        frame = json.dumps([2, "u" * 36, "SendLocalList", payload], separators=(",", ":"))
        if len(frame.encode()) > self._list_limit("BytesPerMessage"):
            raise OccurrenceConstraintViolationError(description="Longer than BytesPerMessage")
        held = {} if update_type == "Full" else dict(self.local_list)
        for entry in entries:  # an entry without idTokenInfo removes the token
            token = entry["id_token"]["id_token"]
            if "id_token_info" in entry:
                held[token] = entry["id_token_info"]
            else:
                held.pop(token, None)
        if len(held) > self._list_limit("Entries", maximum=True):
            return call_result.SendLocalList(status="Failed")
        self.local_list.clear()
        self.local_list.update(held)
        self.local_list_version = version_number
        self.device_model[("LocalAuthListCtrlr", None, None, None, "Entries", None)].value = \
            str(len(self.local_list))
        return call_result.SendLocalList(status="Accepted")

    def _list_limit(self, name: str, maximum: bool = False) -> float:
        """LocalAuthListCtrlr's ItemsPerMessage, BytesPerMessage (values) or Entries (its
        maxLimit), enforced as a real station does; none set: no limit."""
        variable = self.device_model.get(("LocalAuthListCtrlr", None, None, None, name, None))
        limit = None if variable is None else variable.max if maximum else variable.value
        return int(limit) if limit else float("inf")

    @on(Action.get_local_list_version)
    async def on_get_local_list_version(self, **kwargs):
        self.received.append(("GetLocalListVersion", {}))
        return call_result.GetLocalListVersion(version_number=self.local_list_version)
