"""Where a connector or a session sits, in the words of its station's OCPP version
(docs/domain-model.md, "Station → EVSE → connector"): a 1.6 connector by its number across the
station, a 2.0.1 one by its EVSE and its number there; a session's transaction by the id the
station knows it by (1.6: our integer; 2.0.1: the station's string)."""

from django import template

from stations.services.evses import evse_connector_of

register = template.Library()

V201 = "2.0.1"


@register.filter
def by_evse(station) -> bool:
    """Does the page show this station's connectors under their EVSEs (a 2.0.1 station)?"""
    return getattr(station, "ocpp_version", "") == V201


def _evse_and_number(connector_id: int, evse_id: int | None) -> tuple[int, int]:
    evse = evse_id if evse_id is not None else connector_id
    return evse, evse_connector_of(connector_id, evse)


@register.filter
def connector_label(connector, station) -> str:
    """`3` for a 1.6 station's connector 3; `1/2` for a 2.0.1 station's EVSE 1, connector 2."""
    if not by_evse(station):
        return str(connector.connector_id)
    evse, number = _evse_and_number(connector.connector_id, connector.evse_id)
    return f"{evse}/{number}"


@register.filter
def connector_title(connector, station) -> str:
    """The label spelled out, for a tooltip and screen readers."""
    if connector.connector_id == 0:
        return "the station"
    if not by_evse(station):
        return f"connector {connector.connector_id}"
    evse, number = _evse_and_number(connector.connector_id, connector.evse_id)
    return f"EVSE {evse}, connector {number}"


@register.filter
def session_place(session) -> str:
    """`connector 2` (1.6), `EVSE 1` or `EVSE 1, connector 2` (2.0.1)."""
    if session.evse_id is None or not by_evse(session.station):
        return f"connector {session.connector_id}"
    evse, number = _evse_and_number(session.connector_id, session.evse_id)
    return f"EVSE {evse}" + (f", connector {number}" if number > 1 else "")


@register.filter
def transaction_ref(session) -> str:
    """The id the station knows the transaction by; "" before it has one."""
    if session.station_transaction_id:
        return session.station_transaction_id
    return "" if session.transaction_id is None else str(session.transaction_id)
