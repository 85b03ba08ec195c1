"""One function per station-initiated OCPP 1.6 action. Each runs in a DB thread, calls services
and returns the response payload. The consumer validates the request before and the response
after."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from stations import timestamps
from stations.models import Station
from stations.services import meter_values, stations, transactions
from stations.services.authorization import id_tag_info

Handler = Callable[[Station, dict, datetime], dict]
HANDLERS: dict[str, Handler] = {}


def on(action: str):
    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn

    return register


def _now_iso() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


@on("BootNotification")
def boot_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    stations.station_boot(station_id=station.pk, payload=payload)
    return {"status": "Accepted", "currentTime": _now_iso(),
            "interval": settings.OCPP_HEARTBEAT_INTERVAL}


@on("Heartbeat")
def heartbeat(station: Station, payload: dict, received_at: datetime) -> dict:
    return {"currentTime": _now_iso()}


@on("StatusNotification")
def status_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    stations.connector_status_update(
        station_id=station.pk, connector_id=payload["connectorId"], status=payload["status"],
        error_code=payload["errorCode"], info=payload.get("info", ""),
        vendor_id=payload.get("vendorId", ""), vendor_error_code=payload.get("vendorErrorCode", ""),
        station_timestamp=timestamps.parse(payload.get("timestamp")), received_at=received_at,
    )
    return {}


@on("Authorize")
def authorize(station: Station, payload: dict, received_at: datetime) -> dict:
    return {"idTagInfo": id_tag_info(tenant_id=station.tenant_id, id_tag=payload["idTag"])}


@on("StartTransaction")
def start_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    transaction_id, info = transactions.transaction_start(
        station=station, payload=payload, received_at=received_at
    )
    return {"transactionId": transaction_id, "idTagInfo": info}


@on("StopTransaction")
def stop_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    info = transactions.transaction_stop(station=station, payload=payload, received_at=received_at)
    return {"idTagInfo": info} if info else {}


@on("MeterValues")
def meter_values_(station: Station, payload: dict, received_at: datetime) -> dict:
    meter_values.meter_values_record(station_id=station.pk, payload=payload,
                                     received_at=received_at)
    return {}


@on("DataTransfer")
def data_transfer(station: Station, payload: dict, received_at: datetime) -> dict:
    # No vendor extension is registered yet: the frame log keeps what was sent.
    return {"status": "UnknownVendorId"}


@on("DiagnosticsStatusNotification")
def diagnostics_status_notification(station: Station, payload: dict,
                                    received_at: datetime) -> dict:
    Station.objects.filter(pk=station.pk).update(diagnostics_status=payload["status"])
    return {}


@on("FirmwareStatusNotification")
def firmware_status_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    Station.objects.filter(pk=station.pk).update(firmware_status=payload["status"])
    return {}
