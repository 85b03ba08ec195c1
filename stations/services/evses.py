"""Where a connector sits: station → EVSE → connector (docs/domain-model.md).

OCPP 1.6 numbers connectors across the station and knows no EVSEs; 2.0.1 names a connector by
its EVSE and its number within it. The domain keeps both, so a 1.6 connector is stored as an
EVSE of its own and a 2.0.1 adapter only fills the same fields from what its station sends."""


def evse_of_connector(connector_id: int) -> tuple[int, int]:
    """(evse_id, evse_connector_id) of a 1.6 connector: its own EVSE, as that EVSE's connector 1;
    connector 0, the station itself, is EVSE 0's connector 0."""
    return connector_id, (0 if connector_id == 0 else 1)
