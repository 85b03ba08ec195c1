"""A station's load group lives in load management (LoadGroupMember), set through
station_group_set: the station core has no column for it. Joining, changing and leaving are
refused across tenants, snapshot the running sessions (the group's tariff may be theirs) and
queue the station's move once committed; the station API reads and writes `load_group` as before."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from loadmgmt.models import LoadGroup, LoadGroupMember
from loadmgmt.selectors import group_id_of
from loadmgmt.services import station_group_set
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


def make_group(tenant, name: str = "Garage") -> LoadGroup:
    return LoadGroup.objects.create(tenant=tenant, name=name, max_current=63)


def test_a_station_joins_changes_and_leaves_its_group(django_capture_on_commit_callbacks):
    tenant = make_tenant()
    garage, yard = make_group(tenant), make_group(tenant, "Yard")
    station, _ = make_station(tenant)
    with django_capture_on_commit_callbacks() as moves:
        station_group_set(station=station, group=garage)
        joined = group_id_of(station_id=station.pk)
        station_group_set(station=station, group=garage)  # no change: nothing to do
        station_group_set(station=station, group=yard)
        changed = group_id_of(station_id=station.pk)
        station_group_set(station=station, group=None)
    assert (joined, changed, group_id_of(station_id=station.pk)) == (garage.pk, yard.pk, None)
    assert len(moves) == 3  # one station_moved task per change, once committed
    assert list(garage.stations.all()) == [] and not LoadGroupMember.objects.exists()


def test_a_group_of_another_tenant_is_refused():
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    with pytest.raises(ValidationError):
        station_group_set(station=station, group=make_group(other))
    assert group_id_of(station_id=station.pk) is None


def test_a_group_change_whose_tariff_rule_fails_is_not_written(monkeypatch):
    from billing import subscriptions

    def failing(**kwargs):
        raise RuntimeError("the snapshot could not be taken")

    monkeypatch.setattr(subscriptions, "stations_tariff_changing", failing)
    tenant = make_tenant()
    garage = make_group(tenant)
    station, _ = make_station(tenant)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            station_group_set(station=station, group=garage)
    assert group_id_of(station_id=station.pk) is None


def test_a_groups_stations_are_its_members():
    tenant = make_tenant()
    garage = make_group(tenant)
    first, _ = make_station(tenant, load_group=garage)
    make_station(tenant)
    assert list(garage.stations.all()) == [first]
    assert list(LoadGroup.objects.filter(stations__isnull=False).distinct()) == [garage]


def test_the_api_sets_and_reads_the_load_group_by_id_as_before():
    tenant, other = make_tenant(), make_tenant()
    garage = make_group(tenant)
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        joined = api.patch(f"/api/v1/stations/{station.identity}/", json={"load_group": garage.pk})
        foreign = api.patch(f"/api/v1/stations/{station.identity}/",
                            json={"load_group": make_group(other).pk})
        created = api.post("/api/v1/stations/", json={"identity": "NEW-CP", "load_group": garage.pk})
        group = api.get(f"/api/v1/load-groups/{garage.pk}/").json()
        left = api.patch(f"/api/v1/stations/{station.identity}/", json={"load_group": None})
    assert joined.status_code == 200 and joined.json()["load_group"] == garage.pk
    assert foreign.status_code == 400 and "load_group" in foreign.json()
    assert created.status_code == 201 and created.json()["load_group"] == garage.pk
    assert sorted(group["stations"]) == sorted(["NEW-CP", station.identity])
    assert left.status_code == 200 and left.json()["load_group"] is None
