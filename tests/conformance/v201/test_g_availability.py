"""OCA OCPP 2.0.1 conformance scenarios of block G, Availability: ChangeAvailability of the
charging station, an EVSE or a connector, with and without a transaction running there. The
charging station plays its part over the real WebSocket; the central system's ChangeAvailability
is sent through our commands API, and the statuses that follow are read back from the station
API (docs/conformance.md)."""

from stations.models import OcppMessage
from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import command, evse_status
from tests.factories import eventually

INOPERATIVE, OPERATIVE = "Inoperative", "Operative"


def _change(status: str, evse_id: int | None = None, connector_id: int | None = None) -> dict:
    payload: dict = {"operationalStatus": status}
    if evse_id is not None:
        payload["evse"] = {"id": evse_id} | ({"connectorId": connector_id} if connector_id else {})
    return payload


async def _transaction(octt201, cp, evse_id: int = 1):
    await cp.start_transaction(evse_id, octt201.valid)
    return await eventually(lambda: octt201.own_sessions().filter(stopped_at__isnull=True).first())


async def _ended(octt201, session) -> None:
    await eventually(lambda: octt201.own_sessions().filter(pk=session.pk,
                                                           stopped_at__isnull=False).exists())


async def test_tc_g_03_change_availability_evse_operative_to_inoperative(server, octt201):
    """Change Availability EVSE – Operative to inoperative"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE, 2))
        await evse_status(api, octt201.station, 2, "Unavailable")
        await evse_status(api, octt201.station, 1, "Available")
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_04_change_availability_evse_inoperative_to_operative(server, octt201):
    """Change Availability EVSE – Inoperative to operative"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE, 2))
        await evse_status(api, octt201.station, 2, "Unavailable")
        answer = await command(api, octt201.station, "ChangeAvailability", _change(OPERATIVE, 2))
        await evse_status(api, octt201.station, 2, "Available")
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_05_change_availability_charging_station_operative_to_inoperative(
        server, octt201):
    """Change Availability Charging Station – Operative to inoperative"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE))
        for evse_id in (1, 2):
            await evse_status(api, octt201.station, evse_id, "Unavailable")
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_06_change_availability_charging_station_inoperative_to_operative(
        server, octt201):
    """Change Availability Charging Station – Inoperative to operative"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE))
        await evse_status(api, octt201.station, 2, "Unavailable")
        answer = await command(api, octt201.station, "ChangeAvailability", _change(OPERATIVE))
        for evse_id in (1, 2):
            await evse_status(api, octt201.station, evse_id, "Available")
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_07_change_availability_connector_operative_to_inoperative(server, octt201):
    """Change Availability Connector – Operative to inoperative

    One connector of a two-connector EVSE goes out of service; the other stays Available."""
    async with octt201.charge_point(server, connectors_per_evse=2) as cp, \
            octt201.api(server) as api:
        answer = await command(api, octt201.station, "ChangeAvailability",
                               _change(INOPERATIVE, 1, 2))
        await evse_status(api, octt201.station, 1, "Unavailable", connector_id=2)
        await evse_status(api, octt201.station, 1, "Available", connector_id=1)
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_08_change_availability_connector_inoperative_to_operative(server, octt201):
    """Change Availability Connector – Inoperative to operative"""
    async with octt201.charge_point(server, connectors_per_evse=2) as cp, \
            octt201.api(server) as api:
        await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE, 1, 2))
        await evse_status(api, octt201.station, 1, "Unavailable", connector_id=2)
        answer = await command(api, octt201.station, "ChangeAvailability",
                               _change(OPERATIVE, 1, 2))
        await evse_status(api, octt201.station, 1, "Available", connector_id=2)
        await cp.settle()
    assert answer == {"status": "Accepted"}


async def test_tc_g_11_change_availability_evse_with_ongoing_transaction(server, octt201):
    """Change Availability EVSE – With ongoing transaction

    Scheduled while the transaction runs; the EVSE is Unavailable once it has ended."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        session = await _transaction(octt201, cp, 1)
        answer = await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE, 1))
        await evse_status(api, octt201.station, 1, "Occupied")
        await cp.stop_transaction(1)
        await _ended(octt201, session)
        await evse_status(api, octt201.station, 1, "Unavailable")
        await cp.settle()
    assert answer == {"status": "Scheduled"}


async def test_tc_g_14_change_availability_charging_station_with_ongoing_transaction(
        server, octt201):
    """Change Availability Charging Station – With ongoing transaction

    Scheduled while the transaction runs; the idle EVSE goes Unavailable at once, the busy
    one once its transaction has ended."""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        session = await _transaction(octt201, cp, 1)
        answer = await command(api, octt201.station, "ChangeAvailability", _change(INOPERATIVE))
        await evse_status(api, octt201.station, 2, "Unavailable")
        await evse_status(api, octt201.station, 1, "Occupied")
        await cp.stop_transaction(1)
        await _ended(octt201, session)
        await evse_status(api, octt201.station, 1, "Unavailable")
        await cp.settle()
    assert answer == {"status": "Scheduled"}


async def test_tc_g_17_change_availability_connector_with_ongoing_transaction(server, octt201):
    """Change Availability Connector – With ongoing transaction"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        session = await _transaction(octt201, cp, 1)
        answer = await command(api, octt201.station, "ChangeAvailability",
                               _change(INOPERATIVE, 1, 1))
        await cp.stop_transaction(1)
        await _ended(octt201, session)
        await evse_status(api, octt201.station, 1, "Unavailable")
        await cp.settle()
    assert answer == {"status": "Scheduled"}


class StuckLock(SimulatedChargePoint201):
    """The connector's lock does not open: UnlockFailed, then NotifyEvent
    ConnectorPlugRetentionLock.Problem = true on that EVSE and connector."""

    unlock_fails = True


async def test_tc_g_20_connector_status_notification_lock_failure(server, octt201):
    """Connector status Notification – Lock Failure

    The station's NotifyEvent about the lock is answered (no CALLERROR) and the problem shows in
    the station's device model through the API."""
    async with octt201.charge_point(server, cls=StuckLock) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "UnlockConnector",
                               {"evseId": 1, "connectorId": 1})
        await cp.settle()

        async def shown():
            body = (await api.get(f"/api/v1/stations/{octt201.station.identity}/device-model/",
                                  params={"limit": 200})).json()
            return [c for c in body["results"] if c["name"] == "ConnectorPlugRetentionLock"]
        [lock] = await eventually(shown)
    assert answer == {"status": "UnlockFailed"}
    assert (lock["evse_id"], lock["connector_id"]) == (1, 1)
    [problem] = [v for v in lock["variables"] if v["name"] == "Problem"]
    assert [(a["type"], a["value"]) for a in problem["attributes"]] == [("Actual", "true")]
    assert not OcppMessage.objects.filter(station=octt201.station, message_type=4,
                                          created_at__gte=octt201.began).exists()
