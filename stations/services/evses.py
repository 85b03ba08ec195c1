"""Where a connector sits: station → EVSE → connector (docs/domain-model.md).

OCPP 1.6 numbers connectors across the station and knows no EVSEs; 2.0.1 names a connector by
its EVSE and its number within it. The domain keeps both, so a 1.6 connector is stored as an
EVSE of its own and a 2.0.1 adapter only fills the same fields from what its station sends."""


def evse_of_connector(connector_id: int) -> tuple[int, int]:
    """(evse_id, evse_connector_id) of a 1.6 connector: its own EVSE, as that EVSE's connector 1;
    connector 0, the station itself, is EVSE 0's connector 0."""
    return connector_id, (0 if connector_id == 0 else 1)


# A 2.0.1 station names a connector by its EVSE and its number there; the domain also numbers it
# across the station: an EVSE's first connector takes the EVSE's number (so a one-connector EVSE
# reads as it would in 1.6), its n-th `evse_id + 1000 * (n - 1)`.
SECOND_CONNECTORS_FROM = 1000


def connector_of_evse(evse_id: int, evse_connector_id: int | None) -> int:
    """The station-wide connector number of a 2.0.1 EVSE's connector (None: its first)."""
    if evse_id == 0 or not evse_connector_id or evse_connector_id == 1:
        return evse_id
    return evse_id + SECOND_CONNECTORS_FROM * (evse_connector_id - 1)


def evse_connector_of(connector_id: int, evse_id: int) -> int:
    """The number within its EVSE of a connector numbered across the station (either version)."""
    if connector_id == 0:
        return 0
    if connector_id == evse_id:
        return 1
    return (connector_id - evse_id) // SECOND_CONNECTORS_FROM + 1
