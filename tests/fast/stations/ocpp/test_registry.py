"""The handler registry (stations/ocpp/registry.py) and the 1.6 router that uses it: one handler
per (version, action), the feature apps' handlers registered by their AppConfig.ready(),
reactions before the handler, follow-ups in the order asked for and only with an answer; and
what a CALL of ours tells the apps, kept on the link (stations/ocpp/link.py), not the Station."""

from datetime import UTC, datetime

import pytest

from stations.models import Station
from stations.ocpp import consumer, registry
from stations.ocpp.frames import Call, CallError, CallResult
from stations.ocpp.link import FIRMWARE, LOCAL_LIST, Link
from stations.ocpp.v16 import core, router

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _link(**kwargs) -> Link:
    return Link(Station(pk=1, tenant_id=1, identity="CP-1"), **kwargs)


def test_each_app_registers_its_own_1_6_handlers():
    owners = {action: registry.handler_of("1.6", action).__module__
              for action in router.STATION_ACTIONS}
    assert owners["BootNotification"] == owners["StopTransaction"] == "stations.ocpp.v16.core"
    assert owners["FirmwareStatusNotification"] == "stations.firmware.ocpp16"
    assert owners["LogStatusNotification"] == "stations.firmware.ocpp16"
    assert owners["SecurityEventNotification"] == owners["SignCertificate"] == "stations.security.ocpp16"
    assert [r.__module__ for r in registry.reactions_to("1.6", "BootNotification")] == [
        "stations.firmware.ocpp16", "stations.authlist.ocpp16"]
    assert registry.handler_of("2.0.1", "BootNotification").__module__ == "stations.ocpp.v201.core"


def test_a_second_handler_for_one_message_is_refused():
    async def another(link, payload, received_at):
        return {}

    with pytest.raises(ValueError, match="handled by stations.ocpp.v16.core"):
        registry.handles("1.6", "Heartbeat")(another)
    assert registry.handler_of("1.6", "Heartbeat") is core.heartbeat


async def test_reactions_run_before_the_handler_and_follow_ups_keep_their_order(monkeypatch):
    ran = []

    async def first():
        pass

    async def second():
        pass

    async def reaction(link, payload, received_at):
        ran.append("reaction")
        registry.after_answer(first)

    async def handler(link, payload, received_at):
        ran.append("handler")
        registry.follow([second])
        return {"currentTime": "2026-12-06T12:00:00Z"}

    monkeypatch.setitem(registry._handlers, ("1.6", "Heartbeat"), handler)
    monkeypatch.setitem(registry._reactions, ("1.6", "Heartbeat"), [reaction])
    reply, follow_ups = await router.answer(_link(), Call("1", "Heartbeat", {}), NOW)
    assert isinstance(reply, CallResult) and reply.payload == {"currentTime": "2026-12-06T12:00:00Z"}
    assert ran == ["reaction", "handler"] and follow_ups == [first, second]


async def test_a_failing_handler_answers_an_internal_error_and_nothing_follows(monkeypatch):
    async def handler(link, payload, received_at):
        registry.after_answer(lambda: None)
        raise RuntimeError("bug")

    monkeypatch.setitem(registry._handlers, ("1.6", "Heartbeat"), handler)
    reply, follow_ups = await router.answer(_link(), Call("1", "Heartbeat", {}), NOW)
    assert isinstance(reply, CallError) and reply.code == "InternalError" and follow_ups == []


async def test_an_answer_outside_its_schema_is_not_sent(monkeypatch):
    async def handler(link, payload, received_at):
        return {"no": "currentTime"}

    monkeypatch.setitem(registry._handlers, ("1.6", "Heartbeat"), handler)
    reply, _ = await router.answer(_link(), Call("1", "Heartbeat", {}), NOW)
    assert isinstance(reply, CallError)


async def test_a_message_nobody_handles_is_not_supported(monkeypatch):
    monkeypatch.delitem(registry._handlers, ("1.6", "Heartbeat"))
    reply, follow_ups = await router.answer(_link(), Call("1", "Heartbeat", {}), NOW)
    assert isinstance(reply, CallError) and reply.code == "NotSupported" and follow_ups == []


def test_a_link_without_a_handshake_checks_everything_at_boot():
    assert _link().due == {FIRMWARE, LOCAL_LIST}


def test_calls_of_ours_mark_what_the_next_boot_checks_on_the_link():
    link = _link(due=set())
    router.sent(link, Call("1", "Reset", {"type": "Soft"}))
    assert link.due == set()
    router.sent(link, Call("2", "SignedUpdateFirmware", {}))
    router.sent(link, Call("3", "SendLocalList", {}))
    assert link.due == {FIRMWARE, LOCAL_LIST}


def test_load_management_keeps_the_limits_it_sent_in_the_link_memo(settings):
    link = _link()
    profile = {"connectorId": 2, "csChargingProfiles": {
        "chargingProfileId": settings.LOAD_PROFILE_ID + 2, "chargingSchedule": {
            "chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 13.5}]}}}
    router.sent(link, Call("1", "SetChargingProfile", profile))
    assert str(link.memo_of("loadmgmt")["load_limits"][2]) == "13.5"
    assert not hasattr(link.station, "load_limits")


def test_the_consumer_speaks_the_first_subprotocol_the_station_offers_that_it_knows():
    assert consumer._negotiated(["ocpp2.0", "ocpp1.6"]) == "ocpp1.6"
    assert consumer._negotiated(["ocpp1.6", "ocpp2.0.1"]) == "ocpp1.6"
    assert consumer._negotiated(["ocpp2.1", "ocpp2.0.1", "ocpp1.6"]) == "ocpp2.0.1"
    assert consumer.ADAPTERS["ocpp1.6"] is router.ROUTER and router.VERSION == "1.6"
    assert consumer.ADAPTERS["ocpp2.0.1"].VERSION == "2.0.1"
    assert consumer._negotiated(["ocpp1.5"]) is None and consumer._negotiated([]) is None
