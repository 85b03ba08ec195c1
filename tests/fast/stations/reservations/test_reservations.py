"""Reservations without a station: one left pending past its expiry expires too, a station not
connected is a 409 the reservation records, an unknown one is a 404 (with a real station over a real
WebSocket: tests/test_reservations.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from stations.reservations.models import Reservation
from stations.reservations.services import (
    reservation_answer,
    reservation_create,
    reservation_station_update,
)
from stations.reservations.tasks import expire_reservations
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def in_an_hour() -> str:
    return iso(datetime.now(UTC) + timedelta(hours=1))


def url(station, tail: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/reservations/{tail}"


def test_a_reservation_left_pending_past_its_expiry_expires_too():
    tenant = make_tenant()
    alice = make_id_tag(tenant, "ALICE")
    station, _ = make_station(tenant)
    # ReserveNow went out but its answer was never recorded: the sending process died.
    lost = reservation_create(station=station, connector_id=1, id_tag=alice,
                              expiry_date=datetime.now(UTC) + timedelta(minutes=1))
    waiting = reservation_create(station=station, connector_id=0, id_tag=alice,
                                 expiry_date=datetime.now(UTC) + timedelta(hours=1))
    Reservation.objects.filter(pk=lost.pk).update(expiry_date=datetime.now(UTC) - timedelta(seconds=1))
    expired = expire_reservations()
    late = reservation_answer(reservation_id=lost.pk, status="Accepted")
    with api_client(tenant) as api:
        statuses = {r["reservation_id"]: r["status"]
                    for r in (api.get(url(station))).json()["results"]}
    assert expired == 1
    assert late.status == "Expired"  # an answer arriving after all changes nothing
    assert statuses == {lost.reservation_id: "Expired", waiting.reservation_id: "Pending"}


def test_a_station_that_is_not_connected_is_a_409_and_the_reservation_says_so():
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        made = api.post(url(station), json={"connector_id": 1, "id_tag": "ALICE",
                                            "expiry_date": in_an_hour()})
        listed = (api.get(url(station))).json()
    assert made.status_code == 409
    assert listed["results"][0]["status"] == "SendFailed"
    assert "not connected" in listed["results"][0]["error"]


def test_an_unknown_reservation_is_a_404():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        response = api.get(url(station, "99/"))
    assert response.status_code == 404


def test_a_2_0_1_station_s_reservation_status_update_ends_an_open_reservation_only():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    tag = make_id_tag(tenant, "RES-UPDATE")
    expiry = datetime.now(UTC) + timedelta(hours=1)
    removed = reservation_create(station=station, connector_id=1, id_tag=tag, expiry_date=expiry)
    expired = reservation_create(station=station, connector_id=2, id_tag=tag, expiry_date=expiry)
    reservation_answer(reservation_id=removed.pk, status="Accepted")
    reservation_answer(reservation_id=expired.pk, status="Accepted")
    assert reservation_station_update(station_id=station.pk, reservation_id=removed.reservation_id,
                                      status="Removed")
    assert reservation_station_update(station_id=station.pk, reservation_id=expired.reservation_id,
                                      status="Expired")
    assert not reservation_station_update(station_id=station.pk,
                                          reservation_id=removed.reservation_id, status="Expired")
    assert [Reservation.objects.get(pk=r.pk).status for r in (removed, expired)] == [
        "Cancelled", "Expired"]
