"""Reservations: ReserveNow and CancelReservation sent to a real station over a real WebSocket,
its answers recorded, a StartTransaction using one, and expiry kept by the backend.
(In process, without a station: tests/fast/stations/reservations/test_reservations.py.)"""

from datetime import UTC, datetime, timedelta

import pytest
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.models import ChargingSession
from stations.reservations.models import Reservation
from stations.reservations.services import reservations_expire
from stations.reservations.tasks import expire_reservations
from stations.simulator import SimulatedChargePoint
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.fast.stations.reservations.test_reservations import in_an_hour, iso, url
from tests.test_admin import admin_session, make_user


def reserving(status: str):
    class Station(SimulatedChargePoint):
        @on(Action.reserve_now)
        async def on_reserve_now(self, reservation_id, **kwargs):
            self.received.append(("ReserveNow", {"reservation_id": reservation_id}))
            return call_result.ReserveNow(status=status)

    return Station


async def test_a_reservation_of_a_connector_is_sent_held_by_the_station_and_listed(server):
    tenant = make_tenant()
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "ALICE", parent_id_tag="FLEET")
    station, password = make_station(tenant)
    expiry = in_an_hour()
    async with charge_point(server, tenant, station, password, connectors=2) as cp, \
            api_client(server, tenant) as api:
        made = await api.post(url(station), json={"connector_id": 2, "id_tag": "ALICE",
                                                  "expiry_date": expiry})
        listed = (await api.get(url(station))).json()
        one = await api.get(url(station, "1/"))
    assert made.status_code == 201
    body = made.json()
    assert (body["reservation_id"], body["connector_id"], body["id_tag"], body["status"]) == (
        1, 2, "ALICE", "Accepted")
    assert body["parent_id_tag"] == "FLEET" and body["station"] == station.identity
    held = cp.reservations[1]
    assert (held["connector_id"], held["id_tag"], held["parent_id_tag"]) == (2, "ALICE", "FLEET")
    assert datetime.fromisoformat(held["expiry_date"]) == datetime.fromisoformat(expiry)
    assert listed["count"] == 1 and listed["results"][0]["reservation_id"] == 1
    assert one.status_code == 200 and one.json()["status"] == "Accepted"


async def test_a_reservation_of_the_whole_station_uses_connector_zero(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = await api.post(url(station), json={"connector_id": 0, "id_tag": "ALICE",
                                                  "expiry_date": in_an_hour()})
    assert made.status_code == 201
    assert (made.json()["connector_id"], made.json()["status"]) == (0, "Accepted")
    assert cp.reservations[1]["connector_id"] == 0


@pytest.mark.parametrize("answer", ["Faulted", "Occupied", "Rejected", "Unavailable"])
@pytest.mark.parametrize("connector_id", [0, 1])
async def test_each_refusal_of_the_station_is_recorded_as_the_reservations_status(
        server, answer, connector_id):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=reserving(answer)), \
            api_client(server, tenant) as api:
        made = await api.post(url(station), json={"connector_id": connector_id, "id_tag": "ALICE",
                                                  "expiry_date": in_an_hour()})
    assert made.status_code == 201
    assert made.json()["status"] == answer
    assert Reservation.objects.get(station=station).status == answer


async def test_reservation_ids_count_up_per_station(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    other, other_password = make_station(tenant)
    body = {"connector_id": 1, "id_tag": "ALICE", "expiry_date": in_an_hour()}
    async with charge_point(server, tenant, station, password), \
            charge_point(server, tenant, other, other_password), \
            api_client(server, tenant) as api:
        first = (await api.post(url(station), json=body)).json()
        second = (await api.post(url(station), json=body | {"connector_id": 0})).json()
        elsewhere = (await api.post(url(other), json=body)).json()
    assert [first["reservation_id"], second["reservation_id"], elsewhere["reservation_id"]] == [
        1, 2, 1]


async def test_a_start_transaction_with_the_reservation_id_uses_the_reservation(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = (await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                   "expiry_date": in_an_hour()})).json()
        started = await cp.start_reserved_transaction(1, "ALICE", made["reservation_id"])
        used = (await api.get(url(station, f"{made['reservation_id']}/"))).json()
    assert started.id_tag_info["status"] == "Accepted"
    assert (used["status"], used["transaction_id"]) == ("Used", started.transaction_id)
    session = ChargingSession.objects.get(station=station, transaction_id=started.transaction_id)
    assert used["session"] == session.pk and session.reservation_id == made["reservation_id"]


async def test_a_start_by_another_id_tag_on_a_reserved_connector_is_recorded_as_the_station_decided(
        server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = (await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                   "expiry_date": in_an_hour()})).json()
        started = await cp.start_transaction(1, "BOB")
        still = (await api.get(url(station, f"{made['reservation_id']}/"))).json()
    assert started.id_tag_info["status"] == "Accepted"
    assert ChargingSession.objects.filter(station=station, id_tag="BOB").exists()
    assert (still["status"], still["session"]) == ("Accepted", None)


async def test_the_backend_expires_accepted_reservations_past_their_expiry_once(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    body = {"connector_id": 1, "id_tag": "ALICE", "expiry_date": in_an_hour()}
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        due = (await api.post(url(station), json=body)).json()
        later = (await api.post(url(station), json=body | {
            "expiry_date": iso(datetime.now(UTC) + timedelta(days=2))})).json()
        cancelled = (await api.post(url(station), json=body)).json()
        await api.delete(url(station, f"{cancelled['reservation_id']}/"))
        Reservation.objects.filter(station=station).update(
            expiry_date=datetime.now(UTC) - timedelta(minutes=1))
        Reservation.objects.filter(station=station, reservation_id=later["reservation_id"]).update(
            expiry_date=datetime.now(UTC) + timedelta(days=2))
        expired_now = expire_reservations()
        expired_again = reservations_expire()
        statuses = {r["reservation_id"]: r["status"]
                    for r in (await api.get(url(station))).json()["results"]}
    assert (expired_now, expired_again) == (1, 0)
    assert statuses == {due["reservation_id"]: "Expired", later["reservation_id"]: "Accepted",
                        cancelled["reservation_id"]: "Cancelled"}
    assert cp.reservations  # the station keeps its own; it expires them itself


async def test_cancelling_a_reservation_the_station_holds_cancels_it(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = (await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                   "expiry_date": in_an_hour()})).json()
        cancelled = await api.delete(url(station, f"{made['reservation_id']}/"))
        again = await api.delete(url(station, f"{made['reservation_id']}/"))
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_status"]) == ("Cancelled", "Accepted")
    assert cp.reservations == {}
    assert again.status_code == 400 and "status" in again.json()


async def test_a_cancel_the_station_rejects_leaves_the_reservation_as_it_was(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = (await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                   "expiry_date": in_an_hour()})).json()
        cp.reservations.clear()  # the station lost it (e.g. it rebooted)
        rejected = await api.delete(url(station, f"{made['reservation_id']}/"))
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["cancel_status"]) == ("Accepted", "Rejected")
    assert ("CancelReservation", {"reservation_id": made["reservation_id"]}) in cp.received


async def test_bad_input_is_a_400_and_sends_nothing(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    other_tenant = make_tenant("Other")
    make_id_tag(other_tenant, "MALLORY")
    make_id_tag(tenant, "BLOCKED", status="Blocked")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        past = await api.post(url(station), json={
            "connector_id": 1, "id_tag": "ALICE",
            "expiry_date": iso(datetime.now(UTC) - timedelta(minutes=1))})
        unknown = await api.post(url(station), json={"connector_id": 1, "id_tag": "NOBODY",
                                                     "expiry_date": in_an_hour()})
        foreign = await api.post(url(station), json={"connector_id": 1, "id_tag": "MALLORY",
                                                     "expiry_date": in_an_hour()})
        blocked = await api.post(url(station), json={"connector_id": 1, "id_tag": "BLOCKED",
                                                     "expiry_date": in_an_hour()})
        negative = await api.post(url(station), json={"connector_id": -1, "id_tag": "ALICE",
                                                      "expiry_date": in_an_hour()})
        huge = await api.post(url(station), json={"connector_id": 2**31, "id_tag": "ALICE",
                                                  "expiry_date": in_an_hour()})
        empty = await api.post(url(station), json={})
    assert huge.status_code == 400 and "connector_id" in huge.json()
    assert past.status_code == 400 and "expiry_date" in past.json()
    assert unknown.status_code == 400 and "id_tag" in unknown.json()
    assert foreign.status_code == 400 and "id_tag" in foreign.json()
    assert blocked.status_code == 400 and "Blocked" in blocked.json()["id_tag"][0]
    assert negative.status_code == 400 and "connector_id" in negative.json()
    assert empty.status_code == 400 and set(empty.json()) == {"connector_id", "id_tag", "expiry_date"}
    assert not Reservation.objects.filter(station=station).exists()
    assert [a for a, _ in cp.received] == []


async def test_another_tenant_gets_404_for_reservations(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    make_id_tag(tenant, "ALICE")
    make_id_tag(outsider, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        async with api_client(server, tenant) as api:
            made = (await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                       "expiry_date": in_an_hour()})).json()
        one = url(station, f"{made['reservation_id']}/")
        async with api_client(server, outsider) as api:
            listed = await api.get(url(station))
            created = await api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                                          "expiry_date": in_an_hour()})
            got = await api.get(one)
            deleted = await api.delete(one)
    assert [r.status_code for r in (listed, created, got, deleted)] == [404, 404, 404, 404]
    assert [a for a, _ in cp.received] == ["ReserveNow"]
    assert Reservation.objects.get(station=station).status == "Accepted"


async def test_the_admin_shows_an_installer_only_the_reservations_of_their_tenant(server):
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    for tenant, id_tag in ((mine, "MINE-TAG"), (theirs, "THEIR-TAG")):
        station, _ = make_station(tenant)
        Reservation.objects.create(tenant=tenant, station=station, reservation_id=1, connector_id=1,
                                   id_tag=id_tag, expiry_date=datetime.now(UTC) + timedelta(days=1),
                                   status="Accepted")
    theirs_pk = Reservation.objects.get(tenant=theirs).pk
    user = make_user(tenant=mine, permissions=("view_reservation",))
    async with admin_session(server, user) as http:
        changelist = await http.get("/admin/reservations/reservation/")
        their_page = await http.get(f"/admin/reservations/reservation/{theirs_pk}/change/")
    assert changelist.status_code == 200
    assert "MINE-TAG" in changelist.text and "THEIR-TAG" not in changelist.text
    assert "THEIR-TAG" not in their_page.text
