"""A station's own tariff lives in billing (StationTariff), set through station_tariff_set: the
one "tariff changed" rule snapshots the station's running sessions once, before the change, so
they keep the tariff they started under; the station API reads and writes it as before."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from billing.models import SessionPrice, StationTariff
from billing.selectors import station_tariff_of, tariff_for_station
from billing.services import station_tariff_set, tariff_create
from loadmgmt.models import LoadGroup
from loadmgmt.services import station_group_set
from stations.models import ChargingSession, Station
from stations.services.transactions import transaction_start
from tests.factories import make_station, make_tenant, set_group_tariff
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

ENERGY = [{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}]


def make_tariff(tenant, name: str, **fields):
    return tariff_create(tenant=tenant, name=name, currency="EUR", vat_rate="19", elements=ENERGY,
                         **fields)


def running_session(station) -> ChargingSession:
    now = datetime.now(UTC)
    transaction_start(station=station, received_at=now, payload={
        "connectorId": 1, "idTag": "ANY", "meterStart": 0, "timestamp": now.isoformat()})
    return ChargingSession.objects.get(station=station)


def snapshots(session) -> list:
    return list(SessionPrice.objects.filter(session=session).values_list("tariff__name", flat=True))


def test_setting_a_tariff_snapshots_the_running_sessions_once_with_the_tariff_they_started_under():
    tenant = make_tenant()
    first, second, third = (make_tariff(tenant, name) for name in ("First", "Second", "Third"))
    station, _ = make_station(tenant, tariff=first)
    session = running_session(station)
    station_tariff_set(station=station, tariff=second)
    station_tariff_set(station=station, tariff=second)
    station_tariff_set(station=station, tariff=third)
    station_tariff_set(station=station, tariff=None)
    assert snapshots(session) == ["First"]
    assert station_tariff_of(station_id=station.pk) is None


def test_the_same_tariff_again_changes_nothing():
    tenant = make_tenant()
    tariff = make_tariff(tenant, "Only")
    station, _ = make_station(tenant, tariff=tariff)
    session = running_session(station)
    station_tariff_set(station=station, tariff=tariff)
    assert snapshots(session) == []
    assert StationTariff.objects.get(station=station).tariff == tariff


def test_joining_a_group_after_a_tariff_change_takes_no_second_snapshot():
    tenant = make_tenant()
    own, garage = make_tariff(tenant, "Own"), make_tariff(tenant, "Garage")
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=63)
    set_group_tariff(group, garage)
    station, _ = make_station(tenant, tariff=own)
    session = running_session(station)
    station_tariff_set(station=station, tariff=None)
    station_group_set(station=station, group=group)
    assert snapshots(session) == ["Own"]
    assert tariff_for_station(Station.objects.get(pk=station.pk)) == garage


def test_another_tenants_tariff_is_refused():
    tenant, other = make_tenant(), make_tenant()
    station, _ = make_station(tenant)
    with pytest.raises(ValidationError):
        station_tariff_set(station=station, tariff=make_tariff(other, "Theirs"))
    assert not StationTariff.objects.filter(station=station).exists()


def test_the_api_sets_and_reads_the_tariff_by_id_as_before():
    tenant = make_tenant()
    first, second = make_tariff(tenant, "First"), make_tariff(tenant, "Second")
    station, _ = make_station(tenant, tariff=first)
    session = running_session(station)
    with api_client(tenant) as api:
        read = api.get(f"/api/v1/stations/{station.identity}/").json()
        moved = api.patch(f"/api/v1/stations/{station.identity}/", json={"tariff": second.pk})
        again = api.patch(f"/api/v1/stations/{station.identity}/", json={"tariff": second.pk})
        created = api.post("/api/v1/stations/", json={"identity": "NEW-CP", "tariff": first.pk})
        cleared = api.patch(f"/api/v1/stations/{station.identity}/", json={"tariff": None})
        listed = api.get("/api/v1/stations/").json()["results"]
    assert read["tariff"] == first.pk
    assert moved.status_code == 200 and moved.json()["tariff"] == second.pk
    assert again.status_code == 200 and snapshots(session) == ["First"]
    assert created.status_code == 201 and created.json()["tariff"] == first.pk
    assert cleared.status_code == 200 and cleared.json()["tariff"] is None
    assert {s["identity"]: s["tariff"] for s in listed} == {station.identity: None, "NEW-CP": first.pk}
