"""OCPP 2.0.1's NotifyMonitoringReport: the parts of a monitoring report we asked for
(GetMonitoringReport), each replacing the reported variables' monitors in the device model
(stations/monitoring/records.py; docs/ocpp201.md, monitoring and events). NotifyEvent is
stations/ocpp/v201/notify_event.py's. Registered in StationsConfig.ready()."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from stations import live
from stations.monitoring import records
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles

V201 = "2.0.1"


def where_of(item: dict) -> records.Where:
    """A ComponentType and VariableType (2.0.1's words) as the domain's Where."""
    component, variable = item["component"], item["variable"]
    evse = component.get("evse") or {}
    return records.Where(component=component["name"], variable=variable["name"],
                         component_instance=component.get("instance", ""),
                         variable_instance=variable.get("instance", ""),
                         evse_id=evse.get("id"), connector_id=evse.get("connectorId"))


def _value(number) -> Decimal | None:
    try:
        return Decimal(str(number))
    except InvalidOperation:
        return None


def monitors_reported(monitor_data: list[dict]) -> list[records.ReportedMonitor]:
    return [records.ReportedMonitor(
        where=where_of(item), monitor_id=monitor["id"], type=monitor["type"],
        value=_value(monitor["value"]), severity=monitor["severity"],
        transaction=monitor.get("transaction", False))
        for item in monitor_data if _placed(item)
        for monitor in item.get("variableMonitoring", []) if _value(monitor["value"]) is not None]


def _placed(item: dict) -> bool:
    """No EVSE or connector has a negative number: such an entry is not kept."""
    evse = item["component"].get("evse") or {}
    return evse.get("id", 0) >= 0 and evse.get("connectorId", 0) >= 0


@handles(V201, "NotifyMonitoringReport")
async def notify_monitoring_report(link: Link, payload: dict, received_at: datetime) -> dict:
    station = link.station
    report = await db(records.monitoring_report_part_record, station_id=station.pk,
                      request_id=payload["requestId"], seq_no=payload["seqNo"],
                      tbc=payload.get("tbc", False),
                      monitors=monitors_reported(payload.get("monitor", [])), at=received_at)
    if report.completed_at == received_at:
        live.publish_soon(station.tenant_id, {
            "type": "station.device_model", "station": station.identity,
            "request_id": report.request_id, "parts": report.parts})
    return {}
