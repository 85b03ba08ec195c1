"""A load group's tariff lives in billing (LoadGroupTariff), set through group_tariff_set: the
one "tariff changed" rule snapshots the running sessions of the group's stations once, before
the change. A station joining or leaving a group is told to billing by load management's
StationGroupChanging event (loadmgmt/events.py), so its running sessions keep their tariff too.
The load-group API, page and admin read and write the tariff as before; pricing resolves a
station's own tariff, else its group's, else the default, from one read of the station."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from billing.models import LoadGroupTariff
from billing.selectors import STATION_TARIFFS, group_tariff_of, tariff_for_station
from billing.services import TariffInUse, group_tariff_set, tariff_delete, tariff_update
from loadmgmt.events import StationGroupChanging
from loadmgmt.models import LoadGroup
from loadmgmt.services import station_group_set
from stations import events
from stations.models import Station
from tenants.models import Role
from tests.factories import make_station, set_group_tariff, set_station_group
from tests.fast.billing.test_station_tariffs import make_tariff, running_session, snapshots
from tests.fast.clients import signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db


def make_group(tenant, name: str = "Garage", tariff=None) -> LoadGroup:
    group = LoadGroup.objects.create(tenant=tenant, name=name, max_current=63)
    set_group_tariff(group, tariff)
    return group


# group_tariff_set --------------------------------------------------------------------------

def test_a_new_group_tariff_snapshots_the_running_sessions_of_its_stations_once(tenant):
    day, night = make_tariff(tenant, "Day"), make_tariff(tenant, "Night")
    group = make_group(tenant, tariff=day)
    station, _ = make_station(tenant, load_group=group)
    session = running_session(station)
    group_tariff_set(group=group, tariff=night)
    group_tariff_set(group=group, tariff=None)
    assert snapshots(session) == ["Day"]
    assert group_tariff_of(group_id=group.pk) is None
    assert not LoadGroupTariff.objects.filter(group=group).exists()


def test_the_same_tariff_again_changes_nothing(tenant):
    day = make_tariff(tenant, "Day")
    group = make_group(tenant, tariff=day)
    station, _ = make_station(tenant, load_group=group)
    session = running_session(station)
    group_tariff_set(group=group, tariff=day)
    assert snapshots(session) == []
    assert group_tariff_of(group_id=group.pk) == day


def test_another_tenants_tariff_is_refused_for_a_group(tenant, other_tenant):
    group = make_group(tenant)
    with pytest.raises(ValidationError):
        group_tariff_set(group=group, tariff=make_tariff(other_tenant, "Theirs"))
    assert group_tariff_of(group_id=group.pk) is None


def test_a_tariff_assigned_to_a_group_is_not_deleted_and_an_edit_in_use_moves_the_group_along(tenant):
    day = make_tariff(tenant, "Day")
    group = make_group(tenant, tariff=day)
    with pytest.raises(TariffInUse, match="load group Garage"):
        tariff_delete(tariff=day)
    station, _ = make_station(tenant, load_group=group)
    running_session(station)  # in use: an edit makes a new version
    new = tariff_update(tariff=day, vat_rate=Decimal(7))
    assert new.pk != day.pk and group_tariff_of(group_id=group.pk) == new


# Joining and leaving a group: load management's event, billing's rule -----------------------

def test_a_station_joining_a_group_publishes_the_change_before_it_is_written(tenant):
    group = make_group(tenant)
    station, _ = make_station(tenant)
    seen = []

    def listener(event):
        member = Station.objects.filter(pk=station.pk, load_group_membership__isnull=False).exists()
        seen.append((event, member))

    events.subscribe(StationGroupChanging, listener)
    try:
        station_group_set(station=station, group=group)
        station_group_set(station=station, group=group)  # no change: nothing told
        station_group_set(station=station, group=None)
    finally:
        events.unsubscribe(StationGroupChanging, listener)
    assert seen == [
        (StationGroupChanging(station_id=station.pk, tenant_id=tenant.pk, group_id_before=None,
                              group_id_after=group.pk), False),
        (StationGroupChanging(station_id=station.pk, tenant_id=tenant.pk, group_id_before=group.pk,
                              group_id_after=None), True)]


def test_a_running_session_keeps_its_tariff_when_its_station_joins_a_group_with_another(tenant):
    make_tariff(tenant, "Default", is_default=True)
    group = make_group(tenant, tariff=make_tariff(tenant, "Garage"))
    station, _ = make_station(tenant)
    session = running_session(station)
    station_group_set(station=station, group=group)
    assert snapshots(session) == ["Default"]
    assert tariff_for_station(Station.objects.get(pk=station.pk)).name == "Garage"


# Pricing resolution ------------------------------------------------------------------------

def test_a_station_read_with_its_tariffs_resolves_its_groups_tariff_without_another_query(
        tenant, django_assert_num_queries):
    garage = make_tariff(tenant, "Garage")
    station, _ = make_station(tenant, load_group=make_group(tenant, tariff=garage))
    with django_assert_num_queries(1):
        resolved = tariff_for_station(Station.objects.select_related(*STATION_TARIFFS).get(pk=station.pk))
    assert resolved == garage


def test_a_group_without_a_tariff_leaves_its_stations_the_default(tenant):
    default = make_tariff(tenant, "Default", is_default=True)
    station, _ = make_station(tenant)
    set_station_group(station, make_group(tenant))
    assert tariff_for_station(Station.objects.get(pk=station.pk)) == default


# The load-group API, page and admin --------------------------------------------------------

def test_the_load_group_api_reads_and_writes_its_tariff_by_id_as_before(tenant, other_tenant, owner_api,
                                                                        member_api):
    day, night = make_tariff(tenant, "Day"), make_tariff(tenant, "Night")
    made = owner_api.post("/api/v1/load-groups/", json={"name": "Garage", "max_current": "63",
                                                       "tariff": day.pk})
    group_id = made.json()["id"]
    changed = owner_api.patch(f"/api/v1/load-groups/{group_id}/", json={"tariff": night.pk})
    theirs = owner_api.patch(f"/api/v1/load-groups/{group_id}/",
                             json={"tariff": make_tariff(other_tenant, "Theirs").pk})
    old = make_tariff(tenant, "Old", superseded_at=timezone.now())
    superseded = owner_api.patch(f"/api/v1/load-groups/{group_id}/", json={"tariff": old.pk})
    listed = owner_api.get("/api/v1/load-groups/").json()["results"]
    hidden = member_api.get(f"/api/v1/load-groups/{group_id}/").json()
    cleared = owner_api.patch(f"/api/v1/load-groups/{group_id}/", json={"tariff": None})
    assert made.status_code == 201 and made.json()["tariff"] == day.pk
    assert changed.status_code == 200 and changed.json()["tariff"] == night.pk
    assert theirs.status_code == 400
    assert theirs.json() == superseded.json() == {"tariff": ["No such tariff (or an old version of one)."]}
    assert listed[0]["tariff"] == night.pk
    assert "tariff" not in hidden
    assert cleared.status_code == 200 and cleared.json()["tariff"] is None
    assert group_tariff_of(group_id=group_id) is None


def test_the_group_page_shows_its_tariff_to_money_roles_only(tenant, owner, member):
    group = make_group(tenant, tariff=make_tariff(tenant, "Garage rate"))
    for_owner = signed_in(owner).get(f"/load-groups/{group.pk}/")
    for_member = signed_in(member).get(f"/load-groups/{group.pk}/")
    assert for_owner.status_code == for_member.status_code == 200
    assert "Garage rate" in for_owner.content.decode()
    assert "Garage rate" not in for_member.content.decode()


def test_the_admin_shows_and_sets_a_groups_tariff_through_billing(tenant):
    day, night = make_tariff(tenant, "Day"), make_tariff(tenant, "Night")
    group = make_group(tenant, tariff=day)
    station, _ = make_station(tenant, load_group=group)
    session = running_session(station)
    admin = Client()
    admin.force_login(make_user(superuser=True))
    page = admin.get(f"/admin/loadmgmt/loadgroup/{group.pk}/change/").content.decode()
    saved = admin.post(f"/admin/loadmgmt/loadgroup/{group.pk}/change/", data={
        "tenant": tenant.pk, "name": "Garage", "max_current": "63", "phases": "3", "voltage": "230",
        "min_current": "6", "failsafe_current": "6", "safety_margin": "0", "base_load_current": "0",
        "base_load_source": "fixed", "base_load_meter": "", "tariff": str(night.pk), "_save": "Save",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000", "members-0-station": station.pk, "members-0-group": group.pk})
    assert f'<option value="{day.pk}" selected>' in page
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert group_tariff_of(group_id=group.pk) == night
    assert snapshots(session) == ["Day"]


def test_an_installer_in_the_admin_sees_no_group_tariff_and_keeps_it(tenant):
    day = make_tariff(tenant, "Day")
    group = make_group(tenant, tariff=day)
    installer = make_user(tenant=tenant, role=Role.INSTALLER,
                          permissions=("view_loadgroup", "change_loadgroup"))
    admin = Client()
    admin.force_login(installer)
    page = admin.get(f"/admin/loadmgmt/loadgroup/{group.pk}/change/").content.decode()
    saved = admin.post(f"/admin/loadmgmt/loadgroup/{group.pk}/change/", data={
        "tenant": tenant.pk, "name": "Garage", "max_current": "40", "phases": "3", "voltage": "230",
        "min_current": "6", "failsafe_current": "6", "safety_margin": "0", "base_load_current": "0",
        "base_load_source": "fixed", "base_load_meter": "", "tariff": "", "_save": "Save",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000"})
    assert 'name="tariff"' not in page
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert LoadGroup.objects.get(pk=group.pk).max_current == 40
    assert group_tariff_of(group_id=group.pk) == day
