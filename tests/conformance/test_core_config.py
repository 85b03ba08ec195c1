"""OCPP 1.6 Core conformance (OCA test cases): reset, unlock and configuration, sent by the central
system through our command API; the station's negative answers reach the API caller as they are."""

from stations.models import Station
from stations.simulator import SimulatedChargePoint
from tests.conformance.core_steps import (
    command,
    connector_status,
    logged_command,
    session_stopped,
)
from tests.factories import (
    api_client,
    eventually,
)


class FixedCableStation(SimulatedChargePoint):
    fixed_cable = True


class StuckLockStation(SimulatedChargePoint):
    unlock_fails = True


def _last_boot(station):
    return Station.objects.get(pk=station.pk).last_boot_at


def _booted_since(station, began):
    """The station's last boot, if it came after `began`."""
    last = _last_boot(station)
    return last if last and last >= began else None


async def _reset_without_transaction(server, octt, reset_type: str) -> None:
    tenant, station = octt.tenant, octt.station
    async with api_client(server, tenant) as api:
        async with octt.charge_point(server) as cp:
            await cp.status(1, "Available")
            answer = await command(api, station, "Reset", {"type": reset_type})
            first_boot = await eventually(lambda: _booted_since(station, octt.began))
        # The station restarts: a new connection, a boot and its connectors' statuses.
        async with octt.charge_point(server, boot=False) as again:
            boot = await again.boot()
            for connector_id in (0, 1):
                await again.status(connector_id, "Available")
            await connector_status(api, station, 0, "Available")
            await eventually(lambda: _last_boot(station) > first_boot)
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert answer == {"status": "Accepted"}
    assert cp.received == [("Reset", {"type": reset_type})]
    assert await logged_command(octt, "Reset") == ({"type": reset_type}, {"status": "Accepted"})
    assert boot.status == "Accepted" and body["connected"] is True


async def test_tc_013_hard_reset_without_transaction(server, octt):
    """Hard Reset Without Transaction"""
    await _reset_without_transaction(server, octt, "Hard")


async def test_tc_014_soft_reset_without_transaction(server, octt):
    """Soft Reset Without Transaction"""
    await _reset_without_transaction(server, octt, "Soft")


async def _unlock(server, octt, cls=SimulatedChargePoint, connector_id: int = 1) -> dict:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server, cls=cls) as cp, \
            api_client(server, tenant) as api:
        answer = await command(api, station, "UnlockConnector", {"connectorId": connector_id})
    assert cp.received == [("UnlockConnector", {"connector_id": connector_id})]
    assert await logged_command(octt, "UnlockConnector") == ({"connectorId": connector_id}, answer)
    return answer


async def test_tc_017_1_unlock_connector_no_charging_session_not_fixed_cable(server, octt):
    """Unlock Connector – No Charging Session (not fixed cable)"""
    assert await _unlock(server, octt) == {"status": "Unlocked"}


async def test_tc_017_2_unlock_connector_no_charging_session_fixed_cable(server, octt):
    """Unlock Connector – No Charging Session (fixed cable)"""
    assert await _unlock(server, octt, cls=FixedCableStation) == {"status": "NotSupported"}


async def test_tc_018_1_unlock_connector_with_charging_session(server, octt):
    """Unlock Connector – With Charging Session"""
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server) as cp, \
            api_client(server, tenant) as api:
        start = await cp.start_transaction(1, octt.valid)
        assert start.id_tag_info["status"] == "Accepted"
        await cp.status(1, "Charging")
        await cp.meter_values(1, 800)
        answer = await command(api, station, "UnlockConnector", {"connectorId": 1})
        [running] = await octt.sessions(api)
        session = await session_stopped(api, running["id"], "UnlockCommand")
        await connector_status(api, station, 1, "Finishing")
    assert answer == {"status": "Unlocked"}
    assert session["energy_wh"] == 800


async def test_tc_030_unlock_connector_unlock_failure(server, octt):
    """Unlock Connector – Unlock Failure"""
    assert await _unlock(server, octt, cls=StuckLockStation) == {"status": "UnlockFailed"}


async def test_tc_031_unlock_connector_unknown_connector(server, octt):
    """Unlock Connector – Unknown Connector"""
    assert await _unlock(server, octt, connector_id=7) == {"status": "NotSupported"}


async def _configure(server, octt, *steps: tuple[str, dict]) -> list[dict]:
    tenant, station = octt.tenant, octt.station
    async with octt.charge_point(server), api_client(server, tenant) as api:
        return [await command(api, station, action, payload) for action, payload in steps]


async def test_tc_019_1_retrieve_all_configuration_keys(server, octt):
    """Retrieve All Configuration Keys"""
    [answer] = await _configure(server, octt, ("GetConfiguration", {}))
    keys = {k["key"]: k["value"] for k in answer["configurationKey"]}
    assert keys == {"HeartbeatInterval": "300", "MeterValueSampleInterval": "60",
                    "NumberOfConnectors": "1", "ChargingScheduleAllowedChargingRateUnit": "Current"}
    assert "unknownKey" not in answer


async def test_tc_019_2_retrieve_specific_configuration_key(server, octt):
    """Retrieve Specific Configuration Key"""
    [answer, unknown] = await _configure(
        server, octt, ("GetConfiguration", {"key": ["MeterValueSampleInterval"]}),
        ("GetConfiguration", {"key": ["MeterValueSampleInterval", "NoSuchKey"]}))
    assert answer == {"configurationKey": [
        {"key": "MeterValueSampleInterval", "readonly": False, "value": "60"}]}
    assert unknown["unknownKey"] == ["NoSuchKey"]


async def test_tc_021_change_set_configuration(server, octt):
    """Change/Set Configuration"""
    changed, read = await _configure(
        server, octt, ("ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "30"}),
        ("GetConfiguration", {"key": ["MeterValueSampleInterval"]}))
    assert changed == {"status": "Accepted"}
    assert read["configurationKey"][0]["value"] == "30"


async def test_tc_040_1_configuration_keys_not_supported(server, octt):
    """Configuration Keys – NotSupported"""
    [answer] = await _configure(server, octt, ("ChangeConfiguration", {"key": "NoSuchKey", "value": "1"}))
    assert answer == {"status": "NotSupported"}


async def test_tc_040_2_configuration_keys_invalid_value(server, octt):
    """Configuration Keys – Invalid Value"""
    invalid, read_only, read = await _configure(
        server, octt, ("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "-1"}),
        ("ChangeConfiguration", {"key": "NumberOfConnectors", "value": "4"}),
        ("GetConfiguration", {"key": ["HeartbeatInterval"]}))
    assert invalid == {"status": "Rejected"} and read_only == {"status": "Rejected"}
    assert read["configurationKey"][0]["value"] == "300"
