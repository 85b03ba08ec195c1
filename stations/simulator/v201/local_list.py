"""The local authorization list of the simulated 2.0.1 station, held in memory as a station
keeps it (as stations/simulator/local_list.py does for 1.6); its reservations are in
stations/simulator/v201/reservations.py."""

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
