"""The core of OCPP 2.0.1 (provisioning, availability, the heartbeat, data transfer): one
coroutine per station-initiated action, returning the answer's payload, as
stations/ocpp/v16/core.py does for 1.6 (docs/ocpp201.md). Each handler translates the 2.0.1
message into the domain's services and events; the feature apps register their 2.0.1 handlers
in their own `ocpp201.py` modules."""

from datetime import datetime

from django.utils import timezone

from stations import events, live, timestamps
from stations.models import StatusEvent
from stations.ocpp.admission import link_admission
from stations.ocpp.link import Link
from stations.ocpp.registry import follow, handles
from stations.ocpp.writer import writer
from stations.services import admission
from stations.services.evses import connector_of_evse

V201 = "2.0.1"


def now_iso() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


def boot_fields(payload: dict) -> dict:
    """The station fields a 2.0.1 BootNotification sets."""
    station = payload["chargingStation"]
    modem = station.get("modem", {})
    return {
        "vendor": station["vendorName"], "model": station["model"],
        "serial_number": station.get("serialNumber", ""),
        "firmware_version": station.get("firmwareVersion", ""),
        "iccid": modem.get("iccid", ""), "imsi": modem.get("imsi", ""),
        "boot_reason": payload["reason"], "last_boot_at": timezone.now(),
    }


@handles(V201, "BootNotification")
async def boot_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    """B01-B03: the station's fields and reason are kept whatever the answer; its admission
    decides the answer (stations/services/admission.py): Accepted with the heartbeat interval,
    Pending or Rejected with the retry interval."""
    station = link.station
    status, interval = admission.boot_answer(link_admission(link))
    fields = boot_fields(payload)
    await writer().boot(station.pk, fields)
    station.vendor, station.model = fields["vendor"], fields["model"]
    if status == admission.ACCEPTED:
        follow(events.publish(events.StationBooted(station, link=link)))
    live.publish_soon(station.tenant_id, {
        "type": "station.booted", "station": station.identity, "vendor": station.vendor,
        "model": station.model, "firmware_version": fields["firmware_version"],
        "boot_reason": fields["boot_reason"], "admission": status})
    return {"status": status, "currentTime": now_iso(), "interval": interval}


@handles(V201, "Heartbeat")
async def heartbeat(link: Link, payload: dict, received_at: datetime) -> dict:
    return {"currentTime": now_iso()}


@handles(V201, "StatusNotification")
async def status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    evse_id = payload["evseId"]
    await connector_status(link, evse_id=evse_id,
                           connector_id=connector_of_evse(evse_id, payload["connectorId"]),
                           status=payload["connectorStatus"],
                           station_timestamp=timestamps.parse(payload["timestamp"]),
                           received_at=received_at)
    return {}


async def connector_status(link: Link, *, evse_id: int, connector_id: int, status: str,
                           received_at: datetime, error_code: str = "NoError", info: str = "",
                           station_timestamp: datetime | None = None) -> None:
    """A connector's status as the station made it known: stored, the domain's StatusChanged
    and the live feed's station.status. A StatusNotification says it; so does a fault event
    (NotifyEvent, stations/monitoring/), whose Faulted is the same operator signal."""
    station = link.station
    await writer().status(StatusEvent(
        station_id=station.pk, connector_id=connector_id, evse_id=evse_id, status=status,
        error_code=error_code, info=info, station_timestamp=station_timestamp,
        received_at=received_at,
    ))
    follow(events.publish(events.StatusChanged(station, connector_id, evse_id, status, link=link,
                                               error_code=error_code)))
    live.publish_soon(station.tenant_id, {
        "type": "station.status", "station": station.identity, "connector_id": connector_id,
        "evse_id": evse_id, "status": status, "error_code": error_code, "info": info})


@handles(V201, "DataTransfer")
async def data_transfer(link: Link, payload: dict, received_at: datetime) -> dict:
    """P02: no vendor extension is registered, so every vendor is unknown; the frame log keeps
    what was sent."""
    return {"status": "UnknownVendorId"}
