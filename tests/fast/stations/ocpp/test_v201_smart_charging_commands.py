"""The 2.0.1 words for smart charging (stations/ocpp/v201/commands.py, load201's section): the
stored 1.6-shaped profiles and the neutral requests become 2.0.1 payloads that pass the 2.0.1
schemas (docs/smart-charging.md, OCPP 2.0.1)."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS


def _valid(action: str, payload: dict) -> dict:
    SCHEMAS.validate(action, payload)
    SCHEMAS.check_integers(action, payload)
    return payload


STORED_MAX = {"chargingProfileId": 7, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
              "chargingProfileKind": "Absolute", "validFrom": "2026-01-01T00:00:00Z",
              "chargingSchedule": {"chargingRateUnit": "W", "startSchedule": "2026-01-01T00:00:00Z",
                                   "duration": 3600, "minChargingRate": 1000.0,
                                   "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000.0},
                                                              {"startPeriod": 1800, "limit": 7400.0,
                                                               "numberPhases": 1}]}}


def test_a_max_profile_is_a_charging_station_max_profile_with_a_schedule_list():
    action, payload = v201.call_of(req.ChargingProfileSet(evse_id=0, profile=STORED_MAX))
    assert action == "SetChargingProfile"
    profile = _valid(action, payload)["chargingProfile"]
    assert payload["evseId"] == 0
    assert profile["id"] == 7 and profile["chargingProfilePurpose"] == "ChargingStationMaxProfile"
    assert profile["validFrom"] == "2026-01-01T00:00:00Z"
    [schedule] = profile["chargingSchedule"]
    assert schedule["id"] == 7 and schedule["chargingRateUnit"] == "W"
    assert schedule["duration"] == 3600 and schedule["minChargingRate"] == 1000.0
    assert schedule["chargingSchedulePeriod"][1] == {"startPeriod": 1800, "limit": 7400.0,
                                                     "numberPhases": 1}
    assert "transactionId" not in profile


@pytest.mark.parametrize("transaction_id", [42, "b9c1e8a0-0d1f-4c4f-9d0e-5c4c0b1f2a3d"])
def test_a_tx_profile_carries_the_transaction_id_as_a_string(transaction_id):
    stored = {"chargingProfileId": 1001, "stackLevel": 5, "chargingProfilePurpose": "TxProfile",
              "chargingProfileKind": "Relative", "transactionId": transaction_id,
              "chargingSchedule": {"chargingRateUnit": "A",
                                   "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.6,
                                                               "numberPhases": 3}]}}
    action, payload = v201.call_of(req.ChargingProfileSet(evse_id=1, profile=stored))
    profile = _valid(action, payload)["chargingProfile"]
    assert profile["transactionId"] == str(transaction_id)
    assert profile["chargingProfilePurpose"] == "TxProfile"


def test_a_tx_default_profile_on_evse_zero_is_for_every_evse():
    stored = STORED_MAX | {"chargingProfilePurpose": "TxDefaultProfile"}
    action, payload = v201.call_of(req.ChargingProfileSet(evse_id=0, profile=stored))
    assert _valid(action, payload)["chargingProfile"]["chargingProfilePurpose"] == "TxDefaultProfile"


@pytest.mark.parametrize(("request_", "expected"), [
    (req.ChargingProfilesClear(profile_id=9), {"chargingProfileId": 9}),
    (req.ChargingProfilesClear(evse_id=0, purpose="ChargePointMaxProfile", stack_level=2),
     {"chargingProfileCriteria": {"evseId": 0, "chargingProfilePurpose": "ChargingStationMaxProfile",
                                  "stackLevel": 2}}),
    (req.ChargingProfilesClear(purpose="TxProfile"),
     {"chargingProfileCriteria": {"chargingProfilePurpose": "TxProfile"}}),
    (req.ChargingProfilesClear(), {}),
])
def test_clearing_by_id_or_by_criteria(request_, expected):
    action, payload = v201.call_of(request_)
    assert action == "ClearChargingProfile"
    assert _valid(action, payload) == expected


def test_the_composite_schedule_of_an_evse():
    action, payload = v201.call_of(req.CompositeScheduleGet(evse_id=1, duration=600, rate_unit="A"))
    assert (action, _valid(action, payload)) == ("GetCompositeSchedule",
                                                 {"duration": 600, "evseId": 1, "chargingRateUnit": "A"})
    _, payload = v201.call_of(req.CompositeScheduleGet(evse_id=0, duration=60))
    assert _valid(action, payload) == {"duration": 60, "evseId": 0}


def test_getting_charging_profiles_by_criteria():
    action, payload = v201.call_of(req.ChargingProfilesGet(request_id=3, evse_id=1,
                                                           purpose="ChargePointMaxProfile",
                                                           stack_level=0, profile_ids=(7, 8)))
    assert action == "GetChargingProfiles"
    assert _valid(action, payload) == {
        "requestId": 3, "evseId": 1,
        "chargingProfile": {"chargingProfilePurpose": "ChargingStationMaxProfile", "stackLevel": 0,
                            "chargingProfileId": [7, 8]}}
    _, payload = v201.call_of(req.ChargingProfilesGet(request_id=4))
    assert _valid(action, payload) == {"requestId": 4, "chargingProfile": {}}


def test_a_16_station_has_no_get_charging_profiles():
    with pytest.raises(TypeError):
        v16.call_of(req.ChargingProfilesGet(request_id=1))


def test_purpose_words_both_ways():
    assert v201.purpose_word("ChargePointMaxProfile") == "ChargingStationMaxProfile"
    assert v201.purpose_of("ChargingStationMaxProfile") == "ChargePointMaxProfile"
    assert v201.purpose_of("TxProfile") == "TxProfile"
