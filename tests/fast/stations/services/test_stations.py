"""station_update takes plain values: the station's own fields, and a new password that
replaces the old one (and any rotated password still pending)."""

import pytest

from stations.models import Station
from stations.services.stations import station_update
from tenants.secrets import check_password
from tests.factories import make_station

pytestmark = pytest.mark.django_db


def test_an_update_saves_the_given_fields(tenant):
    station, password = make_station(tenant)
    station_update(station=station, name="Garage 2", max_current=16)
    station = Station.objects.get(pk=station.pk)
    assert (station.name, station.max_current) == ("Garage 2", 16)
    assert check_password(password, station.password_hash)  # no password given: kept


def test_a_new_password_replaces_the_old_and_the_pending_one(tenant):
    station, old = make_station(tenant)
    Station.objects.filter(pk=station.pk).update(pending_password_hash="pending")
    station.refresh_from_db()
    station_update(station=station, password="a-new-Password-1234")
    station = Station.objects.get(pk=station.pk)
    assert check_password("a-new-Password-1234", station.password_hash)
    assert not check_password(old, station.password_hash) and station.pending_password_hash == ""
