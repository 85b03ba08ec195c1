"""OCPP 2.0.1's NotifyEvent: a station tells that a variable of one of its components changed
(a connector's lock that failed, G_20: ConnectorPlugRetentionLock.Problem = true; a fault:
Connector.Problem; a monitor that fired). Each event is kept as a station event
(stations/monitoring/records.py), once however often it is sent; a fault among them shows as
its connector's Faulted status, the same signal a Faulted StatusNotification raises, and its
end restores what the connector reported before (stations/monitoring/faults.py). Each event's
actualValue also becomes that variable's Actual value in the station's device model
(stations/services/device_model.py; docs/ocpp201.md, monitoring and events). Registered in
StationsConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations import live, timestamps
from stations.monitoring import records
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.ocpp.v201.core import connector_status
from stations.services.device_model import device_model_record, events_reported

V201 = "2.0.1"


def _stamp(value: str, received_at: datetime) -> datetime:
    try:
        return timestamps.parse(value) or received_at
    except (ValueError, OverflowError):  # not a time: when it reached us
        return received_at


def event_fields(event: dict, received_at: datetime) -> dict:
    """An EventDataType as StationEvent's fields."""
    component, variable = event["component"], event["variable"]
    evse = component.get("evse") or {}
    return {
        "event_id": event["eventId"], "timestamp": _stamp(event["timestamp"], received_at),
        "trigger": event["trigger"], "cause": event.get("cause"),
        "actual_value": event["actualValue"], "tech_code": event.get("techCode", ""),
        "tech_info": event.get("techInfo", ""), "cleared": event.get("cleared", False),
        "transaction_id": event.get("transactionId", ""),
        "variable_monitoring_id": event.get("variableMonitoringId"),
        "notification_type": event["eventNotificationType"],
        "component": component["name"], "component_instance": component.get("instance", ""),
        "evse_id": evse.get("id"), "evse_connector_id": evse.get("connectorId"),
        "variable": variable["name"], "variable_instance": variable.get("instance", "")}


@handles(V201, "NotifyEvent")
async def notify_event(link: Link, payload: dict, received_at: datetime) -> dict:
    station = link.station
    signals = await db(records.station_events_record, station_id=station.pk,
                       events=[event_fields(e, received_at) for e in payload["eventData"]],
                       seq_no=payload["seqNo"], received_at=received_at)
    await db(device_model_record, station_id=station.pk,
             reported=events_reported(payload["eventData"]), source="event",
             at=received_at, described=False)
    for signal in signals:
        await connector_status(link, evse_id=signal.evse_id, connector_id=signal.connector_id,
                               status=signal.status, error_code=signal.error_code,
                               info=signal.info, received_at=received_at)
    live.publish_soon(station.tenant_id, {"type": "station.events", "station": station.identity,
                                          "count": len(payload["eventData"])})
    return {}
