"""The pure parts of the simulated 2.0.1 station (stations/simulator/v201/): the composite
schedule it computes from its profiles, the device model's checks of values set, and what a
GetReport's componentVariable selects. No network: the station is made without a link."""

import pytest

from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.device_model import Variable, _selected, _valid


@pytest.fixture
def cp():
    return SimulatedChargePoint201("SIM", None, evses=2)


def profile(id: int, purpose: str, periods: list[tuple[int, float]], unit: str = "A",
            stack_level: int = 0, transaction_id: str | None = None, **schedule) -> dict:
    return {"id": id, "stack_level": stack_level, "charging_profile_purpose": purpose,
            "charging_profile_kind": "Absolute", "transaction_id": transaction_id,
            "charging_schedule": [{"id": id, "charging_rate_unit": unit, **schedule,
                                   "charging_schedule_period": [
                                       {"start_period": s, "limit": limit} for s, limit in periods]}]}


def test_no_profile_no_composite(cp):
    assert cp.composite_schedule(1, 60, "A") is None


def test_the_lower_of_the_station_max_and_the_default_over_time(cp):
    cp._install_profile(0, profile(1, "ChargingStationMaxProfile", [(0, 20)]))
    cp._install_profile(0, profile(2, "TxDefaultProfile", [(0, 32), (30, 10)]))
    assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"] == [
        {"start_period": 0, "limit": 20.0}, {"start_period": 30, "limit": 10.0}]
    assert cp.composite_schedule(1, 20, "A")["charging_schedule_period"] == [
        {"start_period": 0, "limit": 20.0}]


def test_the_transaction_profile_wins_over_the_default_and_an_evse_default_over_the_station(cp):
    cp._install_profile(0, profile(2, "TxDefaultProfile", [(0, 16)]))
    cp._install_profile(2, profile(3, "TxDefaultProfile", [(0, 12)]))
    assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"][0]["limit"] == 16.0
    assert cp.composite_schedule(2, 60, "A")["charging_schedule_period"][0]["limit"] == 12.0
    cp.evses[1].transaction_id = "tx-1"
    cp._install_profile(1, profile(4, "TxProfile", [(0, 8)], transaction_id="tx-1"))
    assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"][0]["limit"] == 8.0


def test_a_remote_start_profile_binds_to_the_transaction_that_starts(cp):
    cp._install_remote_start_profile(1, profile(5, "TxProfile", [(0, 6)]))
    assert cp.composite_schedule(1, 60, "A") is None  # no transaction yet
    cp.evses[1].transaction_id = "tx-2"
    assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"][0]["limit"] == 6.0
    assert cp.charging_profiles[1][0]["transaction_id"] == "tx-2"


def test_units_convert_at_230_v_three_phases_and_a_schedule_ends_with_its_duration(cp):
    cp._install_profile(0, profile(1, "ChargingStationMaxProfile", [(0, 11040)], unit="W"))
    assert cp.composite_schedule(1, 60, "A")["charging_schedule_period"][0]["limit"] == 16.0
    cp._install_profile(0, profile(2, "TxDefaultProfile", [(0, 10)], duration=30))
    assert cp.composite_schedule(1, 60, "W")["charging_schedule_period"] == [
        {"start_period": 0, "limit": 6900.0}, {"start_period": 30, "limit": 11040.0}]


def test_the_same_id_or_purpose_and_stack_level_replaces_a_profile(cp):
    cp._install_profile(0, profile(1, "TxDefaultProfile", [(0, 10)]))
    cp._install_profile(1, profile(1, "TxDefaultProfile", [(0, 12)]))  # same id, elsewhere
    cp._install_profile(1, profile(2, "TxDefaultProfile", [(0, 14)]))  # same purpose and level
    assert cp.charging_profiles[0] == [] and [p["id"] for p in cp.charging_profiles[1]] == [2]


@pytest.mark.parametrize(("variable", "value", "valid"), [
    (Variable("1", data_type="integer", min=1, max=10), "10", True),
    (Variable("1", data_type="integer", min=1, max=10), "11", False),
    (Variable("1", data_type="integer"), "1.5", False),
    (Variable("true", data_type="boolean"), "yes", False),
    (Variable("", "WriteOnly", min=16, max=40), "x" * 16, True),
    (Variable("", "WriteOnly", min=16, max=40), "x" * 41, False),
    (Variable("A", data_type="OptionList", values_list="A,B"), "A,B", False),
    (Variable("A", data_type="MemberList", values_list="A,B"), "B,A", True),
    (Variable("A", data_type="MemberList", values_list="A,B"), "C", False),
])
def test_values_set_are_checked_against_the_variables_characteristics(variable, value, valid):
    assert _valid(variable, value) is valid


def test_get_report_selects_by_component_evse_connector_and_variable(cp):
    keys = list(cp.device_model)
    evse_2 = [k for k in keys if _selected(k, [{"component": {"name": "EVSE", "evse": {"id": 2}}}])]
    assert {k[4] for k in evse_2} == {"AvailabilityState", "Power"} and {k[2] for k in evse_2} == {2}
    connector = [k for k in keys if _selected(k, [{
        "component": {"name": "Connector", "evse": {"id": 1, "connector_id": 1}},
        "variable": {"name": "ConnectorType"}}])]
    assert connector == [("Connector", None, 1, 1, "ConnectorType", None)]
    items = [k for k in keys if _selected(k, [{
        "component": {"name": "DeviceDataCtrlr"},
        "variable": {"name": "ItemsPerMessage", "instance": "GetReport"}}])]
    assert items == [("DeviceDataCtrlr", None, None, None, "ItemsPerMessage", "GetReport")]
    assert all(_selected(k, None) for k in keys)
