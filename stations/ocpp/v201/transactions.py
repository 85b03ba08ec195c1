"""OCPP 2.0.1 authorization (C), transactions (E) and meter values (J): Authorize,
TransactionEvent and MeterValues, answered through the same services and domain events as 1.6's
Authorize, Start/StopTransaction and MeterValues (stations/ocpp/v16/core.py), so billing prices a
2.0.1 session and load management reacts to it as to any other (docs/sessions.md, OCPP 2.0.1).

A running session's cost goes to the station after its meter values, as a CostUpdated at most
every COST_UPDATE_SECONDS, and the final cost in the answer to its Ended (totalCost); the cost
comes from whatever app prices sessions (stations/running_cost.py): the core imports no billing."""

import logging
import time
from datetime import datetime
from decimal import Decimal

from django.conf import settings

from stations import contract_certificates, events, price_text, running_cost
from stations.commands import requests as req
from stations.commands.sending import CommandFailed, command_run
from stations.models import Station
from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, follow, handles
from stations.ocpp.writer import writer
from stations.services import meter_values, transaction_updates
from stations.services.authorization import station_id_token_info
from stations.services.evses import connector_of_evse
from stations.services.transaction_events import EventOutcome, transaction_event_apply
from stations.smartcharging import services as smartcharging

log = logging.getLogger(__name__)

V201 = "2.0.1"
MEMO = "transactions"  # this module's memory of a link: when each session's cost was last worked
# out, and the cost last sent


@handles(V201, "Authorize")
async def authorize(link: Link, payload: dict, received_at: datetime) -> dict:
    if contract_certificates.carries_contract(payload):  # Plug & Charge (C07, docs/pki.md)
        answer = await db(contract_certificates.authorize_answer, station=link.station,
                          payload=payload)
    else:
        answer = {"idTokenInfo": await db(station_id_token_info, station=link.station,
                                          id_token=payload["idToken"])}
    answer["idTokenInfo"] = await db(price_text.with_price_message, answer["idTokenInfo"],
                                     station_id=link.station.pk)
    return answer


@handles(V201, "TransactionEvent")
async def transaction_event(link: Link, payload: dict, received_at: datetime) -> dict:
    station = link.station
    outcome = await _reported(station, payload, received_at)
    if outcome is None:
        outcome = await db(transaction_event_apply, station=station, payload=payload,
                           received_at=received_at)
    transaction_id = payload["transactionInfo"]["transactionId"]
    if not outcome.repeated:
        await _publish(link, outcome, transaction_id, received_at)
    answer: dict = {}
    if outcome.id_token_info is not None and outcome.stopped:
        answer["idTokenInfo"] = outcome.id_token_info
    elif outcome.id_token_info is not None:  # the price before charging (I01, I05)
        answer["idTokenInfo"] = await db(price_text.with_price_message, outcome.id_token_info,
                                         station_id=station.pk, session_id=outcome.session_id)
    if outcome.stopped or (outcome.running and outcome.samples and not outcome.started
                           and _cost_due(link, outcome.session_id)):
        cost = await db(running_cost.session_running_cost, session_id=outcome.session_id)
        if cost is not None and outcome.stopped:
            answer["totalCost"] = float(cost)  # the final cost (OCPP 2.0.1 I03)
        elif cost is not None:  # the running cost, after the answer (I02)
            after_answer(lambda: cost_update_send(link, session_id=outcome.session_id,
                                                  transaction_id=transaction_id, total_cost=cost))
    return answer


async def _reported(station: Station, payload: dict, received_at: datetime) -> EventOutcome | None:
    """A plain Updated event through the group commit, as a 1.6 station's MeterValues go
    (stations/services/transaction_updates.py); None if it was not applied there."""
    if not transaction_updates.plain(payload):
        return None
    update = await writer().transaction_update(
        transaction_updates.TransactionUpdate(station.pk, payload, received_at))
    if not update.handled:
        return None
    return EventOutcome(update.session_id, update.connector_id, update.evse_id, None,
                        repeated=update.repeated, running=update.running, samples=update.samples)


async def _publish(link: Link, outcome: EventOutcome, transaction_id: str,
                   received_at: datetime) -> None:
    """What happened, as the domain events 1.6's messages publish."""
    station = link.station
    if outcome.started:
        held = await db(smartcharging.charging_profiles_transaction_started, station_id=station.pk,
                        transaction_id=transaction_id)
        if held:
            after_answer(lambda: smartcharging.asend_held_profiles(station_id=station.pk,
                                                                   profile_ids=held))
        follow(events.publish(events.SessionStarted(station, outcome.connector_id, outcome.evse_id,
                                                    transaction_id, link=link)))
    if outcome.samples:
        follow(events.publish(events.MeterValuesReceived(
            station, outcome.connector_id, outcome.evse_id, outcome.samples, received_at, link=link)))
    if outcome.stopped:
        await db(smartcharging.charging_profiles_transaction_stopped, station_id=station.pk,
                 transaction_id=transaction_id)
        follow(events.publish(events.SessionStopped(
            station, outcome.session_id, transaction_id, completed_late=outcome.completed_late,
            link=link)))


@handles(V201, "MeterValues")
async def meter_values_(link: Link, payload: dict, received_at: datetime) -> dict:
    """Values outside a transaction (J_01): the EVSE's (0: the station's main meter), no
    session's; a transaction's values come in its TransactionEvents."""
    station, evse_id = link.station, payload["evseId"]
    connector_id = connector_of_evse(evse_id, None)
    samples = meter_values.samples_from_201(payload["meterValue"], station_id=station.pk,
                                            connector_id=connector_id, evse_id=evse_id,
                                            received_at=received_at)
    await db(meter_values.store, samples)
    follow(events.publish(events.MeterValuesReceived(
        station, connector_id, evse_id, samples, received_at, link=link)))
    return {}


# Running cost -----------------------------------------------------------------------------------
def _cost_due(link: Link, session_id: int) -> bool:
    """Whether a running session's cost is worth working out now: not within
    COST_UPDATE_SECONDS of the last time (the station would not be told it; pricing a session
    on each of its meter values was half of a server process's time in a 2.0.1 fleet,
    bench/README.md, issue 22)."""
    checked = link.memo_of(MEMO).setdefault("cost_checked", {})
    now = time.monotonic()
    if now - checked.get(session_id, -float("inf")) < settings.COST_UPDATE_SECONDS:
        return False
    checked[session_id] = now
    return True


def _cost_sent(link: Link, session_id: int, total_cost: Decimal) -> bool:
    """Note that the station learns the session's cost now; False if it was told this cost
    already (then it is not told again). How often it is worked out at all: `_cost_due`."""
    sent = link.memo_of(MEMO).setdefault("cost_sent", {})
    if sent.get(session_id) == total_cost:
        return False
    sent[session_id] = total_cost
    return True


async def cost_update_send(link: Link, *, session_id: int, transaction_id: str,
                           total_cost: Decimal) -> None:
    """Send CostUpdated for a running session (at most every COST_UPDATE_SECONDS)."""
    if not _cost_sent(link, session_id, total_cost):
        return
    # The stored station: its socket's address and version (the link's is the handshake's).
    station = await Station.objects.select_related("server_process").aget(pk=link.station.pk)
    try:
        await command_run(station, req.SessionCostUpdate(transaction_id=transaction_id,
                                                         total_cost=total_cost))
    except CommandFailed as failure:
        log.warning("CostUpdated for %s on %s not delivered: %s", transaction_id,
                    link.station.identity, failure)
