"""OCPP 2.0.1's NotifyReport: the parts of a report we asked for (GetBaseReport, GetReport),
each recorded into the station's device model and its `DeviceReport` as it comes
(stations/services/device_model.py; docs/domain-model.md, the device model). Registered in
StationsConfig.ready() (docs/architecture.md, path 1)."""

from datetime import datetime

from stations import live
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import handles
from stations.services.device_model import device_report_part_record

V201 = "2.0.1"


@handles(V201, "NotifyReport")
async def notify_report(link: Link, payload: dict, received_at: datetime) -> dict:
    station = link.station
    report = await db(device_report_part_record, station_id=station.pk,
                      request_id=payload["requestId"], seq_no=payload["seqNo"],
                      tbc=payload.get("tbc", False), report_data=payload.get("reportData", []),
                      at=received_at)
    if report.completed_at == received_at:  # this part completed it: pages showing it reload
        live.publish_soon(station.tenant_id, {
            "type": "station.device_model", "station": station.identity,
            "request_id": report.request_id, "parts": report.parts})
    return {}
