"""One coroutine per station-initiated OCPP 1.6 action, returning the response payload.

Hot, high-volume actions (Heartbeat, StatusNotification, MeterValues) go through the process's
group-commit writer; the rest call services on the DB threads. The router validates the request
before and the response after. What must reach the station only after the answer (a CALL of
ours that the station would refuse before it: a held-back profile, a signed certificate) is
registered with `after_answer`, and the consumer runs it once the answer is sent."""

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from billing.services import session_price_correct_queue, session_price_queue
from loadmgmt import triggers as load
from stations import live, timestamps
from stations.authlist import services as authlist
from stations.firmware.services import firmware, uploads
from stations.models import Station, StatusEvent
from stations.ocpp.dbthreads import db
from stations.ocpp.writer import writer
from stations.security import actions as security_actions
from stations.security import services as security
from stations.services import meter_values, stations, transactions
from stations.services.authorization import station_id_tag_info
from stations.smartcharging import services as smartcharging

Handler = Callable[[Station, dict, datetime], Awaitable[dict]]
HANDLERS: dict[str, Handler] = {}
FollowUp = Callable[[], Awaitable]
FOLLOW_UPS: ContextVar[list[FollowUp]] = ContextVar("follow_ups")


def call_sent(station: Station, action: str, payload: dict | None = None) -> None:
    """A CALL of ours went out on this link: note what a later boot on it must check, and the
    limits the load manager gives (to tell when a car draws less than it may)."""
    if action in ("UpdateFirmware", "SignedUpdateFirmware"):
        station.firmware_due = True
    elif action == "SendLocalList":
        station.local_list_due = True
    elif action == "SetChargingProfile" and payload is not None:
        load.profile_sent(station, payload)


def after_answer(follow_up: FollowUp) -> None:
    """Run `follow_up()` once the answer to the CALL being handled has been sent."""
    FOLLOW_UPS.get().append(follow_up)


def _load_follow_up(follow_up: FollowUp | None) -> None:
    """Load management's reaction to what the station reported (see loadmgmt/triggers.py)."""
    if follow_up is not None:
        after_answer(follow_up)


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
    # A job sent before ends as installed when the station boots its image's version; one left
    # pending while the station was offline (a rollout's) goes out now. A local list that
    # changed while it was offline follows too. (What is due was learnt at the handshake.)
    if getattr(station, "firmware_due", True):
        pending_job = await db(firmware.firmware_station_booted, station_id=station.pk,
                               firmware_version=payload.get("firmwareVersion", ""),
                               received_at=received_at)
        if pending_job is not None:
            after_answer(lambda: firmware.firmware_job_send_async(job_id=pending_job))
    if getattr(station, "local_list_due", True):
        after_answer(lambda: authlist.local_list_send_due(station_id=station.pk))
    _load_follow_up(load.on_boot(station))
    live.publish_soon(station.tenant_id, {
        "type": "station.booted", "station": station.identity, "vendor": station.vendor,
        "model": station.model, "firmware_version": payload.get("firmwareVersion", "")})
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
    _load_follow_up(load.on_status(station, payload["connectorId"], payload["status"]))
    live.publish_soon(station.tenant_id, {
        "type": "station.status", "station": station.identity,
        "connector_id": payload["connectorId"], "status": payload["status"],
        "error_code": payload["errorCode"], "info": payload.get("info", "")})
    return {}


@on("Authorize")
async def authorize(station: Station, payload: dict, received_at: datetime) -> dict:
    info = await db(station_id_tag_info, station=station, id_tag=payload["idTag"])
    return {"idTagInfo": info}


@on("StartTransaction")
async def start_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    transaction_id, info = await db(transactions.transaction_start, station=station,
                                    payload=payload, received_at=received_at)
    # A remote start's TxProfile binds to the transaction; one held back for a station that
    # refuses it before this answer (quirk tx_profile_after_start_only) follows the answer.
    held = await db(smartcharging.charging_profiles_transaction_started, station_id=station.pk,
                    transaction_id=transaction_id)
    if held:
        after_answer(lambda: smartcharging.asend_held_profiles(station_id=station.pk,
                                                               profile_ids=held))
    _load_follow_up(load.on_transaction(station, started=True))
    return {"transactionId": transaction_id, "idTagInfo": info}


@on("StopTransaction")
async def stop_transaction(station: Station, payload: dict, received_at: datetime) -> dict:
    outcome = await db(transactions.transaction_stop, station=station, payload=payload,
                       received_at=received_at)
    await db(smartcharging.charging_profiles_transaction_stopped, station_id=station.pk,
             transaction_id=payload["transactionId"])  # its TxProfiles end with it
    if outcome.completed_late:  # the backend had closed and priced it: the price is corrected
        after_answer(lambda: db(session_price_correct_queue, session_id=outcome.session_id))
    else:
        after_answer(lambda: db(session_price_queue, station_id=station.pk,
                                transaction_id=payload["transactionId"]))  # priced by a task
    _load_follow_up(load.on_transaction(station, started=False))
    return {"idTagInfo": outcome.id_tag_info} if outcome.id_tag_info else {}


@on("MeterValues")
async def meter_values_(station: Station, payload: dict, received_at: datetime) -> dict:
    connector_id = payload["connectorId"]
    samples = meter_values.samples_from(payload["meterValue"], station_id=station.pk,
                                        connector_id=connector_id, received_at=received_at)
    await writer().meter_values(station.pk, connector_id, payload.get("transactionId"), samples)
    _load_follow_up(load.on_meter_values(station, connector_id, samples))
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
    await db(firmware.firmware_status_record, station_id=station.pk, status=payload["status"],
             received_at=received_at)
    station.firmware_due = True  # a boot on this link may finish the job
    return {}


@on("SignedFirmwareStatusNotification")
async def signed_firmware_status_notification(station: Station, payload: dict,
                                              received_at: datetime) -> dict:
    await db(firmware.firmware_status_record, station_id=station.pk, status=payload["status"],
             request_id=payload.get("requestId"), received_at=received_at)
    station.firmware_due = True  # a boot on this link may finish the job
    return {}


@on("DiagnosticsStatusNotification")
async def diagnostics_status_notification(station: Station, payload: dict,
                                          received_at: datetime) -> dict:
    await db(uploads.upload_status_record, station_id=station.pk, kind="diagnostics",
             status=payload["status"], received_at=received_at)
    return {}


@on("LogStatusNotification")
async def log_status_notification(station: Station, payload: dict, received_at: datetime) -> dict:
    await db(uploads.upload_status_record, station_id=station.pk, kind="log", status=payload["status"],
             request_id=payload.get("requestId"), received_at=received_at)
    return {}


# --- Local Auth List Management (stations/authlist) and Reservation (stations/reservations) ---

# --- Smart Charging (stations/smartcharging) ---

# --- Security extension (stations/security) ---
@on("SecurityEventNotification")
async def security_event_notification(station: Station, payload: dict,
                                      received_at: datetime) -> dict:
    await db(security.security_event_record, station=station, payload=payload, received_at=received_at)
    return {}


@on("SignCertificate")
async def sign_certificate(station: Station, payload: dict, received_at: datetime) -> dict:
    refusal = await db(security.csr_check, identity=station.identity, csr_pem=payload["csr"])
    if refusal:
        return {"status": "Rejected"}
    after_answer(lambda: security_actions.certificate_sign_and_send(station.pk, payload["csr"]))
    return {"status": "Accepted"}
