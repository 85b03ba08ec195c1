"""The 2.0.1 words for display messages (stations/ocpp/v201/commands.py, display201's section):
the neutral requests become payloads that pass the 2.0.1 schemas, empty fields left out; 1.6's
adapter has no words for them, which is how the services learn a station cannot show them
(docs/ocpp201.md, display messages)."""

import pytest

from stations.commands import requests as req
from stations.displaymessages.ocpp201 import message_fields
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS


def _valid(action: str, payload: dict) -> dict:
    SCHEMAS.validate(action, payload)
    SCHEMAS.check_integers(action, payload)
    return payload


def test_a_full_message_is_worded_with_every_field():
    action, payload = v201.call_of(req.DisplayMessageSet(
        message_id=4, priority="AlwaysFront", content="Out of order until Monday",
        message_format="ASCII", language="en", state="Unavailable",
        start="2026-12-07T08:00:00Z", end="2026-12-14T08:00:00Z", transaction_id="tx-1",
        display_component="Display", display_instance="front", display_evse_id=2))
    assert action == "SetDisplayMessage"
    assert _valid(action, payload) == {"message": {
        "id": 4, "priority": "AlwaysFront", "state": "Unavailable",
        "startDateTime": "2026-12-07T08:00:00Z", "endDateTime": "2026-12-14T08:00:00Z",
        "transactionId": "tx-1",
        "message": {"format": "ASCII", "language": "en", "content": "Out of order until Monday"},
        "display": {"name": "Display", "instance": "front", "evse": {"id": 2}}}}


def test_a_plain_message_leaves_out_what_is_empty():
    action, payload = v201.call_of(req.DisplayMessageSet(message_id=0, priority="NormalCycle",
                                                         content="Hello"))
    assert _valid(action, payload) == {"message": {
        "id": 0, "priority": "NormalCycle", "message": {"format": "UTF8", "content": "Hello"}}}


def test_a_report_is_asked_with_its_criteria_only():
    assert v201.call_of(req.DisplayMessagesGet(request_id=9)) == (
        "GetDisplayMessages", {"requestId": 9})
    action, payload = v201.call_of(req.DisplayMessagesGet(request_id=9, message_ids=(1, 2),
                                                          priority="InFront", state="Idle"))
    assert _valid(action, payload) == {"requestId": 9, "id": [1, 2], "priority": "InFront",
                                       "state": "Idle"}


def test_a_clear_names_the_id():
    assert v201.call_of(req.DisplayMessageClear(message_id=3)) == ("ClearDisplayMessage", {"id": 3})


@pytest.mark.parametrize("request_", [
    req.DisplayMessageSet(message_id=1, priority="InFront", content="x"),
    req.DisplayMessagesGet(request_id=1), req.DisplayMessageClear(message_id=1)])
def test_ocpp_1_6_has_no_words_for_display_messages(request_):
    with pytest.raises(TypeError):
        v16.call_of(request_)


def test_a_reported_message_becomes_the_models_fields():
    fields = message_fields({"id": 5, "priority": "InFront", "state": "Charging",
                             "endDateTime": "2026-12-14T08:00:00+01:00", "transactionId": "tx-9",
                             "message": {"format": "URI", "content": "https://example.com/p"},
                             "display": {"name": "Display", "evse": {"id": 1}}})
    assert fields["message_id"] == 5 and fields["state"] == "Charging"
    assert fields["end_at"].isoformat() == "2026-12-14T07:00:00+00:00" and fields["start_at"] is None
    assert (fields["message_format"], fields["language"], fields["transaction_id"]) == (
        "URI", "", "tx-9")
    assert (fields["display_component"], fields["display_instance"], fields["display_evse_id"]) \
        == ("Display", "", 1)
