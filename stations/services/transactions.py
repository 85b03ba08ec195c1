"""Start and stop of charging sessions, safe against what real stations do: retransmissions,
stops for starts we never saw, stops that come after the backend closed the session, starts on
a connector whose last session never stopped, and wrong clocks (docs/sessions.md)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from stations import timestamps
from stations.models import ChargingSession, IdTag, IdTokenType, Station
from stations.quirks import id_tag_from_station, quirks_of
from stations.reservations.services import reservation_use
from stations.selectors import sessions_by_transaction_id
from stations.services import meter_values
from stations.services.authorization import id_tag_info, id_tag_known, tag_info
from stations.services.evses import evse_of_connector
from stations.services.session_lifecycle import sessions_supersede


@transaction.atomic
def transaction_start(*, station: Station, payload: dict,
                      received_at: datetime) -> tuple[int, dict]:
    """Return (transactionId, idTagInfo). A retransmitted start returns the first one's id; a
    new one first closes the connector's older open session (superseded)."""
    payload = _with_issued_id_tag(station, payload)
    stamp = timestamps.parse(payload["timestamp"])
    tag = id_tag_known(tenant_id=station.tenant_id, id_tag=payload["idTag"])
    fields = dict(station=station, connector_id=payload["connectorId"],
                  id_tag=tag.id_tag if tag is not None else payload["idTag"],  # as the tenant wrote it
                  meter_start=payload["meterStart"], station_started_at=stamp)
    existing = ChargingSession.objects.filter(**fields).first()
    if existing is not None:
        info = id_tag_info(tenant_id=station.tenant_id, id_tag=existing.id_tag,
                           exclude_session_id=existing.pk)
        return existing.transaction_id, info
    started_at = timestamps.effective(stamp, received_at)
    sessions_supersede(station_id=station.pk, connector_id=payload["connectorId"],
                       started_at=started_at, station_started_at=stamp)
    info = tag_info(tag)
    session = ChargingSession.objects.create(
        tenant_id=station.tenant_id, started_at=started_at, start_received_at=received_at,
        evse_id=evse_of_connector(payload["connectorId"])[0],
        id_token_type=_token_type(tag, fields["id_tag"]), id_tag_status=info["status"],
        reservation_id=payload.get("reservationId"), meter_last=payload["meterStart"], **fields,
    )
    _number(session, _free_transaction_id(station, session.pk))
    if session.reservation_id is not None:
        reservation_use(session=session, reservation_id=session.reservation_id)
    return session.transaction_id, info


def _with_issued_id_tag(station: Station, payload: dict) -> dict:
    if not payload.get("idTag"):
        return payload
    return payload | {"idTag": id_tag_from_station(payload["idTag"], quirks_of(station))}


def _token_type(tag: IdTag | None, id_tag: str) -> str:
    """The session's id token type: the tag's; a 1.6 tag we do not know is an RFID card."""
    if not id_tag:
        return ""
    return tag.token_type if tag is not None else IdTokenType.ISO14443


def _number(session: ChargingSession, transaction_id: int) -> None:
    """Give the session the 1.6 transaction id, also as the string the station knows it by."""
    session.transaction_id = transaction_id
    session.station_transaction_id = str(transaction_id)
    session.save(update_fields=["transaction_id", "station_transaction_id"])


def _free_transaction_id(station: Station, candidate: int) -> int:
    # Our ids are the session's primary key; a stop recorded for a start we never saw keeps the
    # station's own id, which may take one of ours on that station: skip past it.
    taken = ChargingSession.objects.filter(station=station)
    while taken.filter(transaction_id=candidate).exists():
        candidate += 1
    return candidate


@dataclass(frozen=True)
class StopOutcome:
    id_tag_info: dict  # of the stop's idTag ({} without one)
    session_id: int | None = None
    completed_late: bool = False  # the backend had closed it: its price must be corrected


@transaction.atomic
def transaction_stop(*, station: Station, payload: dict, received_at: datetime) -> StopOutcome:
    """Record a StopTransaction. A retransmission changes nothing; the station's stop of a
    session the backend closed before completes it with the station's own values, once."""
    payload = _with_issued_id_tag(station, payload)
    transaction_id = payload["transactionId"]
    session = (sessions_by_transaction_id(station_id=station.pk, transaction_id=transaction_id)
               .select_for_update().first())
    if session is None:
        session = ChargingSession.objects.create(
            tenant_id=station.tenant_id, station=station, transaction_id=transaction_id,
            station_transaction_id=str(transaction_id), connector_id=0,
            evse_id=evse_of_connector(0)[0], start_missing=True,
        )
    elif session.stop_received_at is not None or (session.stopped_at is not None
                                                  and not session.closed_reason):
        return StopOutcome(_stop_info(station, payload), session.pk)
    completed_late = session.stopped_at is not None
    stamp = timestamps.parse(payload["timestamp"])
    samples = meter_values.samples_from(
        payload.get("transactionData", []), station_id=station.pk,
        connector_id=session.connector_id, received_at=received_at,
    )
    meter_values.store(samples, session_id=session.pk)
    if session.start_missing:
        session.meter_start = _begin_register(samples)
        session.started_at = min((s["timestamp"] for s in samples), default=None)
    session.meter_stop = payload["meterStop"]
    session.meter_last = payload["meterStop"]
    session.station_stopped_at = stamp
    session.stopped_at = timestamps.effective(stamp, received_at)
    session.stop_received_at = received_at
    session.stop_reason = payload.get("reason", "Local")
    session.stop_id_tag = payload.get("idTag", "")
    session.save()
    return StopOutcome(_stop_info(station, payload), session.pk, completed_late)


def _begin_register(samples) -> int | None:
    begin = [s for s in samples if s["context"] == "Transaction.Begin"]
    return meter_values.latest_energy_register(begin)


def _stop_info(station: Station, payload: dict) -> dict:
    if not payload.get("idTag"):
        return {}
    return id_tag_info(tenant_id=station.tenant_id, id_tag=payload["idTag"],
                       check_concurrent=False)
