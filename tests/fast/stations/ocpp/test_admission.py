"""Admission on the station link (stations/ocpp/admission.py, docs/ocpp201.md): the gate every
station CALL passes in the router, for both versions. A station not accepted gets SecurityError
for anything but its boot, except, while Pending, a message the backend triggered on this link;
an operator's change reaches the link as a memo. (The boot's re-read and the live exchange:
tests/test_provisioning_201.py.)"""

from datetime import UTC, datetime

import pytest

from stations.models import Station
from stations.ocpp import admission
from stations.ocpp.errors import SecurityError
from stations.ocpp.frames import Call, CallError, CallResult
from stations.ocpp.link import Link
from stations.ocpp.v16 import router as v16
from stations.ocpp.v201 import router as v201

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ROUTERS = [v16.ROUTER, v201.ROUTER]


def _link(state: str, version: str) -> Link:
    return Link(Station(pk=1, tenant_id=1, identity="CP-1", admission=state), version=version)


@pytest.mark.parametrize("router", ROUTERS, ids=["1.6", "2.0.1"])
@pytest.mark.parametrize("state", ["Pending", "Rejected"])
async def test_a_station_not_accepted_gets_security_error_for_anything_but_its_boot(router, state):
    answer, follow_ups = await router.answer(_link(state, router.VERSION),
                                             Call("h1", "Heartbeat", {}), NOW)
    assert isinstance(answer, CallError) and answer.code == "SecurityError"
    assert answer.unique_id == "h1" and state in answer.description and follow_ups == []


@pytest.mark.parametrize("router", ROUTERS, ids=["1.6", "2.0.1"])
async def test_an_accepted_station_is_served(router):
    answer, _ = await router.answer(_link("Accepted", router.VERSION),
                                    Call("h1", "Heartbeat", {}), NOW)
    assert isinstance(answer, CallResult) and "currentTime" in answer.payload


async def test_a_bad_frame_of_a_pending_station_gets_its_schema_error_first():
    answer, _ = await v201.ROUTER.answer(_link("Pending", "2.0.1"),
                                         Call("h1", "Heartbeat", {"beat": 1}), NOW)
    assert answer.code == "FormatViolation"


@pytest.mark.parametrize("router, payload", [
    (v16.ROUTER, {"requestedMessage": "Heartbeat"}),
    (v201.ROUTER, {"requestedMessage": "Heartbeat"}),
], ids=["1.6", "2.0.1"])
async def test_a_pending_station_may_send_what_the_backend_triggered(router, payload):
    link = _link("Pending", router.VERSION)
    router.sent(link, Call("t1", "TriggerMessage", payload))
    answer, _ = await router.answer(link, Call("h1", "Heartbeat", {}), NOW)
    assert isinstance(answer, CallResult)


def test_a_trigger_to_an_accepted_station_notes_nothing():
    link = _link("Accepted", "2.0.1")
    admission.note_sent(link, Call("t1", "TriggerMessage", {"requestedMessage": "Heartbeat"}))
    assert "triggered" not in link.memo_of("admission")


async def test_a_rejected_station_may_not_send_even_what_was_triggered():
    link = _link("Rejected", "2.0.1")
    admission.note_sent(link, Call("t1", "TriggerMessage", {"requestedMessage": "Heartbeat"}))
    assert link.memo_of("admission")["triggered"] == {"Heartbeat"}
    with pytest.raises(SecurityError, match="Rejected"):
        await admission.admitted(link, "Heartbeat")


async def test_the_operator_s_change_told_to_the_link_decides_at_once():
    link = _link("Accepted", "2.0.1")
    link.memo_of("admission").update({"state": "Rejected"})  # as the consumer applies a memo
    assert admission.link_admission(link) == "Rejected"
    answer, _ = await v201.ROUTER.answer(link, Call("h1", "Heartbeat", {}), NOW)
    assert answer.code == "SecurityError"
