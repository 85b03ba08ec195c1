"""OCPP 2.0.1's NotifyEvent: a station tells that a variable of one of its components changed
(a connector's lock that failed, G_20: ConnectorPlugRetentionLock.Problem = true; a fault:
Connector.Problem). Each event's actualValue becomes that variable's Actual value in the
station's device model, which the API and the dashboard show (stations/services/device_model.py;
docs/domain-model.md, the device model); the frame log keeps the event itself. Registered in
StationsConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.services.device_model import device_model_record, events_reported

V201 = "2.0.1"


@handles(V201, "NotifyEvent")
async def notify_event(link: Link, payload: dict, received_at: datetime) -> dict:
    await db(device_model_record, station_id=link.station.pk,
             reported=events_reported(payload["eventData"]), source="event",
             at=received_at, described=False)
    return {}
