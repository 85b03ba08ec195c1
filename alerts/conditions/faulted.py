"""A connector Faulted (docs/alerts.md "Conditions"): raised when its status says so, resolved
by its next other status, or by the sweep (`check`) if that status raced ahead of it. A 2.0.1
fault event comes the same way (stations/ocpp/v201/notify_event.py turns it into the
connector's Faulted status, its techCode as the error code). The status is committed before
StatusChanged is published, so the connector's row already holds the vendor's codes and info.
Called from a database thread (alerts/subscriptions.py)."""

from datetime import datetime

from alerts.models import Alert, AlertKind, AlertState
from alerts.services import alert_raise, alert_resolve, alerts_resolve_keys
from stations.models import Connector, Station

KIND = AlertKind.CONNECTOR_FAULTED


def fault_key(station_id: int, evse_id: int | None, connector_id: int) -> str:
    return f"connector:{station_id}:{evse_id or 0}:{connector_id}"


def connector_faulted(*, station_id: int, evse_id: int | None, connector_id: int,
                      error_code: str, at: datetime | None = None) -> None:
    station = Station.objects.only("tenant_id", "identity").get(pk=station_id)
    row = (Connector.objects.filter(station_id=station_id, connector_id=connector_id)
           .values("info", "vendor_id", "vendor_error_code").first()) or {}
    where = "the station" if connector_id == 0 else f"connector {connector_id}"
    code = " ".join(filter(None, [error_code, row.get("vendor_error_code")]))
    alert_raise(
        tenant_id=station.tenant_id, kind=KIND, key=fault_key(station_id, evse_id, connector_id),
        station_id=station_id, title=f"{station.identity}: {where} faulted ({code or 'no code'})",
        details={"connector_id": connector_id, "evse_id": evse_id, "error_code": error_code,
                 "vendor_id": row.get("vendor_id", ""),
                 "vendor_error_code": row.get("vendor_error_code", ""),
                 "info": row.get("info", "")},
        at=at)


def connector_not_faulted(*, tenant_id: int, station_id: int, evse_id: int | None,
                          connector_id: int, status: str) -> None:
    alert_resolve(tenant_id=tenant_id, kind=KIND, key=fault_key(station_id, evse_id, connector_id),
                  resolution=f"Connector {status}")


def check(now: datetime) -> None:
    """The sweep behind the events: a fault alert whose connector is no longer Faulted (its
    next status's follow-up ran before the fault's was committed, the two racing on the database
    threads; the station or connector deleted) is resolved here."""
    open_keys = list(Alert.objects.filter(kind=KIND, state=AlertState.OPEN)
                     .values_list("tenant_id", "key"))
    places = {key: _place(key) for _, key in open_keys}
    faulted = set(Connector.objects.filter(
        station_id__in={station_id for station_id, _ in places.values()}, status="Faulted")
        .values_list("station_id", "connector_id"))
    alerts_resolve_keys(kind=KIND, keys=[(tenant_id, key) for tenant_id, key in open_keys
                                         if places[key] not in faulted],
                        resolution="The connector is no longer Faulted", at=now)


def _place(key: str) -> tuple[int, int]:
    """(station id, connector id) of a fault_key."""
    _, station_id, _, connector_id = key.split(":")
    return int(station_id), int(connector_id)
