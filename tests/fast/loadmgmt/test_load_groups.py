"""load_group_create and load_group_update take plain values (the API and the dashboard pass
their serializer's validated data): stations join and leave, a changed failsafe is sent again,
an edit rebalances once committed; and, through the edge that adds billing's tariff
(loadmgmt/group_tariff.py), a new tariff leaves running sessions with theirs."""

from decimal import Decimal

import pytest

from billing.models import SessionPrice
from billing.selectors import group_tariff_of
from billing.services import tariff_create
from loadmgmt.group_tariff import load_group_with_tariff_create, load_group_with_tariff_update
from loadmgmt.services import load_group_create, load_group_update
from tests.factories import make_station
from tests.fast.billing.test_tariffs import start_session_on

pytestmark = pytest.mark.django_db

ENERGY = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]


def test_a_group_is_created_with_its_stations(tenant):
    first, _ = make_station(tenant)
    second, _ = make_station(tenant)
    group = load_group_create(tenant=tenant, name="Garage", max_current=Decimal(63),
                              stations=[first, second])
    assert (group.tenant, set(group.stations.all())) == (tenant, {first, second})


def test_an_update_without_stations_keeps_them_and_with_none_frees_them(
        tenant, django_capture_on_commit_callbacks):
    station, _ = make_station(tenant)
    group = load_group_create(tenant=tenant, name="Garage", max_current=Decimal(63),
                              stations=[station])
    with django_capture_on_commit_callbacks() as queued:
        load_group_update(group=group, name="Car park")
    group.refresh_from_db()
    assert (group.name, list(group.stations.all())) == ("Car park", [station])
    assert len(queued) == 1  # the rebalance
    load_group_update(group=group, stations=[])
    assert list(group.stations.all()) == []


def test_a_changed_failsafe_is_sent_to_each_station_again(tenant, django_capture_on_commit_callbacks):
    station, _ = make_station(tenant)
    group = load_group_create(tenant=tenant, name="Garage", max_current=Decimal(63),
                              stations=[station])
    with django_capture_on_commit_callbacks() as queued:
        load_group_update(group=group, failsafe_current=Decimal(8))  # default 6
    assert len(queued) == 2  # the failsafe to the station, the rebalance


def test_a_new_tariff_leaves_running_sessions_with_theirs(tenant):
    before = tariff_create(tenant=tenant, name="Day", currency="EUR", vat_rate=Decimal(19),
                           elements=ENERGY)
    after = tariff_create(tenant=tenant, name="Night", currency="EUR", vat_rate=Decimal(19),
                          elements=ENERGY)
    station, _ = make_station(tenant)
    group = load_group_with_tariff_create(tenant=tenant, name="Garage", max_current=Decimal(63),
                                          stations=[station], tariff=before)
    start_session_on(station)
    load_group_with_tariff_update(group=group, tariff=after)
    assert group_tariff_of(group_id=group.pk) == after
    assert SessionPrice.objects.get(session__station=station).tariff == before
