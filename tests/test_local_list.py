"""Local authorization lists: derived from the tenant's id tags, sent to a real station over a real
WebSocket, versions and answers recorded, checked through the API and on the station itself."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.authlist.models import LocalList, LocalListUpdate
from stations.authlist.tasks import send_local_list
from stations.models import IdTag
from stations.simulator import SimulatedChargePoint
from tests.conftest import needs_redis
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_admin import admin_session, make_user


def url(station, tail: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/local-list/{tail}"


def answering(status: str):
    class Station(SimulatedChargePoint):
        @on(Action.send_local_list)
        async def on_send_local_list(self, list_version, update_type, **kwargs):
            self.received.append(("SendLocalList", {"list_version": list_version}))
            return call_result.SendLocalList(status=status)

    return Station


class WithoutLocalList(SimulatedChargePoint):
    local_list_version = -1


def fleet_tags(tenant) -> None:
    """Five tags: one plain, one blocked, one expiring, a group with a member, an expired one."""
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB", status="Blocked")
    make_id_tag(tenant, "CAROL", expiry_date=datetime(2031, 1, 1, tzinfo=UTC))
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "DAVE", parent_id_tag="FLEET")
    make_id_tag(tenant, "EVE", expiry_date=datetime.now(UTC) - timedelta(days=1))


async def test_a_full_list_reaches_the_station_and_the_station_keeps_it(server):
    tenant = make_tenant()
    fleet_tags(tenant)
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        sent = await api.post(url(station), json={"update_type": "Full"})
        state = (await api.get(url(station))).json()
    assert sent.status_code == 201
    body = sent.json()
    assert (body["status"], body["update_type"], body["list_version"], body["entry_count"]) == (
        "Accepted", "Full", 1, 6)
    assert cp.local_list_version == 1
    assert cp.local_list == {
        "ALICE": {"status": "Accepted"},
        "BOB": {"status": "Blocked"},
        "CAROL": {"status": "Accepted", "expiry_date": "2031-01-01T00:00:00Z"},
        "FLEET": {"status": "Accepted"},
        "DAVE": {"status": "Accepted", "parent_id_tag": "FLEET"},
        "EVE": {"status": "Expired", "expiry_date": cp.local_list["EVE"]["expiry_date"]},
    }
    assert (state["version"], state["in_sync"], state["entry_count"]) == (1, True, 6)
    assert [(h["update_type"], h["status"]) for h in state["history"]] == [("Full", "Accepted")]
    assert state["history"][0]["entry_count"] == 6 and "entries" not in state["history"][0]
    assert len(state["entries_hash"]) == 64


async def test_a_differential_update_sends_only_what_changed_since_the_accepted_list(server):
    tenant = make_tenant()
    fleet_tags(tenant)
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
        IdTag.objects.filter(tenant=tenant, id_tag="ALICE").update(status="Blocked")
        IdTag.objects.filter(tenant=tenant, id_tag="BOB").delete()
        make_id_tag(tenant, "FRANK")
        stale = (await api.get(url(station))).json()
        sent = await api.post(url(station), json={"update_type": "Differential"})
        state = (await api.get(url(station))).json()
    assert stale["in_sync"] is False and stale["version"] == 1
    body = sent.json()
    assert (body["status"], body["list_version"]) == ("Accepted", 2)
    assert body["entries"] == [
        {"idTag": "ALICE", "idTagInfo": {"status": "Blocked"}},
        {"idTag": "FRANK", "idTagInfo": {"status": "Accepted"}},
        {"idTag": "BOB"},
    ]
    assert cp.received[-1][1]["entries"] == [
        {"id_tag": "ALICE", "id_tag_info": {"status": "Blocked"}},
        {"id_tag": "FRANK", "id_tag_info": {"status": "Accepted"}},
        {"id_tag": "BOB"},
    ]
    assert cp.local_list_version == 2
    assert "BOB" not in cp.local_list and cp.local_list["ALICE"] == {"status": "Blocked"}
    assert (state["version"], state["in_sync"], state["entry_count"]) == (2, True, 6)


async def test_a_blocked_group_blocks_its_members_on_the_list(server):
    tenant = make_tenant()
    fleet_tags(tenant)
    IdTag.objects.filter(tenant=tenant, id_tag="FLEET").update(status="Blocked")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
    assert cp.local_list["DAVE"] == {"status": "Blocked", "parent_id_tag": "FLEET"}


async def test_a_station_chosen_for_a_group_gets_only_the_groups_members(server):
    tenant = make_tenant()
    fleet_tags(tenant)
    make_id_tag(tenant, "GINA", parent_id_tag="FLEET")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        first = await api.post(url(station), json={"update_type": "Full", "group": "FLEET"})
        make_id_tag(tenant, "HANK", parent_id_tag="FLEET")
        make_id_tag(tenant, "IVAN")
        second = await api.post(url(station), json={"update_type": "Differential"})
        state = (await api.get(url(station))).json()
    assert first.json()["group"] == "FLEET" and first.json()["entry_count"] == 2
    assert second.json()["entries"] == [{"idTag": "HANK", "idTagInfo": {"status": "Accepted",
                                                                         "parentIdTag": "FLEET"}}]
    assert sorted(cp.local_list) == ["DAVE", "GINA", "HANK"]
    assert (state["group"], state["entry_count"], state["in_sync"]) == ("FLEET", 3, True)


async def test_a_version_mismatch_makes_the_backend_resend_the_full_list(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.local_list_version = 7  # a list the backend never sent
        cp.local_list["STRANGER"] = {"status": "Accepted"}
        sent = await api.post(url(station), json={"update_type": "Differential"})
        state = (await api.get(url(station))).json()
    body = sent.json()
    assert sent.status_code == 201
    assert (body["status"], body["update_type"], body["list_version"]) == (
        "VersionMismatch", "Differential", 1)
    resend = body["resend"]
    assert (resend["status"], resend["update_type"], resend["resend_of"]) == (
        "Accepted", "Full", body["id"])
    assert [(a, p["update_type"]) for a, p in cp.received if a == "SendLocalList"] == [
        ("SendLocalList", "Differential"), ("SendLocalList", "Full")]
    assert cp.local_list == {"ALICE": {"status": "Accepted"}}
    assert (state["version"], state["in_sync"]) == (resend["list_version"], True)
    assert [h["status"] for h in state["history"]] == ["Accepted", "VersionMismatch"]


@pytest.mark.parametrize("answer", ["NotSupported", "Failed"])
async def test_a_list_the_station_does_not_take_is_recorded_and_not_confirmed(server, answer):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, cls=answering(answer)), \
            api_client(server, tenant) as api:
        sent = await api.post(url(station), json={"update_type": "Full"})
        again = await api.post(url(station), json={"update_type": "Full"})
        state = (await api.get(url(station))).json()
    assert sent.status_code == 201 and sent.json()["status"] == answer
    assert again.json()["list_version"] == 1  # still the accepted version + 1
    assert (state["version"], state["in_sync"]) == (0, False)
    assert [h["status"] for h in state["history"]] == [answer, answer]


async def test_get_local_list_version_records_the_stations_answer(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    other, other_password = make_station(tenant)
    async with charge_point(server, tenant, station, password), \
            charge_point(server, tenant, other, other_password, cls=WithoutLocalList), \
            api_client(server, tenant) as api:
        empty = await api.post(url(station, "version/"))
        await api.post(url(station), json={"update_type": "Full"})
        after = await api.post(url(station, "version/"))
        unsupported = await api.post(url(other, "version/"))
        state = (await api.get(url(other))).json()
    assert empty.status_code == 200
    assert (empty.json()["list_version"], empty.json()["supported"]) == (0, True)
    assert after.json()["list_version"] == 1
    assert (unsupported.json()["list_version"], unsupported.json()["supported"]) == (-1, False)
    assert state["station_version"] == -1 and state["station_version_at"] is not None


async def test_a_station_that_is_not_connected_is_a_409_and_the_attempt_is_recorded(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    async with api_client(server, tenant) as api:
        sent = await api.post(url(station), json={"update_type": "Full"})
        version = await api.post(url(station, "version/"))
        state = (await api.get(url(station))).json()
    assert (sent.status_code, version.status_code) == (409, 409)
    assert state["history"][0]["status"] == "SendFailed"
    assert "not connected" in state["history"][0]["error"]


async def test_bad_input_is_a_400_with_field_errors(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    async with api_client(server, tenant) as api:
        bad_type = await api.post(url(station), json={"update_type": "Partial"})
        unknown_group = await api.post(url(station), json={"update_type": "Full", "group": "NOPE"})
    assert bad_type.status_code == 400 and "update_type" in bad_type.json()
    assert unknown_group.status_code == 400 and "group" in unknown_group.json()
    assert not LocalListUpdate.objects.filter(local_list__station=station).exists()


async def test_another_tenant_gets_404_for_the_list_and_its_version(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, outsider) as api:
        got = await api.get(url(station))
        sent = await api.post(url(station), json={"update_type": "Full"})
        version = await api.post(url(station, "version/"))
    assert (got.status_code, sent.status_code, version.status_code) == (404, 404, 404)
    assert cp.received == []


@needs_redis  # the task's CALL travels over the shared channel layer to the server
async def test_the_send_task_sends_the_full_list_from_a_worker(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        outcome = await sync_to_async(send_local_list, thread_sensitive=False)(station.pk)
    assert outcome == "Accepted"
    assert cp.local_list == {"ALICE": {"status": "Accepted"}}


async def test_the_admin_shows_an_installer_only_the_local_lists_of_their_tenant(server):
    mine, theirs = make_tenant("Installer"), make_tenant("Other")
    for tenant, identity in ((mine, "MINE-STATION"), (theirs, "THEIR-STATION")):
        station, _ = make_station(tenant, identity=f"{identity}-{tenant.pk}")
        LocalList.objects.create(tenant=tenant, station=station, group=f"{identity}-GROUP")
    theirs_pk = LocalList.objects.get(tenant=theirs).pk
    user = make_user(tenant=mine, permissions=("view_locallist", "view_locallistupdate"))
    async with admin_session(server, user) as http:
        changelist = await http.get("/admin/authlist/locallist/")
        their_page = await http.get(f"/admin/authlist/locallist/{theirs_pk}/change/")
    assert changelist.status_code == 200
    assert "MINE-STATION-GROUP" in changelist.text and "THEIR-STATION" not in changelist.text
    assert "THEIR-STATION" not in their_page.text
