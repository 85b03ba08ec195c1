"""Version-neutral commands (stations/services/station_commands.py) over a real WebSocket: the
dashboard's actions, now worded by the station's adapter, put the same 1.6 frames on the wire
as before; and, from another process over the channel layer, the services themselves reach
the station and bring back its answers (the pure translation: tests/fast/stations/ocpp/)."""

import asyncio

from stations.commands.sending import StationNotConnected
from stations.models import ChargingSession, OcppMessage
from stations.selectors import stations_of
from stations.services import station_commands as commands
from tenants.models import Role
from tests.browser import member
from tests.conftest import needs_redis
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, eventually, make_id_tag, make_station, make_tenant


async def _sent(station, action: str) -> list[dict]:
    """The payloads of the CALLs of `action` we sent to `station`, oldest first (the frame log
    is written in batches, so wait for it)."""
    def logged():
        return list(OcppMessage.objects.filter(station=station, direction="out", action=action,
                                                message_type=2)
                    .order_by("created_at", "id").values_list("payload", flat=True))
    return await eventually(logged)


async def test_the_dashboards_actions_send_the_same_1_6_frames_as_before(server):
    tenant = make_tenant("Neutral")
    station, password = make_station(tenant, identity="NEUTRAL-1")
    make_id_tag(tenant, "CARD-7")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = "/stations/NEUTRAL-1"
    try:
        async with charge_point(server, tenant, station, password) as cp:
            await cp.status(1, "Available")
            reset = await post(http, f"{base}/reset/", {"type": "Hard"})
            whole = await post(http, f"{base}/availability/", {"connector_id": "0",
                                                               "type": "Inoperative"})
            one = await post(http, f"{base}/availability/", {"connector_id": "1",
                                                             "type": "Operative"})
            unlock = await post(http, f"{base}/unlock/", {"connector_id": "1"})
            changed = await post(http, f"{base}/configuration/change/",
                                 {"key": "MeterValueSampleInterval", "value": "20"})
            table = await http.get(f"{base}/configuration/", headers={"HX-Request": "true"})
            started = await post(http, f"{base}/remote-start/", {"id_tag": "CARD-7",
                                                                 "connector_id": "1"})
            session = await eventually(lambda: ChargingSession.objects.filter(
                station=station, stopped_at__isnull=True, transaction_id__isnull=False).first())
            stopped = await post(http, f"{base}/remote-stop/",
                                 {"transaction_id": str(session.transaction_id)})
            await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at)
    finally:
        await http.aclose()
    assert all("Accepted" in r.text for r in (reset, whole, one, changed, started, stopped))
    assert "Unlocked" in unlock.text
    assert 'name="value" value="20"' in table.text
    assert await _sent(station, "Reset") == [{"type": "Hard"}]
    assert await _sent(station, "ChangeAvailability") == [
        {"connectorId": 0, "type": "Inoperative"}, {"connectorId": 1, "type": "Operative"}]
    assert await _sent(station, "UnlockConnector") == [{"connectorId": 1}]
    assert await _sent(station, "ChangeConfiguration") == [
        {"key": "MeterValueSampleInterval", "value": "20"}]
    assert await _sent(station, "GetConfiguration") == [{}]
    assert await _sent(station, "RemoteStartTransaction") == [{"idTag": "CARD-7", "connectorId": 1}]
    assert await _sent(station, "RemoteStopTransaction") == [
        {"transactionId": session.transaction_id}]
    assert cp.configuration["MeterValueSampleInterval"] == "20"


async def test_a_neutral_command_to_a_station_that_is_not_connected_is_a_409(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    fresh = await asyncio.to_thread(lambda: stations_of(tenant).get(pk=station.pk))
    try:
        await commands.station_reset(station=fresh, hard=False)
    except StationNotConnected as failure:
        assert (failure.status_code, failure.action) == (409, "Reset")
    else:
        raise AssertionError("a station that is not connected cannot be reset")


@needs_redis
async def test_the_services_reach_a_station_served_by_another_process(server):
    # As Celery tasks and other processes do: the request travels over the channel layer.
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "APP-9")
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Available")
        fresh = await asyncio.to_thread(lambda: stations_of(tenant).get(pk=station.pk))
        report = await commands.configuration_get(station=fresh,
                                                  keys=("HeartbeatInterval", "Colour"))
        changed = await commands.configuration_set(station=fresh, key="HeartbeatInterval",
                                                   value="120")
        cleared = await commands.cache_clear(station=fresh)
        transfer = await commands.data_transfer(station=fresh, vendor_id="com.example")
        started = await commands.session_start_remote(station=fresh, id_token="APP-9", evse_id=1)
        session = await eventually(lambda: ChargingSession.objects.filter(
            station=station, stopped_at__isnull=True, transaction_id__isnull=False).first())
        stopped = await commands.session_stop_remote(station=fresh,
                                                     transaction_id=session.transaction_id)
        await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at)
        reset = await commands.station_reset(station=fresh, hard=False)
    assert [k["key"] for k in report.keys] == ["HeartbeatInterval"]
    assert report.unknown == ("Colour",)
    assert (changed.action, changed.status) == ("ChangeConfiguration", "Accepted")
    assert cp.configuration["HeartbeatInterval"] == "120"
    assert cleared.status == "Accepted" and transfer.status == "UnknownVendorId"
    assert (started.action, started.status) == ("RemoteStartTransaction", "Accepted")
    assert (stopped.action, stopped.status) == ("RemoteStopTransaction", "Accepted")
    assert ("RemoteStartTransaction", {"id_tag": "APP-9"}) in cp.received
    assert ("Reset", {"type": "Soft"}) in cp.received and reset.status == "Accepted"
