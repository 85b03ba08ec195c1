"""What the 2.0.1 conformance scenarios share: the OCA tool's charging station (a real
`ocpp.v201.ChargePoint` over a real WebSocket, negotiating `ocpp2.0.1`) and the central system's
side seen through the API. Scenarios subclass `OcttStation201` to add the `@on` handlers their
case needs (or use the simulator's `SimulatedChargePoint201` through `octt201.charge_point(cls=...)`).
See docs/conformance.md."""

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import websockets
from ocpp.v201 import ChargePoint, call, call_result

from stations.simulator.core import basic_auth
from tests.factories import eventually

SUBPROTOCOL = "ocpp2.0.1"


def iso(dt: datetime | None = None) -> str:
    return (dt or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


class OcttStation201(ChargePoint):
    """The tool's charging station: `evses` EVSEs of one connector each. It answers nothing the
    central system sends unless a subclass adds an `@on` handler (the `ocpp` package then answers
    NotImplemented, as a station without the feature does)."""

    def __init__(self, identity: str, connection, evses: int = 1):
        super().__init__(identity, connection, response_timeout=15)
        self.evses = evses

    async def boot(self, reason: str = "PowerUp", vendor: str = "OCTT",
                   model: str = "OCTT-201") -> call_result.BootNotification:
        return await self.call(call.BootNotification(
            charging_station={"vendor_name": vendor, "model": model}, reason=reason))

    async def status(self, evse_id: int, status: str, connector_id: int = 1) -> None:
        await self.call(call.StatusNotification(timestamp=iso(), connector_status=status,
                                                evse_id=evse_id, connector_id=connector_id))

    async def heartbeat(self) -> call_result.Heartbeat:
        return await self.call(call.Heartbeat())

    async def authorize(self, id_token: str, type: str = "ISO14443") -> dict:
        """The idTokenInfo the central system answers (camelCase as sent)."""
        result = await self.call(call.Authorize(id_token={"id_token": id_token, "type": type}))
        return result.id_token_info


async def open_link(url: str, identity: str, password: str | None,
                    subprotocols: list[str] | None = None, **kwargs):
    """The station's WebSocket to the central system's `url` (its base for the tenant)."""
    headers = basic_auth(identity, password) if password is not None else {}
    return await websockets.connect(f"{url.rstrip('/')}/{identity}",
                                    subprotocols=subprotocols or [SUBPROTOCOL],
                                    additional_headers=headers, open_timeout=10, **kwargs)


@asynccontextmanager
async def station_201(server, tenant, station, password, evses: int = 1, boot: bool = True,
                      cls=OcttStation201, **kwargs):
    """A 2.0.1 charging station connected to `server`, answering the central system's CALLs.
    `cls` is an `ocpp.v201.ChargePoint` taking (identity, connection, evses=...)."""
    connection = await open_link(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password,
                                 **kwargs)
    assert connection.subprotocol == SUBPROTOCOL
    cp = cls(station.identity, connection, evses=evses)
    runner = asyncio.create_task(cp.start())
    try:
        if boot:
            await cp.boot()
        yield cp
    finally:
        runner.cancel()
        await connection.close()


async def command(api, station, action: str, payload: dict | None = None) -> dict:
    """Make the central system send `action` (2.0.1 payload, camelCase); the station's answer as
    the API gives it."""
    response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                              json={"action": action, "payload": payload or {}})
    assert response.status_code == 200, response.text
    return response.json()["response"]


async def evse_status(api, station, evse_id: int, expected: str, connector_id: int = 1) -> dict:
    """Wait until the API shows the EVSE's connector in `expected` status; return the connector."""
    async def shown():
        body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
        found = [c for evse in body["evses"] if evse["evse_id"] == evse_id
                 for c in evse["connectors"] if c["evse_connector_id"] == connector_id]
        return found[0] if found and found[0]["status"] == expected else None

    return await eventually(shown)
