"""The load-group API: the fields of docs/api.md, validation with reasons, stations joining and
leaving (their load profiles follow), allocation history, base loads, and tenancy."""

from loadmgmt.models import Allocation, LoadGroup
from loadmgmt.selectors import group_id_of
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant
from tests.test_load_management import limit_of, make_group


async def test_a_group_is_created_with_its_stations_and_read_back(server):
    tenant = make_tenant()
    (one, _), (two, _) = make_station(tenant), make_station(tenant)
    async with api_client(server, tenant) as api:
        group = await make_group(api, [one, two], max_current="63", phases=3, voltage=230,
                                 safety_margin="2", base_load_current="5")
        listed = (await api.get("/api/v1/load-groups/")).json()
        station = (await api.get(f"/api/v1/stations/{one.identity}/")).json()
    assert {k: group[k] for k in ("name", "max_current", "phases", "voltage", "min_current",
                                  "base_load_current", "safety_margin")} == {
        "name": "Car park", "max_current": "63.0", "phases": 3, "voltage": 230, "min_current": "6.0",
        "base_load_current": "5.0", "safety_margin": "2.0"}
    assert sorted(group["stations"]) == sorted([one.identity, two.identity])
    assert listed["count"] == 1 and listed["results"][0]["id"] == group["id"]
    assert station["load_group"] == group["id"] and station["max_current"] == "32.0"


async def test_bad_groups_get_a_400_with_the_reason(server):
    tenant, other = make_tenant(), make_tenant()
    (foreign, _) = make_station(other)
    async with api_client(server, tenant) as api:
        cases = {
            "min_current": {"name": "G", "max_current": "32", "min_current": "4"},
            "failsafe_current": {"name": "G", "max_current": "32", "failsafe_current": "3"},
            "max_current": {"name": "G", "max_current": "5"},
            "phases": {"name": "G", "max_current": "32", "phases": 2},
            "stations": {"name": "G", "max_current": "32", "stations": [foreign.identity]},
            "base_load_meter": {"name": "G", "max_current": "32", "base_load_source": "meter"},
        }
        answers = {field: await api.post("/api/v1/load-groups/", json=body)
                   for field, body in cases.items()}
    for field, answer in answers.items():
        assert answer.status_code == 400, (field, answer.text)
        assert field in answer.json(), (field, answer.json())
    assert not LoadGroup.objects.filter(tenant=tenant).exists()


async def test_another_tenant_gets_nothing(server):
    tenant, other = make_tenant(), make_tenant()
    (station, _) = make_station(tenant)
    async with api_client(server, tenant) as api, api_client(server, other) as outsider:
        group = await make_group(api, [station])
        answers = [await outsider.get(f"/api/v1/load-groups/{group['id']}/"),
                   await outsider.get(f"/api/v1/load-groups/{group['id']}/allocation/"),
                   await outsider.post(f"/api/v1/load-groups/{group['id']}/rebalance/"),
                   await outsider.patch(f"/api/v1/load-groups/{group['id']}/", json={"name": "x"}),
                   await outsider.delete(f"/api/v1/load-groups/{group['id']}/")]
        listed = (await outsider.get("/api/v1/load-groups/")).json()
        joined = await outsider.patch(f"/api/v1/stations/{station.identity}/",
                                      json={"load_group": group["id"]})
        theirs = make_station(other)[0]
        foreign_group = await outsider.patch(f"/api/v1/stations/{theirs.identity}/",
                                             json={"load_group": group["id"]})
    assert [a.status_code for a in answers] == [404] * 5
    assert listed["count"] == 0
    assert joined.status_code == 404
    assert foreign_group.status_code == 400 and "load_group" in foreign_group.json()


async def test_a_station_that_leaves_its_group_has_its_load_profiles_cleared(server, celery_worker):
    tenant = make_tenant()
    pair = make_station(tenant)
    async with api_client(server, tenant) as api, charge_point(server, tenant, *pair) as cp:
        group = await make_group(api, [pair[0]], failsafe_current="10")
        await eventually(lambda: limit_of(cp) == 10.0)  # joined while connected: the failsafe
        left = await api.patch(f"/api/v1/stations/{pair[0].identity}/", json={"load_group": None})
        await eventually(lambda: not cp.charging_profiles[0])
        group_now = (await api.get(f"/api/v1/load-groups/{group['id']}/")).json()
    assert left.status_code == 200 and left.json()["load_group"] is None
    assert group_now["stations"] == []
    assert ("ClearChargingProfile", {"id": None, "connector_id": None}) in cp.received


async def test_editing_the_failsafe_resends_it_and_deleting_the_group_frees_its_stations(
        server, celery_worker):
    tenant = make_tenant()
    pair = make_station(tenant)
    async with api_client(server, tenant) as api, charge_point(server, tenant, *pair) as cp:
        group = await make_group(api, [pair[0]])
        await eventually(lambda: limit_of(cp) == 6.0)
        edited = await api.patch(f"/api/v1/load-groups/{group['id']}/", json={"failsafe_current": "8"})
        await eventually(lambda: limit_of(cp) == 8.0)
        deleted = await api.delete(f"/api/v1/load-groups/{group['id']}/")
        await eventually(lambda: not cp.charging_profiles[0])
    assert edited.status_code == 200 and edited.json()["failsafe_current"] == "8.0"
    assert deleted.status_code == 204
    assert group_id_of(station_id=pair[0].pk) is None


async def test_the_allocation_shows_the_latest_run_and_its_history(server, celery_worker):
    tenant = make_tenant()
    pairs = [make_station(tenant) for _ in range(2)]
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api:
        group = await make_group(api, [s for s, _ in pairs], max_current="64")
        preview = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
        async with charge_point(server, tenant, *pairs[0]) as a:
            await a.start_transaction(1, tag.id_tag)
            await eventually(lambda: limit_of(a) == 32.0)
            ran = await api.post(f"/api/v1/load-groups/{group['id']}/rebalance/")
            allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/?history=2")).json()
            bad = await api.get(f"/api/v1/load-groups/{group['id']}/allocation/?history=many")
    assert {e["station"] for e in preview["connectors"]} == {s.identity for s, _ in pairs}
    assert ran.status_code == 200 and ran.json()["reason"] == "on demand"
    assert allocation["id"] == ran.json()["id"]
    assert len(allocation["history"]) == 2
    assert [h["created_at"] for h in allocation["history"]] == sorted(
        [h["created_at"] for h in allocation["history"]], reverse=True)
    entry = next(e for e in allocation["connectors"] if e["station"] == pairs[0][0].identity)
    assert entry["limit"] == "32.0" and entry["transaction_id"] is not None and entry["steered"]
    # `b` never connected: offline, counted at its maximum on every phase
    assert allocation["reserved"] == {"1": "32.0", "2": "32.0", "3": "32.0"}
    assert bad.status_code == 400 and "history" in bad.json()
    assert Allocation.objects.filter(group_id=group["id"]).count() >= 3


async def test_a_base_load_is_pushed_only_to_a_group_that_takes_measurements(server):
    tenant = make_tenant()
    async with api_client(server, tenant) as api:
        fixed = await make_group(api, [])
        measured = await make_group(api, [], base_load_source="api")
        refused = await api.post(f"/api/v1/load-groups/{fixed['id']}/base-load/", json={"current": "5"})
        both = await api.post(f"/api/v1/load-groups/{measured['id']}/base-load/",
                              json={"current": "5", "currents": {"1": "5"}})
        bad_phase = await api.post(f"/api/v1/load-groups/{measured['id']}/base-load/",
                                   json={"currents": {"4": "5"}})
        pushed = await api.post(f"/api/v1/load-groups/{measured['id']}/base-load/",
                                json={"currents": {"1": "12.5", "2": "3"}})
    assert refused.status_code == 400 and "base_load_source" in refused.json()
    assert both.status_code == 400 and bad_phase.status_code == 400
    assert pushed.status_code == 200
    assert pushed.json()["base_load_measured"] == {"1": "12.5", "2": "3.0", "3": "0"}


async def test_a_connected_station_that_joins_a_group_is_steered_from_its_next_session(server, celery_worker):
    tenant = make_tenant()
    pair = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, charge_point(server, tenant, *pair) as cp:
        group = await make_group(api, [], max_current="20")
        joined = await api.patch(f"/api/v1/stations/{pair[0].identity}/", json={"load_group": group["id"]})
        await eventually(lambda: limit_of(cp) == 6.0)  # the failsafe, on joining
        await cp.start_transaction(1, tag.id_tag)
        await eventually(lambda: limit_of(cp) == 20.0, timeout=5)  # not a minute later: at once
    assert joined.status_code == 200
