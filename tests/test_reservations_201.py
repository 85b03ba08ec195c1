"""Reservations of an OCPP 2.0.1 station over a real WebSocket, beyond 1.6's: a connector type
(`connector_type`, any EVSE with such a connector), id tokens up to 36 characters sent with their
type, and the same API refusing what a 1.6 station cannot carry (docs/api.md, reservations)."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.reservations.models import Reservation
from stations.simulator.v201.reservations import ReservationStation201
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    make_id_tag,
    make_station,
    make_tenant,
)

TOKEN_36 = "E" * 36


def _url(station) -> str:
    return f"/api/v1/stations/{station.identity}/reservations/"


def _in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


async def test_a_36_character_token_reserves_a_connector_type_with_its_type(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, TOKEN_36, token_type="eMAID")
    async with charge_point_201(server, tenant, station, password, evses=2) as cp, \
            api_client(server, tenant) as api:
        cp.connector_types[2] = "cCCS2"
        made = await api.post(_url(station), json={
            "connector_id": 0, "connector_type": "cCCS2", "id_tag": TOKEN_36,
            "expiry_date": _in_an_hour()})
        absent = await api.post(_url(station), json={
            "connector_id": 0, "connector_type": "cTesla", "id_tag": TOKEN_36,
            "expiry_date": _in_an_hour()})
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["connector_type"], made.json()["token_type"]) == (
        "Accepted", "cCCS2", "eMAID")
    assert absent.json()["status"] == "Rejected"  # no EVSE has such a connector
    sent = [p for action, p in cp.received if action == "ReserveNow"][0]
    assert sent["id_token"] == {"id_token": TOKEN_36, "type": "eMAID"}
    assert (sent["connector_type"], sent["evse_id"]) == ("cCCS2", None)


async def test_a_1_6_station_is_refused_a_connector_type_or_a_long_token_with_a_reason(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, TOKEN_36)
    make_id_tag(tenant, "ALICE")
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        typed = await api.post(_url(station), json={
            "connector_id": 0, "connector_type": "cType2", "id_tag": "ALICE",
            "expiry_date": _in_an_hour()})
        long = await api.post(_url(station), json={
            "connector_id": 1, "id_tag": TOKEN_36, "expiry_date": _in_an_hour()})
        unknown_type = await api.post(_url(station), json={
            "connector_id": 1, "connector_type": "Schuko", "id_tag": "ALICE",
            "expiry_date": _in_an_hour()})
    assert typed.status_code == 400 and "connector type" in typed.json()["connector_type"][0]
    assert long.status_code == 400 and "20 characters" in long.json()["id_tag"][0]
    assert unknown_type.status_code == 400 and "connector_type" in unknown_type.json()
    assert not Reservation.objects.filter(station=station).exists()
    assert [a for a, _ in cp.received] == []


async def test_another_tenant_cannot_reserve_on_a_2_0_1_station(server):
    tenant, other = make_tenant(), make_tenant("Other")
    station, password = make_station(tenant)
    make_id_tag(other, "MALLORY")
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, other) as api:
        response = await api.post(_url(station), json={
            "connector_id": 1, "id_tag": "MALLORY", "expiry_date": _in_an_hour()})
        listed = await api.get(_url(station))
    assert (response.status_code, listed.status_code) == (404, 404)
    assert [a for a, _ in cp.received if a == "ReserveNow"] == []


class _Evses:
    """The simulator's reservation rules on plain EVSE states (no link)."""

    def __init__(self, statuses: list[str]):
        from stations.simulator.v201.core import EvseState
        self.evses = {n: EvseState(connectors={1: s}) for n, s in enumerate(statuses, start=1)}


class _Station(ReservationStation201, _Evses):
    pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statuses=st.lists(st.sampled_from(["Available", "Occupied", "Faulted", "Reserved"]),
                         min_size=1, max_size=4),
       asks=st.lists(st.integers(min_value=0, max_value=4), max_size=8))
def test_the_simulated_station_never_holds_more_reservations_than_free_evses(statuses, asks):
    """Whatever is asked in whatever order, the reservations the station accepts fit its free
    EVSEs: each EVSE reserved once, and the unspecified ones no more than the EVSEs left."""
    station = _Station(statuses)
    free = {n for n, e in station.evses.items() if e.status == "Available"}
    for rid, evse_id in enumerate(asks, start=1):
        if (evse_id and evse_id not in station.evses) or \
                station._reservable(evse_id or None, None, rid) != "Accepted":
            continue
        station.reservations[rid] = {"evse_id": evse_id or None, "connector_type": None}
    specific = [r["evse_id"] for r in station.reservations.values() if r["evse_id"]]
    unspecified = [r for r in station.reservations.values() if not r["evse_id"]]
    assert len(specific) == len(set(specific)) and set(specific) <= free
    assert len(specific) + len(unspecified) <= len(free)
