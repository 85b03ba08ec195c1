"""The core profile of OCPP 1.6: one coroutine per station-initiated action, returning the
answer's payload (the feature apps' handlers are in their own `ocpp16.py` modules).

Each handler translates the 1.6 message into calls of the domain services and publishes what
happened as a domain event (stations/events.py); billing and load management react to those,
and their follow-ups run after the answer. Hot, high-volume actions (Heartbeat,
StatusNotification, MeterValues) go through the process's group-commit writer; the rest call
services on the DB threads. The router validates the request before and the answer after."""

from datetime import datetime

from django.utils import timezone

from stations import events, live, timestamps
from stations.models import StatusEvent
from stations.ocpp.admission import link_admission
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, follow, handles
from stations.ocpp.writer import writer
from stations.services import admission, meter_values, stations, transactions
from stations.services.authorization import station_id_tag_info
from stations.services.evses import evse_of_connector
from stations.smartcharging import services as smartcharging

V16 = "1.6"


def _now_iso() -> str:
    return timezone.now().isoformat().replace("+00:00", "Z")


def _evse(connector_id: int) -> int:
    return evse_of_connector(connector_id)[0]


@handles(V16, "BootNotification")
async def boot_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    # The firmware job and the local list a boot may finish or send are their apps' reactions
    # to this message (stations/firmware/ocpp16.py, stations/authlist/ocpp16.py).
    # Its admission decides the answer (stations/services/admission.py).
    station = link.station
    status, interval = admission.boot_answer(link_admission(link))
    await writer().boot(station.pk, stations.boot_fields(payload))
    station.vendor, station.model = payload["chargePointVendor"], payload["chargePointModel"]
    if status == admission.ACCEPTED:
        follow(events.publish(events.StationBooted(station, link=link)))
    live.publish_soon(station.tenant_id, {
        "type": "station.booted", "station": station.identity, "vendor": station.vendor,
        "model": station.model, "firmware_version": payload.get("firmwareVersion", ""),
        "admission": status})
    return {"status": status, "currentTime": _now_iso(), "interval": interval}


@handles(V16, "Heartbeat")
async def heartbeat(link: Link, payload: dict, received_at: datetime) -> dict:
    return {"currentTime": _now_iso()}


@handles(V16, "StatusNotification")
async def status_notification(link: Link, payload: dict, received_at: datetime) -> dict:
    station, connector_id = link.station, payload["connectorId"]
    await writer().status(StatusEvent(
        station_id=station.pk, connector_id=connector_id, status=payload["status"],
        error_code=payload["errorCode"], info=payload.get("info", ""),
        vendor_id=payload.get("vendorId", ""), vendor_error_code=payload.get("vendorErrorCode", ""),
        station_timestamp=timestamps.parse(payload.get("timestamp")), received_at=received_at,
    ))
    follow(events.publish(events.StatusChanged(station, connector_id, _evse(connector_id),
                                               payload["status"], link=link,
                                               error_code=payload["errorCode"])))
    live.publish_soon(station.tenant_id, {
        "type": "station.status", "station": station.identity,
        "connector_id": connector_id, "status": payload["status"],
        "error_code": payload["errorCode"], "info": payload.get("info", "")})
    return {}


@handles(V16, "Authorize")
async def authorize(link: Link, payload: dict, received_at: datetime) -> dict:
    info = await db(station_id_tag_info, station=link.station, id_tag=payload["idTag"])
    return {"idTagInfo": info}


@handles(V16, "StartTransaction")
async def start_transaction(link: Link, payload: dict, received_at: datetime) -> dict:
    station, connector_id = link.station, payload["connectorId"]
    transaction_id, info = await db(transactions.transaction_start, station=station,
                                    payload=payload, received_at=received_at)
    # A remote start's TxProfile binds to the transaction; one held back for a station that
    # refuses it before this answer (quirk tx_profile_after_start_only) follows the answer.
    held = await db(smartcharging.charging_profiles_transaction_started, station_id=station.pk,
                    transaction_id=transaction_id)
    if held:
        after_answer(lambda: smartcharging.asend_held_profiles(station_id=station.pk,
                                                               profile_ids=held))
    follow(events.publish(events.SessionStarted(station, connector_id, _evse(connector_id),
                                                str(transaction_id), link=link)))
    return {"transactionId": transaction_id, "idTagInfo": info}


@handles(V16, "StopTransaction")
async def stop_transaction(link: Link, payload: dict, received_at: datetime) -> dict:
    station = link.station
    outcome = await db(transactions.transaction_stop, station=station, payload=payload,
                       received_at=received_at)
    await db(smartcharging.charging_profiles_transaction_stopped, station_id=station.pk,
             transaction_id=payload["transactionId"])  # its TxProfiles end with it
    # Billing prices it (or corrects the price of a session the backend had closed).
    follow(events.publish(events.SessionStopped(
        station, outcome.session_id, str(payload["transactionId"]),
        completed_late=outcome.completed_late, link=link)))
    return {"idTagInfo": outcome.id_tag_info} if outcome.id_tag_info else {}


@handles(V16, "MeterValues")
async def meter_values_(link: Link, payload: dict, received_at: datetime) -> dict:
    station, connector_id = link.station, payload["connectorId"]
    samples = meter_values.samples_from(payload["meterValue"], station_id=station.pk,
                                        connector_id=connector_id, received_at=received_at)
    await writer().meter_values(station.pk, connector_id, payload.get("transactionId"), samples)
    follow(events.publish(events.MeterValuesReceived(
        station, connector_id, _evse(connector_id), samples, received_at, link=link)))
    return {}


@handles(V16, "DataTransfer")
async def data_transfer(link: Link, payload: dict, received_at: datetime) -> dict:
    # No vendor extension is registered yet: the frame log keeps what was sent.
    return {"status": "UnknownVendorId"}
