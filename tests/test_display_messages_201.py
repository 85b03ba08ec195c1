"""Display messages of an OCPP 2.0.1 station over a real WebSocket (the simulated 2.0.1 station,
which keeps its messages): the API sets, replaces, reports and clears them in 2.0.1's words, the
station's answers and reports update what we know is on it, input is checked before anything is
sent, another tenant sees nothing, and a 1.6 station is refused with the reason
(docs/ocpp201.md, display messages; docs/api.md)."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.displaymessages import services
from stations.displaymessages.models import DisplayMessage, Status
from stations.simulator.v201 import SimulatedChargePoint201
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_station,
    make_tenant,
)


def url(station, rest: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/display-messages/{rest}"


def soon(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def refreshed(api, station, **criteria) -> dict:
    """GetDisplayMessages through the API, waited for until its last part came."""
    response = await api.post(url(station, "refresh/"), json=criteria)
    assert response.status_code == 201, response.text

    async def complete():
        body = (await api.get(url(station, f"reports/{response.json()['id']}/"))).json()
        return body if body["completed_at"] else None

    return await eventually(complete)


async def test_a_message_is_set_in_2_0_1_words_and_shown(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = await api.post(url(station), json={
            "priority": "InFront", "state": "Unavailable", "content": "Out of order until Monday",
            "language": "en", "end_at": soon(3600), "display_component": "Display",
            "display_instance": "front"})
        listed = (await api.get(url(station))).json()
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["status"], body["answer"], body["in_force"]) == ("Set", "Accepted", True)
    [(action, sent)] = [(a, p) for a, p in cp.received if a == "SetDisplayMessage"]
    assert sent["id"] == body["message_id"] and sent["priority"] == "InFront"
    assert sent["state"] == "Unavailable" and sent["end_date_time"].endswith("Z")
    assert sent["message"] == {"format": "UTF8", "language": "en",
                               "content": "Out of order until Monday"}
    assert sent["display"] == {"name": "Display", "instance": "front"}
    assert cp.displayed() == [body["message_id"]]
    assert [m["message_id"] for m in listed["results"]] == [body["message_id"]]


async def test_setting_an_id_again_replaces_the_message(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        first = (await api.post(url(station), json={"message_id": 7, "priority": "NormalCycle",
                                                    "content": "Welcome"})).json()
        second = (await api.post(url(station), json={"message_id": 7, "priority": "NormalCycle",
                                                     "content": "Welcome back"})).json()
        shown = (await api.get(url(station, "7/"))).json()
    assert DisplayMessage.objects.get(pk=first["id"]).status == Status.REPLACED
    assert shown["id"] == second["id"] and shown["status"] == "Set"
    assert cp.display_messages[7]["message"]["content"] == "Welcome back"


async def test_refusals_are_recorded_with_the_answer(server):
    class Plain(SimulatedChargePoint201):
        display_formats = frozenset({"ASCII"})
        display_priorities = frozenset({"NormalCycle"})
        display_states = frozenset({"Idle"})

    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password, cls=Plain) as cp, \
            api_client(server, tenant) as api:
        answers = [(await api.post(url(station), json=body)).json() for body in (
            {"priority": "NormalCycle", "content": "<b>Hi</b>", "message_format": "HTML"},
            {"priority": "AlwaysFront", "content": "Hi", "message_format": "ASCII"},
            {"priority": "NormalCycle", "content": "Hi", "message_format": "ASCII",
             "state": "Charging"})]
    assert [(a["status"], a["answer"]) for a in answers] == [
        ("Refused", "NotSupportedMessageFormat"), ("Refused", "NotSupportedPriority"),
        ("Refused", "NotSupportedState")]
    assert cp.display_messages == {}


async def test_a_transaction_message_needs_a_running_transaction(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await cp.start_transaction(1, "DM-CARD")
        transaction_id = cp.evses[1].transaction_id
        made = (await api.post(url(station), json={
            "priority": "InFront", "content": "Your car charges at 11 kW",
            "transaction_id": transaction_id})).json()
        unknown = await api.post(url(station), json={"priority": "InFront", "content": "x",
                                                     "transaction_id": "no-such-transaction"})
        await cp.stop_transaction(1)
        after = await api.post(url(station), json={"priority": "InFront", "content": "x",
                                                   "transaction_id": transaction_id})
    assert made["status"] == "Set" and made["transaction_id"] == transaction_id
    assert made["session"] is not None
    assert unknown.status_code == 400 and "transaction_id" in unknown.json()
    assert after.status_code == 400
    assert cp.displayed() == []  # the station dropped the message with its transaction
    await eventually(lambda: DisplayMessage.objects.get(pk=made["id"]).status == Status.GONE)


async def test_a_report_in_parts_updates_what_is_known_to_be_on_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        for n in (1, 2, 3):
            await api.post(url(station), json={"message_id": n, "priority": "NormalCycle",
                                               "content": f"message {n}"})
        del cp.display_messages[2]  # lost on the station (a firmware reset, say)
        cp.display_messages[9] = {"id": 9, "priority": "AlwaysFront", "message": {
            "format": "ASCII", "content": "set by an earlier CSMS"}}
        report = await refreshed(api, station)
        by_id = {m["message_id"]: m for m in (await api.get(url(station))).json()["results"]}
    assert (report["status"], report["parts"]) == ("Accepted", 2)
    assert sorted(m["id"] for m in report["messages"]) == [1, 3, 9]
    assert {n: m["status"] for n, m in by_id.items()} == {1: "Set", 2: "Gone", 3: "Set", 9: "Set"}
    assert by_id[9]["origin"] == "Station" and by_id[9]["content"] == "set by an earlier CSMS"
    assert by_id[1]["reported"]["message"]["content"] == "message 1"


async def test_a_report_by_criteria_and_an_empty_one(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(url(station), json={"message_id": 1, "priority": "AlwaysFront",
                                           "state": "Idle", "content": "a"})
        await api.post(url(station), json={"message_id": 2, "priority": "NormalCycle",
                                           "content": "b"})
        by_priority = await refreshed(api, station, priority="AlwaysFront")
        by_ids = await refreshed(api, station, message_ids=[2])
        none = await refreshed(api, station, state="Faulted")
    assert [m["id"] for m in by_priority["messages"]] == [1]
    assert [m["id"] for m in by_ids["messages"]] == [2]
    assert (none["status"], none["messages"]) == ("Unknown", [])
    [*_, asked] = [p for a, p in cp.received if a == "GetDisplayMessages"]
    assert asked["state"] == "Faulted" and asked["id"] is None
    assert set(DisplayMessage.objects.filter(station=station).values_list("status", flat=True)) \
        == {"Set"}


async def test_a_message_is_cleared_and_an_unknown_id_is_said_so(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = (await api.post(url(station), json={"priority": "InFront", "content": "x"})).json()
        cleared = await api.delete(url(station, f"{made['message_id']}/"))
        unknown = await api.delete(url(station, "4242/"))
    assert cleared.json() == {"message_id": made["message_id"], "status": "Accepted"}
    assert unknown.json() == {"message_id": 4242, "status": "Unknown"}
    assert DisplayMessage.objects.get(pk=made["id"]).status == Status.CLEARED
    assert cp.display_messages == {}


async def test_bad_input_is_a_400_with_the_reason_and_nothing_is_sent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    bad = [({"priority": "InFront", "content": "x" * 513}, "content"),
           ({"priority": "InFront", "content": "   "}, "content"),
           ({"priority": "Sometimes", "content": "x"}, "priority"),
           ({"priority": "InFront", "content": "x", "state": "Asleep"}, "state"),
           ({"priority": "InFront", "content": "x", "message_format": "PDF"}, "message_format"),
           ({"priority": "InFront", "content": "x", "start_at": soon(60), "end_at": soon(30)},
            "end_at"),
           ({"priority": "InFront", "content": "x", "end_at": soon(-60)}, "end_at"),
           ({"priority": "InFront", "content": "x", "language": "much-too-long"}, "language"),
           ({"priority": "InFront", "content": "x", "message_id": 2**31}, "message_id"),
           ({"priority": "InFront", "content": "x", "display_instance": "a"},
            "display_component")]
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answers = [(await api.post(url(station), json=body), field) for body, field in bad]
        bad_refresh = await api.post(url(station, "refresh/"), json={"message_ids": ["x"]})
    for response, field in answers:
        assert response.status_code == 400 and field in response.json(), response.text
    assert bad_refresh.status_code == 400
    assert not [a for a, _ in cp.received if "DisplayMessage" in a]


async def test_another_tenant_gets_404_and_accountants_only_read(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password), \
            api_client(server, other) as outsider, \
            api_client(server, tenant, role="accountant") as accountant:
        answers = [await outsider.get(url(station)),
                   await outsider.post(url(station), json={"priority": "InFront", "content": "x"}),
                   await outsider.delete(url(station, "1/")),
                   await outsider.post(url(station, "refresh/"), json={})]
        read = await accountant.get(url(station))
        write = await accountant.post(url(station), json={"priority": "InFront", "content": "x"})
    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert read.status_code == 200 and write.status_code == 403


async def test_a_1_6_station_has_no_display_messages(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password), \
            api_client(server, tenant) as api:
        answers = [await api.post(url(station), json={"priority": "InFront", "content": "x"}),
                   await api.delete(url(station, "1/")),
                   await api.post(url(station, "refresh/"), json={})]
    assert [r.status_code for r in answers] == [409, 409, 409]
    assert "only OCPP 2.0.1 stations" in answers[0].json()["detail"]
    assert not DisplayMessage.objects.filter(station=station).exists()


async def test_the_raw_commands_endpoint_sends_them_through_display_messages(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        raw = [await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": action, "payload": payload}) for action, payload in (
            ("SetDisplayMessage", {"message": {"id": 1, "priority": "InFront", "message": {
                "format": "UTF8", "content": "x"}}}),
            ("ClearDisplayMessage", {"id": 1}))]
    assert [r.status_code for r in raw] == [400, 400]
    assert "display-messages/" in raw[0].json()["action"][0]
    assert "display-messages/<id>/ (DELETE)" in raw[1].json()["action"][0]
    assert cp.display_messages == {}


# Reports whatever their history: Hypothesis ---------------------------------------------------
HELD = st.dictionaries(st.integers(0, 30), st.sampled_from(["AlwaysFront", "NormalCycle"]),
                       max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=HELD, theirs=HELD, per_part=st.integers(1, 4))
def test_after_a_complete_report_what_is_set_is_what_the_station_holds(database, ours, theirs,
                                                                         per_part):
    """Whatever we believed set and whatever the station reports, in parts of any size: after
    the last part, the messages Set are exactly the station's, each once."""
    tenant = make_tenant()
    station, _ = make_station(tenant)
    for message_id, priority in ours.items():
        DisplayMessage.objects.create(tenant=tenant, station=station, message_id=message_id,
                                      priority=priority, content="ours", status=Status.SET)
    report = services.DisplayMessageReport.objects.create(tenant=tenant, station=station)
    report.request_id = report.pk
    report.save()
    infos = [{"id": n, "priority": p, "message": {"format": "UTF8", "content": "theirs"}}
             for n, p in theirs.items()]
    parts = [infos[n:n + per_part] for n in range(0, len(infos), per_part)] or [[]]
    from stations.displaymessages.ocpp201 import message_fields
    for index, part in enumerate(parts):
        services.display_messages_reported(
            station_id=station.pk, request_id=report.pk, messages=[message_fields(m) for m in part],
            reported=part, tbc=index < len(parts) - 1)
    held = list(DisplayMessage.objects.filter(station=station, status=Status.SET)
                .values_list("message_id", flat=True))
    assert sorted(held) == sorted(theirs)
