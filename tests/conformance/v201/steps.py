"""What the 2.0.1 conformance scenarios share: the central system's side seen through the API.
The OCA tool's charging station is the bundled simulator (`SimulatedChargePoint201`, a real
`ocpp.v201.ChargePoint` over a real WebSocket, negotiating `ocpp2.0.1`), connected by
`octt201.charge_point(...)`; a case that needs a station behaving otherwise subclasses it
(override an `@on` handler) and passes `cls=`. See docs/conformance.md."""

from tests.factories import eventually


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
