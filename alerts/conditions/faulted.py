"""A connector Faulted (docs/alerts.md "Conditions"): raised when its status says so, resolved
by its next other status. A 2.0.1 fault event comes the same way (stations/ocpp/v201/
notify_event.py turns it into the connector's Faulted status, its techCode as the error code).
The status is committed before StatusChanged is published, so the connector's row already holds
the vendor's codes and info. Called from a database thread (alerts/subscriptions.py)."""

from datetime import datetime

from alerts.models import AlertKind
from alerts.services import alert_raise, alert_resolve
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
