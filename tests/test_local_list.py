"""Local authorization lists: derived from the tenant's id tags, sent to a real station over a real
WebSocket, versions and answers recorded, checked through the API and on the station itself.
(In process, without a station: tests/fast/stations/authlist/test_local_list.py.)"""

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from ocpp.exceptions import InternalError
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.authlist.models import LocalList, LocalListUpdate
from stations.authlist.resync import local_lists_resync
from stations.authlist.selectors import local_list_entries
from stations.authlist.tasks import send_local_list, sync_local_list
from stations.models import IdTag, Station
from stations.simulator import SimulatedChargePoint
from tests.conftest import needs_redis
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.stations.authlist.test_local_list import holding, url
from tests.test_admin import _hidden_fields, admin_session, make_user

# Without REDIS_URL the send task runs eagerly in the server; with it no worker runs in tests.
eager_worker = pytest.mark.skipif(bool(os.environ.get("REDIS_URL")),
                                  reason="with REDIS_URL no worker runs the send task in tests")


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


# Keeping the lists in sync ---------------------------------------------------------------------

class HoldingVersionOne(SimulatedChargePoint):
    """A station that kept list version 1 through its reboot."""

    local_list_version = 1


class SlowToStore(SimulatedChargePoint):
    """A station that takes a while to store a list: the next change comes while it does."""

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList (storing)", {"list_version": list_version}))
        await asyncio.sleep(0.5)
        return await super().on_send_local_list(list_version, update_type, **kwargs)


def linked(station) -> Station:
    return Station.objects.select_related("server_process").get(pk=station.pk)


def sent_lists(cp) -> list[tuple[int, str, list]]:
    return [(p["list_version"], p["update_type"], p["entries"])
            for action, p in cp.received if action == "SendLocalList"]


def accepted(id_tag: str, **info) -> dict:
    return {"id_tag": id_tag, "id_tag_info": {"status": "Accepted", **info}}


@eager_worker
async def test_id_tag_changes_through_the_api_reach_each_connected_station_holding_a_list(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB")
    make_id_tag(outsider, "ALICE")
    station, password = make_station(tenant)
    bare, bare_password = make_station(tenant)
    foreign, foreign_password = make_station(outsider)
    async with charge_point(server, tenant, station, password) as cp, \
            charge_point(server, tenant, bare, bare_password) as bare_cp, \
            charge_point(server, outsider, foreign, foreign_password) as foreign_cp, \
            api_client(server, tenant) as api, api_client(server, outsider) as their_api:
        await their_api.post(url(foreign), json={"update_type": "Full"})
        await api.post(url(station), json={"update_type": "Full"})
        created = await api.post("/api/v1/id-tags/", json={"id_tag": "CAROL"})
        blocked = await api.patch("/api/v1/id-tags/ALICE/", json={"status": "Blocked"})
        await api.patch("/api/v1/id-tags/BOB/", json={"expiry_date": "2031-01-01T00:00:00Z"})
        await api.patch("/api/v1/id-tags/CAROL/", json={"parent_id_tag": "ALICE"})
        deleted = await api.delete("/api/v1/id-tags/BOB/")
        await api.patch("/api/v1/id-tags/ALICE/", json={"name": "Alice"})  # not on the list
        state = (await api.get(url(station))).json()
    assert (created.status_code, blocked.status_code, deleted.status_code) == (201, 200, 204)
    assert sent_lists(cp) == [
        (1, "Full", [accepted("ALICE"), accepted("BOB")]),
        (2, "Differential", [accepted("CAROL")]),
        (3, "Differential", [{"id_tag": "ALICE", "id_tag_info": {"status": "Blocked"}}]),
        (4, "Differential", [accepted("BOB", expiry_date="2031-01-01T00:00:00Z")]),
        (5, "Differential", [{"id_tag": "CAROL",
                              "id_tag_info": {"status": "Blocked", "parent_id_tag": "ALICE"}}]),
        (6, "Differential", [{"id_tag": "BOB"}]),
    ]
    assert sorted(cp.local_list) == ["ALICE", "CAROL"]
    assert (state["version"], state["in_sync"]) == (6, True)
    assert sent_lists(bare_cp) == []  # it holds no list
    assert [version for version, _, _ in sent_lists(foreign_cp)] == [1]


@eager_worker
async def test_changes_made_at_once_reach_the_station_as_consecutive_versions(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
        created = await asyncio.gather(*(api.post("/api/v1/id-tags/", json={"id_tag": f"NEW{n}"})
                                         for n in range(5)))
        state = (await api.get(url(station))).json()
    versions = [version for version, _, _ in sent_lists(cp)]
    assert [response.status_code for response in created] == [201] * 5
    assert versions == list(range(1, len(versions) + 1)) and len(versions) > 1
    assert sorted(cp.local_list) == ["ALICE", "NEW0", "NEW1", "NEW2", "NEW3", "NEW4"]
    assert (state["version"], state["in_sync"]) == (versions[-1], True)
    assert "VersionMismatch" not in [h["status"] for h in state["history"]]


async def test_a_station_offline_when_its_list_changed_gets_the_update_when_it_boots(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
    await eventually(lambda: not linked(station).connected)
    async with api_client(server, tenant) as api:
        await api.patch("/api/v1/id-tags/ALICE/", json={"status": "Blocked"})
        await api.post("/api/v1/id-tags/", json={"id_tag": "BOB"})
        stale = (await api.get(url(station))).json()
        due = LocalList.objects.get(station=station).sync_due
        async with charge_point(server, tenant, station, password, cls=HoldingVersionOne) as cp:
            await eventually(lambda: cp.local_list_version == 2)
            state = (await api.get(url(station))).json()
        async with charge_point(server, tenant, station, password, cls=HoldingVersionOne) as again:
            await asyncio.sleep(1)  # a boot with nothing due sends nothing
    assert (stale["in_sync"], due) == (False, True)
    assert sent_lists(cp) == [(2, "Differential", [
        {"id_tag": "ALICE", "id_tag_info": {"status": "Blocked"}}, accepted("BOB")])]
    assert (state["version"], state["in_sync"]) == (2, True)
    assert [(h["update_type"], h["status"]) for h in state["history"]] == [
        ("Differential", "Accepted"), ("Full", "Accepted")]
    assert LocalList.objects.get(station=station).sync_due is False
    assert sent_lists(again) == []


async def test_a_send_while_another_update_awaits_its_answer_is_a_409_until_that_one_is_stale(
        server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    held = LocalList.objects.create(tenant=tenant, station=station)
    waiting = LocalListUpdate.objects.create(tenant=tenant, local_list=held, update_type="Full",
                                             list_version=1)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        busy = await api.post(url(station), json={"update_type": "Full"})
        LocalListUpdate.objects.filter(pk=waiting.pk).update(
            created_at=datetime.now(UTC) - timedelta(minutes=5))  # its sender stopped
        sent = await api.post(url(station), json={"update_type": "Full"})
    assert busy.status_code == 409 and "awaits its answer" in busy.json()["detail"]
    assert (sent.status_code, sent.json()["status"], sent.json()["list_version"]) == (201, "Accepted", 1)
    assert [version for version, _, _ in sent_lists(cp)] == [1]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error) == ("SendFailed", "No answer was recorded: the sender stopped.")


@needs_redis  # the syncs run here, as a worker would; their CALLs travel over the shared layer
async def test_a_change_while_an_update_is_on_its_way_goes_out_after_it_as_the_next_version(server):
    """Here the change undoes what the update on its way carries: the list it replaces looks current."""
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    sync = sync_to_async(sync_local_list, thread_sensitive=False)
    async with charge_point(server, tenant, station, password, cls=SlowToStore) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"update_type": "Full"})
        make_id_tag(tenant, "BOB")
        due = await sync_to_async(local_lists_resync)(tenant_id=tenant.pk)
        first = asyncio.create_task(sync(station.pk))
        await eventually(lambda: len([a for a, _ in cp.received if a.endswith("(storing)")]) == 2)
        IdTag.objects.filter(tenant=tenant, id_tag="BOB").delete()
        due_again = await sync_to_async(local_lists_resync)(tenant_id=tenant.pk)
        second = await sync(station.pk)
        first = await first
        state = (await api.get(url(station))).json()
    assert due == due_again == [station.pk]
    assert (first, second) == ("Accepted", "nothing sent")  # the second left it to the first
    assert sent_lists(cp) == [(1, "Full", [accepted("ALICE")]),
                              (2, "Differential", [accepted("BOB")]),
                              (3, "Differential", [{"id_tag": "BOB"}])]
    assert cp.local_list == {"ALICE": {"status": "Accepted"}}
    assert (state["version"], state["in_sync"]) == (3, True)


async def test_id_tag_changes_in_the_admin_reach_a_station_when_it_boots(server):
    tenant = make_tenant()
    alice, bob = make_id_tag(tenant, "ALICE"), make_id_tag(tenant, "BOB")
    station, password = make_station(tenant)
    holding_station = LocalList.objects.create(tenant=tenant, station=station, version=1,
                                               snapshot=local_list_entries(tenant_id=tenant.pk))
    user = make_user(tenant=tenant, permissions=("view_idtag", "change_idtag", "delete_idtag"))
    async with admin_session(server, user) as http:
        page = await http.get(f"/admin/stations/idtag/{alice.pk}/change/")
        changed = await http.post(f"/admin/stations/idtag/{alice.pk}/change/", data=_hidden_fields(
            page.text) | {"tenant": str(tenant.pk), "id_tag": "ALICE", "status": "Blocked",
                          "expiry_date_0": "", "expiry_date_1": "", "parent_id_tag": "",
                          "name": "", "priority": "0", "_save": "Save"})
        page = await http.get(f"/admin/stations/idtag/{bob.pk}/delete/")
        deleted = await http.post(f"/admin/stations/idtag/{bob.pk}/delete/",
                                  data=_hidden_fields(page.text) | {"post": "yes"})
    holding_station.refresh_from_db()
    async with charge_point(server, tenant, station, password, cls=HoldingVersionOne) as cp:
        await eventually(lambda: cp.local_list_version == 2)
    assert changed.url.path == deleted.url.path == "/admin/stations/idtag/"
    assert holding_station.sync_due is True
    assert sent_lists(cp) == [(2, "Differential", [
        {"id_tag": "ALICE", "id_tag_info": {"status": "Blocked"}}, {"id_tag": "BOB"}])]


async def test_the_admin_takes_only_an_id_tag_of_the_stations_tenant_as_its_group(server):
    tenant, outsider = make_tenant(), make_tenant("Outsider")
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "DAVE", parent_id_tag="FLEET")
    make_id_tag(outsider, "THEIRS")
    station, password = make_station(tenant)
    held = LocalList.objects.create(tenant=tenant, station=station)
    user = make_user(tenant=tenant, permissions=("view_locallist", "change_locallist"))
    change = f"/admin/authlist/locallist/{held.pk}/change/"

    async def choose(http, group: str):
        page = await http.get(change)
        return await http.post(change, data=_hidden_fields(page.text) | {"group": group,
                                                                         "_save": "Save"})

    async with admin_session(server, user) as http:
        unknown = await choose(http, "NOPE")
        foreign = await choose(http, "THEIRS")
        kept = LocalList.objects.get(pk=held.pk).group
        chosen = await choose(http, "FLEET")
    async with charge_point(server, tenant, station, password) as cp:
        await eventually(lambda: cp.local_list_version == 1)
    for refused in (unknown, foreign):
        assert refused.url.path == change and "No id tag of this station" in refused.text
    assert kept == ""
    assert chosen.url.path == "/admin/authlist/locallist/"
    assert LocalList.objects.get(pk=held.pk).group == "FLEET"
    assert cp.local_list == {"DAVE": {"status": "Accepted", "parent_id_tag": "FLEET"}}


async def test_a_station_that_boots_with_another_list_gets_the_full_list_after_its_mismatch(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    holding(tenant)  # another station of the tenant, offline
    LocalList.objects.create(tenant=tenant, station=station, version=1,
                             snapshot=local_list_entries(tenant_id=tenant.pk))
    make_id_tag(tenant, "BOB")
    due = local_lists_resync(tenant_id=tenant.pk)

    class HoldingAnotherList(SimulatedChargePoint):
        local_list_version = 7

    async with charge_point(server, tenant, station, password, cls=HoldingAnotherList) as cp, \
            api_client(server, tenant) as api:
        await eventually(lambda: len(sent_lists(cp)) == 2)
        state = (await api.get(url(station))).json()
    assert station.pk in due
    assert sent_lists(cp) == [(2, "Differential", [accepted("BOB")]),
                              (2, "Full", [accepted("ALICE"), accepted("BOB")])]
    assert [(h["update_type"], h["status"]) for h in state["history"]] == [
        ("Full", "Accepted"), ("Differential", "VersionMismatch")]
    assert (state["version"], state["in_sync"]) == (2, True)


class MismatchThenBroken(SimulatedChargePoint):
    local_list_version = 7

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version, update_type, **kwargs):
        self.received.append(("SendLocalList", {"update_type": update_type}))
        if update_type == "Differential":
            return call_result.SendLocalList(status="VersionMismatch")
        raise InternalError(description="the list storage is broken")


async def test_a_full_list_the_station_fails_to_take_after_a_mismatch_stays_due(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    LocalList.objects.create(tenant=tenant, station=station, version=1,
                             snapshot=local_list_entries(tenant_id=tenant.pk))
    make_id_tag(tenant, "BOB")
    local_lists_resync(tenant_id=tenant.pk)
    async with charge_point(server, tenant, station, password, cls=MismatchThenBroken) as cp:
        await eventually(lambda: len(cp.received) == 2)
        await eventually(lambda: LocalList.objects.get(station=station).sync_due)
    assert [payload["update_type"] for _, payload in cp.received] == ["Differential", "Full"]
    assert LocalList.objects.get(station=station).version == 1
