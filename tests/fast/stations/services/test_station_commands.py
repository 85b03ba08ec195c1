"""The version-neutral command services (stations/services/station_commands.py) and the path
they take (stations.commands.sending.command_run): the station's adapter words the request, one
CALL goes out, the answer comes back neutral, and a failure names the message tried. The socket is
replaced by a recording stand-in; the same commands over a real WebSocket are in
tests/test_station_commands.py."""

import pytest

from stations.commands import sending as commands
from stations.commands.requests import CacheClear, CommandResult, ConfigurationReport
from stations.commands.sending import (
    CommandInvalid,
    StationAnsweredError,
    StationNotConnected,
    command_run,
    translator_for,
)
from stations.models import Station
from stations.ocpp.v16 import commands as v16
from stations.services import station_commands as services

STATION = Station(pk=1, tenant_id=1, identity="CP-1")


@pytest.fixture
def station_link(monkeypatch):
    """Replaces `station_call`: records each CALL and answers with `answers[action]`."""

    class Link:
        sent: list[tuple[str, dict]] = []
        answers: dict[str, dict | Exception] = {}

        async def call(self, station, action, payload, *, timeout=None):
            self.sent.append((action, payload))
            answer = self.answers.get(action, {"status": "Accepted"})
            if isinstance(answer, Exception):
                raise answer
            return answer

    link = Link()
    link.sent, link.answers = [], {}
    monkeypatch.setattr(commands, "station_call", link.call)
    return link


def test_every_station_is_worded_in_1_6_today():
    assert translator_for(STATION) is v16


async def test_a_hard_reset_is_one_1_6_reset_and_its_status_comes_back(station_link):
    station_link.answers["Reset"] = {"status": "Rejected"}
    result = await services.station_reset(station=STATION, hard=True)
    assert station_link.sent == [("Reset", {"type": "Hard"})]
    assert result == CommandResult(action="Reset", status="Rejected", response={"status": "Rejected"})


async def test_a_remote_start_and_stop_name_the_token_the_evse_and_the_transaction(station_link):
    started = await services.session_start_remote(station=STATION, id_token="APP-USER", evse_id=2)
    stopped = await services.session_stop_remote(station=STATION, transaction_id="17")
    assert station_link.sent == [("RemoteStartTransaction", {"idTag": "APP-USER", "connectorId": 2}),
                                 ("RemoteStopTransaction", {"transactionId": 17})]
    assert started.status == stopped.status == "Accepted"


async def test_availability_unlock_cache_and_data_transfer_are_their_1_6_messages(station_link):
    await services.availability_change(station=STATION, operative=False)
    await services.availability_change(station=STATION, operative=True, evse_id=1)
    await services.connector_unlock(station=STATION, evse_id=1)
    await services.cache_clear(station=STATION)
    await services.data_transfer(station=STATION, vendor_id="com.example", message_id="ping")
    await services.message_trigger(station=STATION, requested_message="Heartbeat")
    assert station_link.sent == [
        ("ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}),
        ("ChangeAvailability", {"connectorId": 1, "type": "Operative"}),
        ("UnlockConnector", {"connectorId": 1}),
        ("ClearCache", {}),
        ("DataTransfer", {"vendorId": "com.example", "messageId": "ping"}),
        ("TriggerMessage", {"requestedMessage": "Heartbeat"}),
    ]


async def test_the_configuration_is_read_as_keys_and_set_by_key(station_link):
    station_link.answers["GetConfiguration"] = {
        "configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "60"}],
        "unknownKey": ["Colour"]}
    report = await services.configuration_get(station=STATION, keys=["HeartbeatInterval", "Colour"])
    changed = await services.configuration_set(station=STATION, key="HeartbeatInterval", value="30")
    assert station_link.sent == [
        ("GetConfiguration", {"key": ["HeartbeatInterval", "Colour"]}),
        ("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "30"})]
    assert isinstance(report, ConfigurationReport)
    assert [k["value"] for k in report.keys] == ["60"] and report.unknown == ("Colour",)
    assert changed.status == "Accepted"


async def test_a_failure_is_raised_as_it_was_and_names_the_message_tried(station_link):
    station_link.answers["Reset"] = StationAnsweredError("The station answered with a CALLERROR.",
                                                         code="NotSupported", description="")
    station_link.answers["ClearCache"] = StationNotConnected("The station is not connected.")
    with pytest.raises(StationAnsweredError) as answered:
        await services.station_reset(station=STATION, hard=False)
    with pytest.raises(StationNotConnected) as offline:
        await command_run(STATION, CacheClear())
    assert (answered.value.action, answered.value.status_code) == ("Reset", 502)
    assert answered.value.body["code"] == "NotSupported"
    assert (offline.value.action, offline.value.status_code) == ("ClearCache", 409)


async def test_a_request_the_stations_version_cannot_carry_is_a_400_and_nothing_is_sent(station_link):
    with pytest.raises(CommandInvalid) as invalid:
        await services.session_stop_remote(station=STATION, transaction_id="a1b2-c3")
    assert invalid.value.status_code == 400 and "cannot carry" in invalid.value.body["detail"]
    assert station_link.sent == []
