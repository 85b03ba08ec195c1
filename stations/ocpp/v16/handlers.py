"""One coroutine per station-initiated OCPP 1.6 action, returning the response payload.

Hot, high-volume actions (Heartbeat, StatusNotification, MeterValues) go through the process's
group-commit writer; the rest call services on the DB threads. The router validates the request
before and the response after."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from stations import timestamps
from stations.models import Station, StatusEvent
from stations.ocpp.dbthreads import db
from stations.ocpp.writer import writer
from stations.services import meter_values, stations, transactions
from stations.services.authorization import station_id_tag_info

Handler = Callable[[Station, dict, datetime], Awaitable[dict]]
HANDLERS: dict[str, Handler] = {}


def on(action: str):
    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn

    return register


def _now_iso() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


@on("BootNotification")
async def boot_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    await writer().boot(station.pk, stations.boot_fields(payload))
    station.vendor, station.model = payload["chargePointVendor"], payload["chargePointModel"]
    return {"status": "Accepted", "currentTime": _now_iso(),
            "interval": settings.OCPP_HEARTBEAT_INTERVAL}


@on("Heartbeat")
async def heartbeat(station: Station, payload: dict, received_at: datetime) -> dict:
    return {"currentTime": _now_iso()}


@on("StatusNotification")
async def status_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    await writer().status(StatusEvent(
        station_id=station.pk, connector_id=payload["connectorId"], status=payload["status"],
        error_code=payload["errorCode"], info=payload.get("info", ""),
        vendor_id=payload.get("vendorId", ""), vendor_error_code=payload.get("vendorErrorCode", ""),
        station_timestamp=timestamps.parse(payload.get("timestamp")), received_at=received_at,
    ))
    return {}


@on("Authorize")
async def authorize(station: Station, payload: dict, received_at: datetime) -> dict:
    info = await db(station_id_tag_info, station=station, id_tag=payload["idTag"])
    return {"idTagInfo": info}


@on("StartTransaction")
async def start_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    transaction_id, info = await db(transactions.transaction_start, station=station,
                                    payload=payload, received_at=received_at)
    return {"transactionId": transaction_id, "idTagInfo": info}


@on("StopTransaction")
async def stop_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    info = await db(transactions.transaction_stop, station=station, payload=payload,
                    received_at=received_at)
    return {"idTagInfo": info} if info else {}


@on("MeterValues")
async def meter_values_(station: Station, payload: dict, received_at: datetime) -> dict:
    connector_id = payload["connectorId"]
    samples = meter_values.samples_from(payload["meterValue"], station_id=station.pk,
                                        connector_id=connector_id, received_at=received_at)
    await writer().meter_values(station.pk, connector_id, payload.get("transactionId"), samples)
    return {}


@on("DataTransfer")
async def data_transfer(station: Station, payload: dict, received_at: datetime) -> dict:
    # No vendor extension is registered yet: the frame log keeps what was sent.
    return {"status": "UnknownVendorId"}


# Feature profiles and the Security extension: each section's handlers call its app's services.
# --- Firmware Management (stations/firmware) ---

# --- Local Auth List Management (stations/authlist) and Reservation (stations/reservations) ---

# --- Smart Charging (stations/smartcharging) ---

# --- Security extension (stations/security) ---

@on("DiagnosticsStatusNotification")
async def diagnostics_status_notification(station: Station, payload: dict,
                                          received_at: datetime) -> dict:
    await db(stations.station_update, station_id=station.pk, diagnostics_status=payload["status"])
    return {}


@on("FirmwareStatusNotification")
async def firmware_status_notification(station: Station, payload: dict,
                                       received_at: datetime) -> dict:
    await db(stations.station_update, station_id=station.pk, firmware_status=payload["status"])
    return {}
