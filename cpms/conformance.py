"""The OCA central-system test cases for OCPP 1.6-J Full and the Security extension (the catalogue
of docs/conformance.md), which scenario of tests/conformance proves each, and a pytest
plugin that records the scenarios' outcomes for `manage.py conformance`.

A scenario is found by its name: `test_tc_<id>_<slug>` (TC_044_1 -> test_tc_044_1_...). This module
imports no Django: pytest loads it as a plugin (`-p cpms.conformance`) before Django is set up.
"""

import json
import os
from dataclasses import dataclass

RESULTS_ENV = "CONFORMANCE_RESULTS"  # where the plugin writes {test name: outcome}
ONLY_ENV = "CONFORMANCE_ONLY"  # comma-separated case ids: run only their scenarios
# 1: every scenario runs against one tenant, one station and one valid card, in the catalogue's
# order, nothing reset between cases: as the OCA tool runs them (tests/conformance/conftest.py)
SHARED_ENV = "CONFORMANCE_SHARED"


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    profile: str


_CORE = "Core"
_LOCAL = "Local Auth List Management"
_FIRMWARE = "Firmware Management"
_RESERVATION = "Reservation"
_TRIGGER = "Remote Trigger"
_SMART = "Smart Charging"
_SECURITY = "Security extension"

CATALOGUE: tuple[Case, ...] = tuple(Case(*row) for row in (
    ("TC_001", "Cold Boot Charge Point", _CORE),
    ("TC_003", "Regular Charging Session – Plugin First", _CORE),
    ("TC_004_1", "Regular Charging Session – Identification First", _CORE),
    ("TC_004_2", "Regular Charging Session – Identification First – ConnectionTimeOut", _CORE),
    ("TC_005_1", "EV Side Disconnected", _CORE),
    ("TC_007", "Regular Start Charging Session – Cached Id", _CORE),
    ("TC_061", "Clear Authorization Data in Authorization Cache", _CORE),
    ("TC_010", "Remote Start Charging Session – Cable Plugged in First", _CORE),
    ("TC_011_1", "Remote Start Charging Session – Remote Start First", _CORE),
    ("TC_011_2", "Remote Start Charging Session – Time Out", _CORE),
    ("TC_012", "Remote Stop Charging Session", _CORE),
    ("TC_013", "Hard Reset Without Transaction", _CORE),
    ("TC_014", "Soft Reset Without Transaction", _CORE),
    ("TC_017_1", "Unlock Connector – No Charging Session (not fixed cable)", _CORE),
    ("TC_017_2", "Unlock Connector – No Charging Session (fixed cable)", _CORE),
    ("TC_018_1", "Unlock Connector – With Charging Session", _CORE),
    ("TC_019_1", "Retrieve All Configuration Keys", _CORE),
    ("TC_019_2", "Retrieve Specific Configuration Key", _CORE),
    ("TC_021", "Change/Set Configuration", _CORE),
    ("TC_023_1", "Start Charging Session – Authorize Invalid", _CORE),
    ("TC_023_2", "Start Charging Session – Authorize Expired", _CORE),
    ("TC_023_3", "Start Charging Session – Authorize Blocked", _CORE),
    ("TC_024", "Start Charging Session Lock Failure", _CORE),
    ("TC_026", "Remote Start Charging Session – Rejected", _CORE),
    ("TC_028", "Remote Stop Transaction – Rejected", _CORE),
    ("TC_030", "Unlock Connector – Unlock Failure", _CORE),
    ("TC_031", "Unlock Connector – Unknown Connector", _CORE),
    ("TC_032_1", "Power Failure Boot Charging Point – Stop Transaction(s)", _CORE),
    ("TC_037_1", "Offline Start Transaction – Valid IdTag", _CORE),
    ("TC_037_3", "Offline Start Transaction – Invalid IdTag", _CORE),
    ("TC_039", "Offline Transaction", _CORE),
    ("TC_040_1", "Configuration Keys – NotSupported", _CORE),
    ("TC_040_2", "Configuration Keys – Invalid Value", _CORE),
    ("TC_064", "Data Transfer to a Central System", _CORE),
    ("TC_042_1", "Get Local List Version (not supported)", _LOCAL),
    ("TC_042_2", "Get Local List Version (empty)", _LOCAL),
    ("TC_043_1", "Send Local Authorization List – NotSupported", _LOCAL),
    ("TC_043_3", "Send Local Authorization List – Failed", _LOCAL),
    ("TC_043_4", "Send Local Authorization List – Full", _LOCAL),
    ("TC_043_5", "Send Local Authorization List – Differential", _LOCAL),
    ("TC_044_1", "Firmware Update – Download and Install", _FIRMWARE),
    ("TC_044_2", "Firmware Update – Download Failed", _FIRMWARE),
    ("TC_044_3", "Firmware Update – Installation Failed", _FIRMWARE),
    ("TC_045_1", "Get Diagnostics of a Charge Point", _FIRMWARE),
    ("TC_046", "Reservation of a Connector – Transaction", _RESERVATION),
    ("TC_047", "Reservation of a Connector – Expire", _RESERVATION),
    ("TC_048_1", "Reservation of a Connector – Faulted", _RESERVATION),
    ("TC_048_2", "Reservation of a Connector – Occupied", _RESERVATION),
    ("TC_048_3", "Reservation of a Connector – Unavailable", _RESERVATION),
    ("TC_048_4", "Reservation of a Connector – Rejected", _RESERVATION),
    ("TC_049", "Reservation of a Charge Point – Transaction", _RESERVATION),
    ("TC_051", "Cancel Reservation", _RESERVATION),
    ("TC_052", "Cancel Reservation – Rejected", _RESERVATION),
    ("TC_054", "Trigger Message", _TRIGGER),
    ("TC_055", "Trigger Message – Rejected", _TRIGGER),
    ("TC_056", "Central Smart Charging – TxDefaultProfile", _SMART),
    ("TC_057", "Central Smart Charging – TxProfile", _SMART),
    ("TC_059", "Remote Start Transaction with Charging Profile", _SMART),
    ("TC_066", "Get Composite Schedule", _SMART),
    ("TC_067", "Clear Charging Profile", _SMART),
    ("TC_073", "Update Charge Point Password for HTTP Basic Authentication", _SECURITY),
    ("TC_074", "Update Charge Point Certificate by Request of Central System", _SECURITY),
    ("TC_075_1", "Install a certificate on the Charge Point (ManufacturerRootCertificate)", _SECURITY),
    ("TC_075_2", "Install a certificate on the Charge Point (CentralSystemRootCertificate)", _SECURITY),
    ("TC_076", "Delete a specific certificate from the Charge Point", _SECURITY),
    ("TC_077", "Invalid ChargePointCertificate Security Event", _SECURITY),
    ("TC_078", "Invalid CentralSystemCertificate Security Event", _SECURITY),
    ("TC_079", "Get Security Log", _SECURITY),
    ("TC_080", "Secure Firmware Update", _SECURITY),
    ("TC_081", "Secure Firmware Update – Invalid Signature", _SECURITY),
    ("TC_083", "Upgrade Charge Point Security Profile – Accepted", _SECURITY),
    ("TC_085", "Basic Authentication – Valid username/password combination", _SECURITY),
    ("TC_086", "TLS – server-side certificate – Valid certificate (profile 2)", _SECURITY),
    ("TC_087", "TLS – Client-side certificate – Valid certificate (profile 3)", _SECURITY),
    ("TC_088", "WebSocket Subprotocol validation", _SECURITY),
))
CASE_IDS = frozenset(case.id for case in CATALOGUE)


def case_of(test_name: str) -> str | None:
    """The case a scenario proves, from its name: the longest catalogue id it is named after
    (`test_tc_004_1_x[param]` -> TC_004_1), or None."""
    name = test_name.rsplit("::", 1)[-1].split("[", 1)[0].lower()
    if not name.startswith("test_tc_"):
        return None
    rest = name.removeprefix("test_")
    matches = [case_id for case_id in CASE_IDS if rest.startswith(case_id.lower() + "_")]
    return max(matches, key=len, default=None)


def case_outcomes(test_outcomes: dict[str, str]) -> dict[str, str]:
    """{case id: pass|fail|skip} from {test name: passed|failed|skipped}; a case fails when any of
    its scenarios (or their parameters) fails and passes when the rest pass."""
    by_case: dict[str, set[str]] = {}
    for test_name, outcome in test_outcomes.items():
        case_id = case_of(test_name)
        if case_id is not None:
            by_case.setdefault(case_id, set()).add(outcome)
    result = {}
    for case_id, outcomes in by_case.items():
        if "failed" in outcomes:
            result[case_id] = "fail"
        elif "passed" in outcomes:
            result[case_id] = "pass"
        else:
            result[case_id] = "skip"
    return result


def report(cases: list[Case], outcomes: dict[str, str]) -> tuple[list[str], bool]:
    """The report's lines (each case, by profile, then a summary) and whether all of them pass.
    A case without a scenario is `missing`; a skipped one does not pass."""
    lines, profile, counts = [], None, {}
    for case in cases:
        if case.profile != profile:
            profile = case.profile
            lines.append(profile)
        outcome = outcomes.get(case.id, "missing")
        counts[outcome] = counts.get(outcome, 0) + 1
        lines.append(f"  {outcome:<8} {case.id:<9} {case.title}")
    order = ("pass", "fail", "skip", "missing")
    summary = ", ".join(f"{counts[o]} {o}" for o in order if counts.get(o))
    lines.append(f"{len(cases)} case{'' if len(cases) == 1 else 's'}: {summary}")
    return lines, counts.get("pass", 0) == len(cases)


def catalogue_order(test_names: list[str]) -> list[int]:
    """The positions of the scenarios among `test_names`, rearranged in the catalogue's order
    (the OCA tool's): the i-th scenario to run is test_names[result[i]]. A case's several
    scenarios keep their order; names of no case are left out."""
    rank = {case.id: n for n, case in enumerate(CATALOGUE)}
    found = [(rank[case_id], n) for n, name in enumerate(test_names)
             if (case_id := case_of(name)) is not None]
    return [n for _, n in sorted(found)]


def only_filter(test_names: list[str], only: set[str]) -> list[bool]:
    """Which of `test_names` prove one of the `only` cases."""
    return [case_of(name) in only for name in test_names]


# The pytest plugin -----------------------------------------------------------------------
_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(config, items):
    only = {case_id for case_id in os.environ.get(ONLY_ENV, "").split(",") if case_id}
    if not only:
        return
    keep = only_filter([item.name for item in items], only)
    config.hook.pytest_deselected(items=[item for item, k in zip(items, keep, strict=True) if not k])
    items[:] = [item for item, k in zip(items, keep, strict=True) if k]


def pytest_runtest_logreport(report):
    name = report.nodeid.rsplit("::", 1)[-1]
    if report.failed:
        _outcomes[name] = "failed"
    elif report.skipped and _outcomes.get(name) != "failed":
        _outcomes[name] = "skipped"
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(name, "passed")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "w") as out:
            json.dump(_outcomes, out)
