"""Charging profiles of 2.0.1 stations in process (docs/smart-charging.md §5): what is checked
and stored before sending, the TxProfile bound to the station's string transaction id on the
EVSE, its end with the transaction, and ReportChargingProfiles parts collected into their
report."""

import pytest
from django.utils import timezone

from stations.models import ChargingSession, Evse, ModelQuirks
from stations.quirks import quirks_forget
from stations.smartcharging.checks import ProfileInvalid, checked_profile, checked_remote_start
from stations.smartcharging.models import ChargingProfile, ProfileReport
from stations.smartcharging.services import (
    _profile_record,
    _targets,
    charging_profiles_reported,
    charging_profiles_transaction_started,
    charging_profiles_transaction_stopped,
)
from tests.factories import make_station

pytestmark = pytest.mark.django_db
UUID = "b9c1e8a0-0d1f-4c4f-9d0e-5c4c0b1f2a3d"


def profile(purpose: str = "TxProfile", **extra) -> dict:
    return {"chargingProfileId": 3, "stackLevel": 1, "chargingProfilePurpose": purpose,
            "chargingProfileKind": "Relative",
            "chargingSchedule": {"chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.0}]},
            **extra}


@pytest.fixture
def station_201(tenant):
    station, _ = make_station(tenant)
    station.ocpp_version = "2.0.1"
    station.save(update_fields=["ocpp_version"])
    return station


def running(station, evse_id: int = 1) -> ChargingSession:
    return ChargingSession.objects.create(
        tenant=station.tenant, station=station, connector_id=evse_id, evse_id=evse_id,
        station_transaction_id=UUID, id_tag="TAG", id_tag_status="Accepted", meter_start=0,
        started_at=timezone.now())


def test_a_tx_profile_is_bound_to_the_string_transaction_running_on_the_evse(station_201):
    with pytest.raises(ProfileInvalid):
        checked_profile(station_201, 1, profile())
    running(station_201)
    checked = checked_profile(station_201, 1, profile())
    assert checked["transactionId"] == UUID
    with pytest.raises(ProfileInvalid):
        checked_profile(station_201, 1, profile(transactionId="not-running"))
    row = _profile_record(station=station_201, connector_id=1, profile=checked)
    assert (row.transaction_id, row.station_transaction_id, row.evse_id) == (None, UUID, 1)
    row.installed = True
    row.save()
    assert charging_profiles_transaction_stopped(station_id=station_201.pk, transaction_id=UUID) == 1
    assert not ChargingProfile.objects.get(pk=row.pk).installed


def test_a_charging_station_max_profile_is_stored_under_its_16_name(station_201):
    checked = checked_profile(station_201, 0, profile("ChargingStationMaxProfile"))
    assert checked["chargingProfilePurpose"] == "ChargePointMaxProfile"
    with pytest.raises(ProfileInvalid):
        checked_profile(station_201, 1, profile("ChargingStationMaxProfile"))


def test_a_16_station_takes_no_201_purpose_name(tenant):
    station, _ = make_station(tenant)
    with pytest.raises(ProfileInvalid):
        checked_profile(station, 0, profile("ChargingStationMaxProfile"))


def test_a_201_remote_start_takes_a_36_character_id_token():
    token = "T" * 36
    checked_remote_start(token, 1, profile(), version="2.0.1")
    with pytest.raises(ProfileInvalid):
        checked_remote_start(token, 1, profile(), version="1.6")  # 1.6's idTag is 20


def test_report_parts_collect_until_the_last(station_201):
    report = ProfileReport.objects.create(tenant=station_201.tenant, station=station_201,
                                          request_id=41)
    charging_profiles_reported(station_id=station_201.pk, request_id=41, evse_id=0, source="CSO",
                               profiles=[{"id": 1}], tbc=True)
    report.refresh_from_db()
    assert report.parts == 1 and report.completed_at is None
    charging_profiles_reported(station_id=station_201.pk, request_id=41, evse_id=1, source="EMS",
                               profiles=[{"id": 2}, {"id": 3}], tbc=False)
    report.refresh_from_db()
    assert report.parts == 2 and report.completed_at is not None
    assert [(p["evseId"], p["chargingLimitSource"], p["chargingProfile"]["id"])
            for p in report.profiles] == [(0, "CSO", 1), (1, "EMS", 2), (1, "EMS", 3)]
    assert charging_profiles_reported(station_id=station_201.pk, request_id=99, evse_id=0,
                                      source="CSO", profiles=[{"id": 1}], tbc=False) is None


def test_a_station_default_fanned_out_by_the_quirk_goes_to_each_evse(station_201):
    quirks_forget()
    ModelQuirks.objects.create(vendor="ZeroOnly201", model_prefix="",
                               max_profile_on_connector_zero_only=True)
    station_201.vendor, station_201.model = "ZeroOnly201", "Z2"
    station_201.save(update_fields=["vendor", "model"])
    for evse_id in (1, 2):  # EVSE 2 has two connectors: still one profile for it
        Evse.objects.create(station=station_201, evse_id=evse_id)
    try:
        targets = _targets(station_201, 0, profile("TxDefaultProfile"))
    finally:
        quirks_forget()
    assert [(evse, p["chargingProfileId"]) for evse, p in targets] == [(1, 3), (2, 4)]


def test_a_remote_starts_profile_is_bound_to_the_evse_of_a_second_connector(station_201):
    ChargingSession.objects.create(
        tenant=station_201.tenant, station=station_201, connector_id=1002, evse_id=2,
        station_transaction_id=UUID, id_tag="TAG", id_tag_status="Accepted", meter_start=0,
        started_at=timezone.now())
    row = _profile_record(station=station_201, connector_id=2, profile=profile(), id_tag="TAG",
                          waiting_for="StartTransaction")
    assert charging_profiles_transaction_started(station_id=station_201.pk, transaction_id=UUID) == []
    row.refresh_from_db()
    assert (row.connector_id, row.evse_id, row.station_transaction_id, row.installed) == (2, 2, UUID, True)
