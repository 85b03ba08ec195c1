"""One coroutine per station-initiated OCPP 1.6 action, returning the response payload.

Hot, high-volume actions (Heartbeat, StatusNotification, MeterValues) go through the process's
group-commit writer; the rest call services on the DB threads. The router validates the request
before and the response after."""

import asyncio
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
@on("FirmwareStatusNotification")
async def firmware_status_notification(station: Station, payload: dict,
                                       received_at: datetime) -> dict:
    from stations.firmware.services.firmware import firmware_status_record

    await db(firmware_status_record, station_id=station.pk, status=payload["status"],
             received_at=received_at)
    return {}


@on("SignedFirmwareStatusNotification")
async def signed_firmware_status_notification(station: Station, payload: dict,
                                              received_at: datetime) -> dict:
    from stations.firmware.services.firmware import firmware_status_record

    await db(firmware_status_record, station_id=station.pk, status=payload["status"],
             request_id=payload.get("requestId"), received_at=received_at)
    return {}


@on("DiagnosticsStatusNotification")
async def diagnostics_status_notification(station: Station, payload: dict,
                                          received_at: datetime) -> dict:
    from stations.firmware.services.uploads import upload_status_record

    await db(upload_status_record, station_id=station.pk, kind="diagnostics",
             status=payload["status"], received_at=received_at)
    return {}


@on("LogStatusNotification")
async def log_status_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    from stations.firmware.services.uploads import upload_status_record

    await db(upload_status_record, station_id=station.pk, kind="log", status=payload["status"],
             request_id=payload.get("requestId"), received_at=received_at)
    return {}


_boot_before_firmware = HANDLERS["BootNotification"]


@on("BootNotification")
async def boot_notification_firmware(station: Station, payload: dict, received_at: datetime) -> dict:
    """The core boot, then: a sent job whose image has the version booted ends as installed, and
    a job left pending while the station was offline (a rollout's) is sent after the answer."""
    from stations.firmware.services.firmware import firmware_job_send_async, firmware_station_booted

    response = await _boot_before_firmware(station, payload, received_at)
    pending = await db(firmware_station_booted, station_id=station.pk,
                       firmware_version=payload.get("firmwareVersion", ""), received_at=received_at)
    if pending is not None:
        async def send_after_answer() -> None:
            await asyncio.sleep(0.5)  # the BootNotification answer goes out first
            await firmware_job_send_async(job_id=pending)

        _background.add(task := asyncio.create_task(send_after_answer()))
        task.add_done_callback(_background.discard)
    return response


_background: set[asyncio.Task] = set()


# --- Local Auth List Management (stations/authlist) and Reservation (stations/reservations) ---

# --- Smart Charging (stations/smartcharging) ---
_start_before_smart_charging = HANDLERS["StartTransaction"]
_stop_before_smart_charging = HANDLERS["StopTransaction"]
_smart_charging_tasks: set[asyncio.Task] = set()


@on("StartTransaction")
async def start_transaction_smart_charging(station: Station, payload: dict,
                                           received_at: datetime) -> dict:
    """The core start, then: a remote start's TxProfile is bound to the new transaction, and
    one held back for a station that rejects it before this answer (quirk
    tx_profile_after_start_only) is sent once the answer is out."""
    from stations.smartcharging.services import (
        asend_held_profiles,
        charging_profiles_transaction_started,
    )

    response = await _start_before_smart_charging(station, payload, received_at)
    held = await db(charging_profiles_transaction_started, station_id=station.pk,
                    transaction_id=response["transactionId"])
    if held:
        async def send_after_answer() -> None:
            await asyncio.sleep(0.2)  # the StartTransaction answer goes out first
            await asend_held_profiles(station_id=station.pk, profile_ids=held)

        _smart_charging_tasks.add(task := asyncio.create_task(send_after_answer()))
        task.add_done_callback(_smart_charging_tasks.discard)
    return response


@on("StopTransaction")
async def stop_transaction_smart_charging(station: Station, payload: dict,
                                          received_at: datetime) -> dict:
    """The core stop, then the transaction's TxProfiles end with it."""
    from stations.smartcharging.services import charging_profiles_transaction_stopped

    response = await _stop_before_smart_charging(station, payload, received_at)
    await db(charging_profiles_transaction_stopped, station_id=station.pk,
             transaction_id=payload["transactionId"])
    return response


# --- Security extension (stations/security) ---
@on("SecurityEventNotification")
async def security_event_notification(station: Station, payload: dict,
                                      received_at: datetime) -> dict:
    from stations.security.services import security_event_record

    await db(security_event_record, station=station, payload=payload, received_at=received_at)
    return {}


@on("SignCertificate")
async def sign_certificate(station: Station, payload: dict, received_at: datetime) -> dict:
    from stations.security.actions import certificate_sign_later
    from stations.security.services import csr_check

    refusal = await db(csr_check, identity=station.identity, csr_pem=payload["csr"])
    if refusal:
        return {"status": "Rejected"}
    certificate_sign_later(station.pk, payload["csr"])  # CertificateSigned follows the answer
    return {"status": "Accepted"}
