"""Load management's limits for 2.0.1 stations (docs/smart-charging.md §5): a limit names its
transaction as the station does, so one held for a 2.0.1 session (whose 1.6 integer is blank)
is never taken for another's; the limit of our TxProfile is noted from either version's
SetChargingProfile."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loadmgmt import reactions, subscriptions
from loadmgmt.models import (
    Allocation,
    ConnectorLimit,
    LimitSent,
    LoadGroup,
    ocpp_transaction_id,
    transaction_key,
)
from loadmgmt.rebalance import MEMO_GROUP
from loadmgmt.records import limit_result_record
from stations import events
from stations.models import ChargingSession, Station
from stations.ocpp.v201.commands import charging_profile_word
from tests.factories import make_station

STATION = Station(pk=1, tenant_id=1, identity="CP-1")
UUID = "b9c1e8a0-0d1f-4c4f-9d0e-5c4c0b1f2a3d"


def session(**fields) -> ChargingSession:
    return ChargingSession(**({"transaction_id": None, "station_transaction_id": ""} | fields))


def test_a_transaction_is_named_as_the_station_names_it():
    assert transaction_key(session(transaction_id=42, station_transaction_id="42")) == "42"
    assert transaction_key(session(transaction_id=42)) == "42"  # a row from before the change
    assert transaction_key(session(station_transaction_id=UUID)) == UUID
    assert transaction_key(session()) == ""
    assert ocpp_transaction_id(session(transaction_id=42, station_transaction_id="42")) == 42
    assert ocpp_transaction_id(session(station_transaction_id=UUID)) == UUID


def test_a_limit_is_for_its_own_transaction_only():
    limit = ConnectorLimit(station_transaction_id=UUID, status="Accepted")
    assert limit.for_session(session(station_transaction_id=UUID))
    assert not limit.for_session(session(station_transaction_id="another"))
    assert not ConnectorLimit(station_transaction_id="").for_session(session())


@pytest.mark.django_db
def test_a_limit_for_a_201_transaction_is_recorded_by_its_string(tenant):
    station, _ = make_station(tenant)
    limit_result_record(station_id=station.pk, connector_id=1, transaction_id=UUID,
                        purpose="TxProfile", limit=Decimal("10.0"), status="Accepted",
                        profile_id=None, allocation_id=None)
    sent = LimitSent.objects.get(station=station)
    held = ConnectorLimit.objects.get(station=station, connector_id=1)
    assert (sent.transaction_id, sent.station_transaction_id) == (None, UUID)
    assert (held.transaction_id, held.station_transaction_id) == (None, UUID)
    limit_result_record(station_id=station.pk, connector_id=1, transaction_id=7,
                        purpose="TxProfile", limit=Decimal("6.0"), status="Accepted",
                        profile_id=None, allocation_id=None)
    held.refresh_from_db()
    assert (held.transaction_id, held.station_transaction_id) == (7, "7")


@pytest.mark.django_db
def test_a_201_tx_profile_rejected_for_an_ended_transaction_marks_it_stale(tenant):
    station, _ = make_station(tenant)
    ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1, evse_id=1,
                                   station_transaction_id=UUID, id_tag="TAG", meter_start=0,
                                   started_at=timezone.now(), freed_at=timezone.now())
    limit_result_record(station_id=station.pk, connector_id=1, transaction_id=UUID,
                        purpose="TxProfile", limit=Decimal("10.0"), status="Rejected",
                        profile_id=None, allocation_id=None)
    assert ChargingSession.objects.get(station=station).stale_at is not None


STORED = {"chargingProfileId": 9001, "stackLevel": 1, "chargingProfilePurpose": "TxProfile",
          "chargingProfileKind": "Relative", "transactionId": UUID,
          "chargingSchedule": {"chargingRateUnit": "A",
                               "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.6}]}}


@pytest.mark.parametrize("payload", [
    {"connectorId": 1, "csChargingProfiles": STORED | {"transactionId": 3}},
    {"evseId": 1, "chargingProfile": charging_profile_word(STORED)},
])
def test_the_limit_of_our_tx_profile_is_noted_from_either_version(payload):
    memo = {}
    reactions.profile_sent(STATION, payload, memo)
    assert memo["load_limits"] == {1: Decimal("10.6")}


def test_a_profile_not_ours_is_not_noted():
    memo = {}
    reactions.profile_sent(STATION, {"evseId": 1, "chargingProfile": charging_profile_word(
        STORED | {"chargingProfileId": 5})}, memo)
    assert memo == {}


@pytest.mark.django_db
def test_the_group_page_shows_a_201_session_by_the_stations_transaction_id(tenant, owner_web):
    group = LoadGroup.objects.create(tenant=tenant, name="Car park", max_current=32)
    per_phase = {"1": "32.0", "2": "32.0", "3": "32.0"}
    entry = {"connector_id": 1, "limit": "16.0", "measured_current": None, "status": "Occupied",
             "phases": [1, 2, 3], "priority": 0, "steered": True, "connected": True}
    Allocation.objects.create(
        group=group, reason="session started", max_current=32, available=per_phase,
        allocated=per_phase, reserved=per_phase, base_load=per_phase, connectors=[
            entry | {"station": "CP-16", "transaction_id": 42, "station_transaction_id": "42"},
            entry | {"station": "CP-201", "transaction_id": None, "station_transaction_id": UUID},
            entry | {"station": "CP-OLD", "transaction_id": 7}])  # recorded before the change
    page = owner_web.get(f"/load-groups/{group.pk}/").content.decode()
    assert '<td data-field="transaction_id">42</td>' in page
    assert f'<td data-field="transaction_id">{UUID}</td>' in page
    assert '<td data-field="transaction_id">7</td>' in page


def test_a_201_evses_second_connector_is_steered_by_the_evses_limit():
    """Our profile for a 2.0.1 session is per EVSE (id LOAD_PROFILE_ID + the EVSE), so what a
    car on the EVSE's second connector (1001, stations/services/evses.py) draws is compared with
    the EVSE's limit."""
    station = Station(pk=2, tenant_id=1, identity="CP-201", ocpp_version="2.0.1")
    memo = {MEMO_GROUP: 7}
    link = SimpleNamespace(memo_of=lambda app: memo)
    reactions.profile_sent(station, {"evseId": 1, "chargingProfile": charging_profile_word(STORED)},
                           memo)
    event = events.MeterValuesReceived(station, 1001, 1, [
        {"measurand": "Current.Import", "value": Decimal("5.0")}], link=link)
    assert subscriptions.on_meter_values(event) is not None
    assert memo["load_draws"][1][1] == "under"  # 5 A of the EVSE's 10.6 A


@pytest.mark.django_db
def test_a_recorded_answer_tells_the_station_page_after_the_commit(tenant, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from loadmgmt import allocation_feed

    station, _ = make_station(tenant)
    sent = []
    monkeypatch.setattr(allocation_feed, "publish", lambda tenant_id, event: sent.append((tenant_id, event)))
    with django_capture_on_commit_callbacks(execute=True):
        limit_result_record(station_id=station.pk, connector_id=2, transaction_id=7,
                            purpose="TxProfile", limit=Decimal("6.0"), status="Accepted",
                            profile_id=None, allocation_id=None)
        assert sent == []  # not before the answer is stored
    assert sent == [(tenant.pk, {"type": "load.limit", "station": station.identity, "connector_id": 2})]
