"""`manage.py conformance`: the catalogue of OCA cases, how scenarios map onto it, the report."""

import ast
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cpms import conformance
from cpms.conformance import Case, case_of, case_outcomes, catalogue_order, report

CONFORMANCE_DIR = Path(__file__).parent / "conformance"


def test_the_catalogue_has_every_profile_and_unique_well_formed_ids():
    assert len({case.id for case in conformance.CATALOGUE}) == len(conformance.CATALOGUE)
    ids = [case.id for case in conformance.CATALOGUE if case.ocpp == "1.6"]
    assert len(ids) == 75
    assert all(re.fullmatch(r"TC_\d{3}(_\d)?", case_id) for case_id in ids)
    assert all(case.title for case in conformance.CATALOGUE)
    assert {case.profile for case in conformance.CATALOGUE_16} == {
        "Core", "Local Auth List Management", "Firmware Management", "Reservation",
        "Remote Trigger", "Smart Charging", "Security extension"}
    assert {"TC_001", "TC_039", "TC_043_5", "TC_044_1", "TC_048_4", "TC_055", "TC_067",
            "TC_075_2", "TC_088"} <= set(ids)


def test_the_201_catalogue_has_every_block_and_all_of_them_in_this_release():
    cases = conformance.CATALOGUE_201
    assert {case.ocpp for case in cases} == {"2.0.1"} and len(cases) == 252
    assert all(re.fullmatch(r"[A-P]_\d{2}", case.id) and case.title for case in cases)
    blocks = {case.profile for case in cases}
    assert {block[0] for block in blocks} == set("ABCDEFGHIJKLMNOP")
    assert all(case.in_release for case in cases)


def test_a_201_scenario_maps_to_its_block_case():
    assert case_of("test_tc_b_01_cold_boot_charging_station_accepted") == "B_01"
    assert case_of("tests/conformance/v201/test_x.py::test_tc_e_53_reset_seq_no[a]") == "E_53"
    assert case_of("test_tc_b_1_cold_boot") is None
    assert case_of("test_tc_b_01") is None
    assert case_of("test_b_01_cold_boot") is None
    assert conformance.case_id("TC_B_01_CSMS") == conformance.case_id("b_01") == "B_01"
    assert conformance.case_id("tc_031") == "TC_031"


def test_a_scenario_maps_to_the_case_it_is_named_after():
    assert case_of("test_tc_004_1_regular_charging_session_identification_first") == "TC_004_1"
    assert case_of("test_tc_003_regular_charging_session_plugin_first") == "TC_003"
    assert case_of("test_tc_054_trigger_message[Heartbeat-extended]") == "TC_054"
    assert case_of("tests/conformance/test_x.py::test_tc_075_2_install[a]") == "TC_075_2"
    assert case_of("TEST_TC_088_WebSocket") == "TC_088"


def test_a_name_of_no_case_maps_to_nothing():
    assert case_of("test_tc_004_regular_charging") is None  # TC_004 alone is no case
    assert case_of("test_tc_0010_x") is None
    assert case_of("test_tc_001") is None  # no slug
    assert case_of("test_cold_boot") is None
    assert case_of("helper_tc_001_x") is None


def _scenario_names(folder: Path) -> list[str]:
    return [node.name for path in folder.glob("test_*.py")
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
            and node.name.startswith("test_tc_")]


@pytest.mark.parametrize(("folder", "version"), [(CONFORMANCE_DIR, "1.6"),
                                                 (CONFORMANCE_DIR / "v201", "2.0.1")])
def test_every_conformance_scenario_names_a_case_of_the_catalogue(folder, version):
    """Every scenario of a version's folder names a case of that version's catalogue."""
    names = _scenario_names(folder)
    assert names
    versions = {case.id: case.ocpp for case in conformance.CATALOGUE}
    assert [name for name in names if versions.get(case_of(name)) != version] == []


def test_a_report_lists_a_block_this_release_does_not_cover_as_later():
    cases = [Case("B_01", "Cold Boot", "B Provisioning", "2.0.1"),
             Case("I_01", "Running cost", "I Tariff and cost", "2.0.1", in_release=False),
             Case("I_02", "Final cost", "I Tariff and cost", "2.0.1", in_release=False)]
    lines, all_pass = report(cases, {"B_01": "pass", "I_02": "pass"})
    assert lines == ["B Provisioning", "  pass     B_01      Cold Boot", "I Tariff and cost",
                     "  later    I_01      Running cost", "  pass     I_02      Final cost",
                     "3 cases: 2 pass, 1 later"]
    assert all_pass is True
    assert report(cases, {"I_01": "fail"})[1] is False


def test_a_case_fails_when_any_of_its_scenarios_fails_and_skips_only_when_all_skip():
    outcomes = case_outcomes({
        "test_tc_054_trigger_message[Heartbeat]": "passed",
        "test_tc_054_trigger_message[MeterValues]": "failed",
        "test_tc_001_cold_boot": "passed",
        "test_tc_086_tls[a]": "skipped",
        "test_tc_087_tls": "skipped", "test_tc_087_tls_again": "passed",
        "test_unrelated": "failed",
    })
    assert outcomes == {"TC_054": "fail", "TC_001": "pass", "TC_086": "skip", "TC_087": "pass"}


def test_the_report_lists_each_case_by_profile_with_a_summary():
    cases = [Case("TC_001", "Cold Boot Charge Point", "Core"), Case("TC_003", "Plugin First", "Core"),
             Case("TC_054", "Trigger Message", "Remote Trigger"),
             Case("TC_055", "Rejected", "Remote Trigger")]
    lines, all_pass = report(cases, {"TC_001": "pass", "TC_003": "fail", "TC_054": "skip"})
    assert lines == [
        "Core",
        "  pass     TC_001    Cold Boot Charge Point",
        "  fail     TC_003    Plugin First",
        "Remote Trigger",
        "  skip     TC_054    Trigger Message",
        "  missing  TC_055    Rejected",
        "4 cases: 1 pass, 1 fail, 1 skip, 1 missing",
    ]
    assert all_pass is False
    assert report(cases[:1], {"TC_001": "pass"}) == (
        ["Core", "  pass     TC_001    Cold Boot Charge Point", "1 case: 1 pass"], True)


def test_the_command_runs_the_chosen_scenarios_and_reports_them():
    out = StringIO()
    call_command("conformance", "--only", "TC_088", "tc_031", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert "  pass     TC_031    Unlock Connector – Unknown Connector" in lines
    assert "  pass     TC_088    WebSocket Subprotocol validation" in lines
    assert lines[-1] == "2 cases: 2 pass"
    assert not any("TC_001" in line for line in lines)


def test_scenarios_run_in_the_catalogue_order_in_a_shared_run():
    names = ["test_tc_054_trigger_message[Heartbeat]", "test_helper", "test_tc_003_plugin_first",
             "test_tc_001_cold_boot", "test_tc_054_trigger_message[MeterValues]",
             "test_tc_061_clear_cache", "test_tc_007_cached_id"]
    assert [names[n] for n in catalogue_order(names)] == [
        "test_tc_001_cold_boot", "test_tc_003_plugin_first", "test_tc_007_cached_id",
        "test_tc_061_clear_cache", "test_tc_054_trigger_message[Heartbeat]",
        "test_tc_054_trigger_message[MeterValues]"]


def test_a_shared_run_gives_a_later_case_the_card_an_earlier_case_left_charging():
    """TC_003 leaves its session running on the one station; TC_004_1 then starts with the same
    card on the same connector."""
    out = StringIO()
    call_command("conformance", "--shared", "--only", "TC_004_1", "TC_003", stdout=out,
                 stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("one station and one valid card for all")
    assert lines[-3:] == ["  pass     TC_003    Regular Charging Session – Plugin First",
                          "  pass     TC_004_1  Regular Charging Session – Identification First",
                          "2 cases: 2 pass"]


def test_the_command_fails_for_a_case_without_a_scenario(monkeypatch):
    ghost = Case("TC_999", "A case nobody wrote", "Core")
    monkeypatch.setattr(conformance, "CATALOGUE", (*conformance.CATALOGUE, ghost))
    monkeypatch.setattr(conformance, "CASE_IDS", conformance.CASE_IDS | {"TC_999"})
    out = StringIO()
    with pytest.raises(CommandError, match="Not every case passes"):
        call_command("conformance", "--only", "TC_999", stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines()[-2:] == ["  missing  TC_999    A case nobody wrote",
                                                "1 case: 1 missing"]


def test_the_command_reports_201_cases_in_their_own_section():
    out = StringIO()
    call_command("conformance", "--ocpp", "2.0.1", "--only", "TC_B_01_CSMS", "b_58", "TC_088",
                 stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines() == [
        "OCPP 2.0.1 conformance: the OCA central-system test cases by functional block",
        "B Provisioning",
        "  pass     B_01      Cold Boot Charging Station – Accepted",
        "  pass     B_58      WebSocket Subprotocol validation",
        "2 cases: 2 pass"]


def test_the_command_reports_both_versions_one_after_the_other():
    out = StringIO()
    call_command("conformance", "--only", "TC_088", "B_58", stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines() == [
        "OCPP 1.6-J conformance: the OCA central-system test cases",
        "Security extension",
        "  pass     TC_088    WebSocket Subprotocol validation",
        "1 case: 1 pass",
        "OCPP 2.0.1 conformance: the OCA central-system test cases by functional block",
        "B Provisioning",
        "  pass     B_58      WebSocket Subprotocol validation",
        "1 case: 1 pass"]


def test_an_unknown_case_id_is_refused():
    with pytest.raises(CommandError, match="TC_998"):
        call_command("conformance", "--only", "TC_998", stdout=StringIO())
