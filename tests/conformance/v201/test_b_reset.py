"""OCA OCPP 2.0.1 conformance scenarios of block B, Provisioning: Reset of the charging station
or of one EVSE, OnIdle or Immediate, with and without a transaction. The charging station plays
its part over the real WebSocket; the central system's Reset is sent through our API
(docs/conformance.md)."""

from stations.models import OcppMessage, Station
from tests.conformance.v201.steps import command, evse_status
from tests.factories import eventually


def _booted_again(octt201) -> bool:
    """The station sent a BootNotification (RemoteReset) since the case began."""
    return Station.objects.filter(pk=octt201.station.pk, boot_reason="RemoteReset",
                                  last_boot_at__gte=octt201.began).exists()


async def _session(octt201, **filters):
    return await eventually(lambda: octt201.own_sessions().filter(**filters).first())


async def _started(octt201, cp, evse_id: int = 1):
    await cp.start_transaction(evse_id, octt201.valid)
    return await _session(octt201, stopped_at__isnull=True)


async def test_tc_b_20_reset_charging_station_without_ongoing_transaction_onidle(server, octt201):
    """Reset Charging Station – Without ongoing transaction – OnIdle

    The station is idle: it accepts the reset, reboots (BootNotification RemoteReset) and reports
    its connectors again."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "Reset", {"type": "OnIdle"})
        await eventually(lambda: _booted_again(octt201))
        await evse_status(api, octt201.station, 1, "Available")
    assert answer == {"status": "Accepted"}
    assert [b.status for b in cp.boots] == ["Accepted", "Accepted"]


async def test_tc_b_21_reset_charging_station_with_ongoing_transaction_onidle(server, octt201):
    """Reset Charging Station – With Ongoing Transaction – OnIdle

    The station schedules the reset while its transaction runs; once the transaction has ended
    (and is stored as ended), it reboots."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        session = await _started(octt201, cp)
        answer = await command(api, octt201.station, "Reset", {"type": "OnIdle"})
        assert answer == {"status": "Scheduled"}
        assert not _booted_again(octt201)
        await cp.stop_transaction(1)
        await eventually(lambda: _booted_again(octt201))
        ended = await _session(octt201, pk=session.pk, stopped_at__isnull=False)
    assert ended.stop_reason == "Local"


async def test_tc_b_22_reset_charging_station_with_ongoing_transaction_immediate(server, octt201):
    """Reset Charging Station – With Ongoing Transaction – Immediate

    The station ends its transaction at once (stoppedReason ImmediateReset), the central system
    stores it as ended, and the station reboots."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        session = await _started(octt201, cp)
        answer = await command(api, octt201.station, "Reset", {"type": "Immediate"})
        ended = await _session(octt201, pk=session.pk, stopped_at__isnull=False)
        await eventually(lambda: _booted_again(octt201))
        await evse_status(api, octt201.station, 1, "Available")
        await cp.settle()
    assert answer == {"status": "Accepted"}
    assert ended.stop_reason == "ImmediateReset"


async def test_tc_b_25_reset_evse_without_ongoing_transaction(server, octt201):
    """Reset EVSE – Without ongoing transaction

    Only the EVSE resets: it reports its connector again, the station does not reboot."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "Reset", {"type": "Immediate", "evseId": 2})
        await cp.settle()
        await evse_status(api, octt201.station, 2, "Available")
    assert answer == {"status": "Accepted"}
    assert ("Reset", {"type": "Immediate", "evse_id": 2}) in cp.received
    assert len(cp.boots) == 1 and not _booted_again(octt201)


async def test_tc_b_26_reset_evse_with_ongoing_transaction_onidle(server, octt201):
    """Reset EVSE – With Ongoing Transaction – OnIdle

    The EVSE's reset waits for its transaction to end; then the EVSE resets, the station does
    not reboot."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        session = await _started(octt201, cp)
        answer = await command(api, octt201.station, "Reset", {"type": "OnIdle", "evseId": 1})
        assert answer == {"status": "Scheduled"}
        await cp.stop_transaction(1)
        await cp.settle()
        await _session(octt201, pk=session.pk, stopped_at__isnull=False)
        await evse_status(api, octt201.station, 1, "Available")
    assert len(cp.boots) == 1


async def test_tc_b_27_reset_evse_with_ongoing_transaction_immediate(server, octt201):
    """Reset EVSE – With Ongoing Transaction – Immediate

    The EVSE's transaction ends at once (ImmediateReset) and is stored as ended; the EVSE
    resets, the station does not reboot."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        session = await _started(octt201, cp)
        answer = await command(api, octt201.station, "Reset", {"type": "Immediate", "evseId": 1})
        ended = await _session(octt201, pk=session.pk, stopped_at__isnull=False)
        await cp.settle()
    assert answer == {"status": "Accepted"}
    assert ended.stop_reason == "ImmediateReset"
    assert len(cp.boots) == 1
    assert OcppMessage.objects.filter(station=octt201.station, direction="out", action="Reset",
                                      created_at__gte=octt201.began).count() == 1
