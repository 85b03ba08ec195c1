"""Reservations and the local authorization list of an OCPP 2.0.1 station over a real
WebSocket (the simulated 2.0.1 station): the API's ReserveNow, CancelReservation, SendLocalList
and GetLocalListVersion reach it in 2.0.1's words (idToken with its type, groupIdToken,
idTokenInfo, versionNumber) and its answers come back as for 1.6; a reservation the station
ends itself (ReservationStatusUpdate) ends here too (docs/api.md, OCPP 2.0.1 stations)."""

from datetime import UTC, datetime, timedelta

from ocpp.v201 import call

from tests.factories import api_client, charge_point_201, make_id_tag, make_station, make_tenant


async def test_a_reservation_is_made_and_cancelled_in_2_0_1_words(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "FLEET-201")
    make_id_tag(tenant, "KEY-201", token_type="KeyCode", parent_id_tag="FLEET-201")
    expiry = datetime.now(UTC) + timedelta(hours=1)
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        made = await api.post(f"/api/v1/stations/{station.identity}/reservations/", json={
            "connector_id": 2, "id_tag": "KEY-201", "expiry_date": expiry.isoformat()})
        reservation_id = made.json()["reservation_id"]
        cancelled = await api.delete(
            f"/api/v1/stations/{station.identity}/reservations/{reservation_id}/")
        await cp.settle()
    assert made.status_code == 201 and made.json()["status"] == "Accepted", made.text
    assert cancelled.status_code in (200, 204), cancelled.text
    [reserve] = [payload for action, payload in cp.received if action == "ReserveNow"]
    assert (reserve["id"], reserve["evse_id"]) == (reservation_id, 2)
    assert reserve["id_token"] == {"id_token": "KEY-201", "type": "KeyCode"}
    assert reserve["group_id_token"] == {"id_token": "FLEET-201", "type": "Central"}
    assert ("CancelReservation", {"reservation_id": reservation_id}) in cp.received
    assert cp.reservations == {}


async def test_the_local_list_is_sent_and_its_version_read_in_2_0_1_words(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "LIST-OK")
    make_id_tag(tenant, "LIST-BLOCKED", status="Blocked")
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(f"/api/v1/stations/{station.identity}/local-list/",
                              json={"update_type": "Full"})
        held = await api.post(f"/api/v1/stations/{station.identity}/local-list/version/")
    assert sent.status_code == 201 and sent.json()["status"] == "Accepted", sent.text
    [request] = [payload for action, payload in cp.received if action == "SendLocalList"]
    assert (request["version_number"], request["update_type"]) == (sent.json()["list_version"],
                                                                   "Full")
    assert {token: info["status"] for token, info in cp.local_list.items()} == {
        "LIST-OK": "Accepted", "LIST-BLOCKED": "Blocked"}
    assert held.json()["list_version"] == sent.json()["list_version"]


async def test_a_reservation_the_station_removes_or_lets_expire_is_ended(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "RES-A")
    make_id_tag(tenant, "RES-B")
    expiry = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        url = f"/api/v1/stations/{station.identity}/reservations/"
        removed = (await api.post(url, json={"connector_id": 1, "id_tag": "RES-A",
                                             "expiry_date": expiry})).json()["reservation_id"]
        expired = (await api.post(url, json={"connector_id": 2, "id_tag": "RES-B",
                                             "expiry_date": expiry})).json()["reservation_id"]
        for reservation_id, update in ((removed, "Removed"), (expired, "Expired")):
            await cp.call(call.ReservationStatusUpdate(reservation_id=reservation_id,
                                                       reservation_update_status=update))
        shown = {r["reservation_id"]: r["status"]
                 for r in (await api.get(url)).json()["results"]}
    assert shown == {removed: "Cancelled", expired: "Expired"}
