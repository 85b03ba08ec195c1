"""The raw commands/ endpoint refuses, for both OCPP versions, the actions whose block keeps
bookkeeping behind its own endpoint (stations/commands/raw_guard.py): a 400 naming the endpoint,
and nothing reaches the station. Other actions still go through."""

import pytest

from stations.commands import raw_guard
from tests.factories import api_client, charge_point, charge_point_201, make_station, make_tenant

REFUSED = {
    "1.6": [("SendLocalList", {"listVersion": 3, "updateType": "Full", "localAuthorizationList": []}),
            ("ReserveNow", {"connectorId": 1, "expiryDate": "2030-01-01T00:00:00Z",
                            "idTag": "ALICE", "reservationId": 7}),
            ("CancelReservation", {"reservationId": 7})],
    "2.0.1": [("SendLocalList", {"versionNumber": 3, "updateType": "Full"}),
              ("ReserveNow", {"id": 7, "expiryDateTime": "2030-01-01T00:00:00Z",
                              "idToken": {"idToken": "ALICE", "type": "ISO14443"}}),
              ("CancelReservation", {"reservationId": 7})],
}
ALLOWED = {"1.6": ("GetLocalListVersion", {}), "2.0.1": ("GetLocalListVersion", {})}


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_the_raw_endpoint_refuses_what_has_its_own_endpoint(server, version):
    tenant = make_tenant()
    station, password = make_station(tenant)
    connect = charge_point if version == "1.6" else charge_point_201
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with connect(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        refused = [await api.post(url, json={"action": action, "payload": payload})
                   for action, payload in REFUSED[version]]
        action, payload = ALLOWED[version]
        allowed = await api.post(url, json={"action": action, "payload": payload})
    assert [r.status_code for r in refused] == [400] * 3, [r.text for r in refused]
    for (action, _), response in zip(REFUSED[version], refused, strict=True):
        reason, = response.json()["action"]
        assert raw_guard.ENDPOINTS[action].split(" ")[0] in reason and action in reason
    assert allowed.status_code == 200, allowed.text
    assert not [a for a, _ in cp.received if a in ("SendLocalList", "ReserveNow", "CancelReservation")]


def test_the_table_names_an_endpoint_for_each_refused_action():
    assert raw_guard.refusal("SendLocalList", {}) == (
        "action", "SendLocalList is sent through the station's local-list/ endpoint, "
                  "which keeps its bookkeeping.")
    assert raw_guard.refusal("ChangeConfiguration", {"key": " securityprofile"})[0] == "payload"
    assert raw_guard.refusal("ChangeConfiguration", {"key": "HeartbeatInterval"}) is None
    assert raw_guard.refusal("Reset", {}) is None
