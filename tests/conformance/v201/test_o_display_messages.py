"""OCA OCPP 2.0.1 conformance scenarios of block O, Display message: the charging station (the
bundled 2.0.1 simulator, which keeps its messages and refuses what it is configured not to
show) plays its part over the real WebSocket, the central system is driven through our API
(docs/conformance.md, docs/ocpp201.md "Display messages"). Message ids are the backend's next
free ones, so the shared run's cases never meet each other's messages."""

import asyncio
from datetime import UTC, datetime, timedelta

from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import eventually


def url(octt201, rest: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/display-messages/{rest}"


def later(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def set_message(api, octt201, **body) -> dict:
    response = await api.post(url(octt201), json={"priority": "NormalCycle",
                                                  "content": "Welcome to OCTT", **body})
    assert response.status_code == 201, response.text
    return response.json()


async def refresh(api, octt201, **criteria) -> dict:
    """GetDisplayMessages through the API, waited for until its last part came."""
    response = await api.post(url(octt201, "refresh/"), json=criteria)
    assert response.status_code == 201, response.text

    async def complete():
        body = (await api.get(url(octt201, f"reports/{response.json()['id']}/"))).json()
        return body if body["completed_at"] else None

    return await eventually(complete)


def sent(cp, action: str) -> list[dict]:
    return [payload for name, payload in cp.received if name == action]


def reported_ids(report: dict) -> list[int]:
    return sorted(message["id"] for message in report["messages"])


async def test_tc_o_01_set_display_message_success(server, octt201):
    """Set Display Message – Success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201, priority="InFront", language="en")
    assert (body["answer"], body["status"]) == ("Accepted", "Set")
    [message] = sent(cp, "SetDisplayMessage")
    assert (message["id"], message["priority"]) == (body["message_id"], "InFront")
    assert message["message"] == {"format": "UTF8", "language": "en", "content": "Welcome to OCTT"}


async def test_tc_o_02_get_all_display_messages_success(server, octt201):
    """Get all Display Messages – Success: every message, in NotifyDisplayMessages parts."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        ids = [(await set_message(api, octt201, content=f"OCTT {n}"))["message_id"]
               for n in range(3)]
        report = await refresh(api, octt201)
    assert sent(cp, "GetDisplayMessages")[-1] == {"request_id": report["request_id"], "id": None,
                                                  "priority": None, "state": None}
    assert (report["status"], report["parts"], reported_ids(report)) == ("Accepted", 2, ids)


async def test_tc_o_03_get_all_display_messages_no_displaymessages_configured(server, octt201):
    """Get all Display Messages – No DisplayMessages configured: Unknown, the report complete
    and empty."""
    async with octt201.charge_point(server), octt201.api(server) as api:
        report = await refresh(api, octt201)
    assert (report["status"], report["messages"], report["parts"]) == ("Unknown", [], 0)


async def test_tc_o_04_clear_display_message_success(server, octt201):
    """Clear Display Message – Success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201)
        cleared = await api.delete(url(octt201, f"{body['message_id']}/"))
        shown = (await api.get(url(octt201, f"{body['message_id']}/"))).json()
    assert cleared.json()["status"] == "Accepted" and shown["status"] == "Cleared"
    assert sent(cp, "ClearDisplayMessage") == [{"id": body["message_id"]}]
    assert body["message_id"] not in cp.display_messages


async def test_tc_o_05_clear_display_message_unknown_key(server, octt201):
    """Clear Display Message – Unknown Key: the station's Unknown is the answer shown."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        cleared = await api.delete(url(octt201, "2147483647/"))
    assert cleared.status_code == 200 and cleared.json()["status"] == "Unknown"
    assert sent(cp, "ClearDisplayMessage") == [{"id": 2147483647}]


async def test_tc_o_06_set_display_message_specific_transaction_success(server, octt201):
    """Set Display Message – Specific transaction – Success"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await eventually(lambda: octt201.own_sessions().filter(station_transaction_id=tx).exists())
        body = await set_message(api, octt201, transaction_id=tx, priority="InFront")
        shown = cp.displayed()
        await cp.stop_transaction(1)
    assert (body["answer"], body["transaction_id"]) == ("Accepted", tx)
    assert sent(cp, "SetDisplayMessage")[0]["transaction_id"] == tx
    assert shown == [body["message_id"]] and cp.displayed() == []


async def test_tc_o_07_get_a_specific_display_message_id(server, octt201):
    """Get a Specific Display Message – Id"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        first = await set_message(api, octt201)
        await set_message(api, octt201)
        report = await refresh(api, octt201, message_ids=[first["message_id"]])
    assert sent(cp, "GetDisplayMessages")[-1]["id"] == [first["message_id"]]
    assert (report["status"], reported_ids(report)) == ("Accepted", [first["message_id"]])


async def test_tc_o_08_get_a_specific_display_message_priority(server, octt201):
    """Get a Specific Display Message – Priority"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        front = await set_message(api, octt201, priority="AlwaysFront")
        await set_message(api, octt201, priority="NormalCycle")
        report = await refresh(api, octt201, priority="AlwaysFront")
    assert sent(cp, "GetDisplayMessages")[-1]["priority"] == "AlwaysFront"
    assert reported_ids(report) == [front["message_id"]]


async def test_tc_o_09_get_a_specific_display_message_state(server, octt201):
    """Get a Specific Display Message – State"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        faulted = await set_message(api, octt201, state="Faulted")
        await set_message(api, octt201, state="Idle")
        report = await refresh(api, octt201, state="Faulted")
    assert sent(cp, "GetDisplayMessages")[-1]["state"] == "Faulted"
    assert reported_ids(report) == [faulted["message_id"]]


async def test_tc_o_10_set_display_message_specific_transaction_unknowntransaction(server, octt201):
    """Set Display Message – Specific transaction – UnknownTransaction: the station no longer
    runs the transaction we hold running; its answer is recorded, the message Refused."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await eventually(lambda: octt201.own_sessions().filter(station_transaction_id=tx).exists())
        cp.evses[1].transaction_id = None  # lost on the station, never ended towards us
        body = await set_message(api, octt201, transaction_id=tx)
    assert (body["answer"], body["status"]) == ("UnknownTransaction", "Refused")
    assert cp.display_messages == {}


async def test_tc_o_11_get_a_specific_display_message_unknown_parameters(server, octt201):
    """Get a Specific Display Message – Unknown parameters: Unknown, nothing reported."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await set_message(api, octt201, priority="NormalCycle")
        report = await refresh(api, octt201, message_ids=[2147483646], priority="AlwaysFront")
    assert (report["status"], report["messages"]) == ("Unknown", [])
    assert sent(cp, "GetDisplayMessages")[-1]["id"] == [2147483646]


async def test_tc_o_12_set_display_message_replace_displaymessage(server, octt201):
    """Set Display Message – Replace DisplayMessage: the same id again replaces the first."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        first = await set_message(api, octt201, content="First text")
        second = await set_message(api, octt201, message_id=first["message_id"],
                                   content="Replacing text")
        history = (await api.get(url(octt201), params={"message_id": first["message_id"]})).json()
    assert second["status"] == "Set"
    assert [m["status"] for m in history["results"]] == ["Set", "Replaced"]
    assert cp.display_messages[first["message_id"]]["message"]["content"] == "Replacing text"


async def test_tc_o_13_set_display_message_display_message_at_starttime(server, octt201):
    """Set Display Message – Display message at StartTime: shown from its start only."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201, start_at=later(0.8))
        before = cp.displayed()
        after = await eventually(cp.displayed, timeout=3)
    assert sent(cp, "SetDisplayMessage")[0]["start_date_time"].endswith("Z")
    assert before == [] and after == [body["message_id"]]


async def test_tc_o_14_set_display_message_remove_message_after_endtime(server, octt201):
    """Set Display Message – Remove message after EndTime: the station drops it; a report then
    finds none and the message is Gone here too."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201, end_at=later(0.8))
        shown = cp.displayed()
        await asyncio.sleep(0.9)
        report = await refresh(api, octt201, message_ids=[body["message_id"]])
        record = (await api.get(url(octt201, f"{body['message_id']}/"))).json()
    assert sent(cp, "SetDisplayMessage")[0]["end_date_time"].endswith("Z")
    assert shown == [body["message_id"]] and cp.displayed() == []
    assert report["status"] == "Unknown" and record["status"] == "Gone"


class Limited(SimulatedChargePoint201):
    """A display that shows plain text in the normal cycle when idle, nothing else."""

    display_formats = frozenset({"ASCII", "UTF8"})
    display_priorities = frozenset({"NormalCycle"})
    display_states = frozenset({"Idle"})


async def refused(server, octt201, **body) -> dict:
    async with octt201.charge_point(server, cls=Limited) as cp, octt201.api(server) as api:
        answer = await set_message(api, octt201, **body)
    assert answer["status"] == "Refused" and cp.display_messages == {}
    return answer


async def test_tc_o_17_set_display_message_notsupportedpriority(server, octt201):
    """Set Display Message – NotSupportedPriority"""
    assert (await refused(server, octt201, priority="AlwaysFront"))["answer"] == "NotSupportedPriority"


async def test_tc_o_18_set_display_message_notsupportedstate(server, octt201):
    """Set Display Message – NotSupportedState"""
    assert (await refused(server, octt201, state="Charging"))["answer"] == "NotSupportedState"


async def test_tc_o_19_set_display_message_notsupportedmessageformat(server, octt201):
    """Set Display Message – NotSupportedMessageFormat"""
    answer = await refused(server, octt201, message_format="HTML", content="<p>OCTT</p>")
    assert answer["answer"] == "NotSupportedMessageFormat"


async def test_tc_o_25_set_display_message_send_specific_state(server, octt201):
    """Set Display Message – Send Specific state"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201, state="Unavailable",
                                 content="Out of order until Monday")
    assert (body["answer"], body["state"]) == ("Accepted", "Unavailable")
    assert sent(cp, "SetDisplayMessage")[0]["state"] == "Unavailable"


class Refusing(SimulatedChargePoint201):
    display_answer = "Rejected"


async def test_tc_o_26_set_display_message_rejected(server, octt201):
    """Set Display Message – Rejected"""
    async with octt201.charge_point(server, cls=Refusing) as cp, octt201.api(server) as api:
        body = await set_message(api, octt201)
    assert (body["answer"], body["status"]) == ("Rejected", "Refused")
    assert cp.display_messages == {}


async def test_tc_o_27_set_display_message_specific_transaction_display_message_at_starttime(
        server, octt201):
    """Set Display Message – Specific transaction – Display message at StartTime"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await eventually(lambda: octt201.own_sessions().filter(station_transaction_id=tx).exists())
        body = await set_message(api, octt201, transaction_id=tx, start_at=later(0.8))
        before = cp.displayed()
        after = await eventually(cp.displayed, timeout=3)
        await cp.stop_transaction(1)
    [message] = sent(cp, "SetDisplayMessage")
    assert message["transaction_id"] == tx and message["start_date_time"].endswith("Z")
    assert before == [] and after == [body["message_id"]]


async def test_tc_o_28_set_display_message_specific_transaction_remove_message_after_endtime(
        server, octt201):
    """Set Display Message – Specific transaction – Remove message after EndTime"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        tx = cp.evses[1].transaction_id
        await eventually(lambda: octt201.own_sessions().filter(station_transaction_id=tx).exists())
        body = await set_message(api, octt201, transaction_id=tx, end_at=later(0.8))
        shown = cp.displayed()
        await asyncio.sleep(0.9)
        gone = cp.displayed()
        await cp.stop_transaction(1)
    [message] = sent(cp, "SetDisplayMessage")
    assert message["transaction_id"] == tx and message["end_date_time"].endswith("Z")
    assert shown == [body["message_id"]] and gone == []
