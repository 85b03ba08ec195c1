"""Display messages (OCPP 2.0.1 block O): set, replace, clear and report what a station shows.

Every write records the station's answer: a message is Pending until SetDisplayMessage is
answered, then Set (Accepted; the message it replaced, same id, becomes Replaced) or Refused
with the answer (NotSupportedMessageFormat, NotSupportedPriority, NotSupportedState,
UnknownTransaction, Rejected). A report (GetDisplayMessages) updates what we know the station
holds from its NotifyDisplayMessages parts: a message it reports but we never set is recorded
(origin Station), one we hold Set that a complete report matching it lacks is Gone
(docs/ocpp201.md, display messages)."""

import asyncio
import logging
from datetime import datetime

from asgiref.sync import sync_to_async
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stations.commands import requests as req
from stations.commands.sending import CommandFailed, command_run, translator_for
from stations.displaymessages.models import (
    DisplayMessage,
    DisplayMessageReport,
    Origin,
    Status,
)
from stations.models import ChargingSession, Station

log = logging.getLogger(__name__)
MAX_ID = 2**31 - 1


class NoDisplayMessages(CommandFailed):
    """The station's OCPP version has no display messages (1.6): a conflict, not bad input."""

    status_code = 409


def display_messages_check(station: Station) -> None:
    """NoDisplayMessages unless the station's OCPP version can carry display messages."""
    try:
        translator_for(station).call_of(req.DisplayMessageClear(message_id=0))
    except (TypeError, ValueError):
        raise NoDisplayMessages(
            f"An OCPP {station.ocpp_version or '1.6'} station has no display messages: "
            "only OCPP 2.0.1 stations show the operator's messages.") from None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def request_of(message: DisplayMessage) -> req.DisplayMessageSet:
    return req.DisplayMessageSet(
        message_id=message.message_id, priority=message.priority, content=message.content,
        message_format=message.message_format, language=message.language, state=message.state,
        start=_iso(message.start_at), end=_iso(message.end_at),
        transaction_id=message.transaction_id, display_component=message.display_component,
        display_instance=message.display_instance, display_evse_id=message.display_evse_id)


# Setting and replacing -------------------------------------------------------------------------
@transaction.atomic
def display_message_create(*, station: Station, message_id: int | None = None,
                           session: ChargingSession | None = None, **fields) -> DisplayMessage:
    """A Pending message; without `message_id`, the station's next free id."""
    if message_id is None:
        Station.objects.select_for_update().filter(pk=station.pk).first()  # serializes id choice
        last = (DisplayMessage.objects.filter(station=station)
                .aggregate(last=Max("message_id"))["last"])
        message_id = min((last or 0) + 1, MAX_ID)
    return DisplayMessage.objects.create(
        tenant_id=station.tenant_id, station=station, message_id=message_id, session=session,
        transaction_id=session.station_transaction_id if session else "", **fields)


@transaction.atomic
def display_message_answered(*, pk: int, answer: str, answer_info: str = "") -> DisplayMessage:
    """Record the answer to SetDisplayMessage; Accepted replaces the station's message with the
    same id. Only a Pending message changes."""
    message = DisplayMessage.objects.select_for_update().get(pk=pk)
    if message.status == Status.PENDING:
        if answer == "Accepted":
            DisplayMessage.objects.filter(
                station_id=message.station_id, message_id=message.message_id, status=Status.SET,
            ).exclude(pk=pk).update(status=Status.REPLACED, updated_at=timezone.now())
        message.status = Status.SET if answer == "Accepted" else Status.REFUSED
        message.answer, message.answer_info = answer, answer_info[:600]
        message.save(update_fields=["status", "answer", "answer_info", "updated_at"])
    return DisplayMessage.objects.select_related("session").get(pk=pk)


def _status_info(response: dict) -> str:
    info = response.get("statusInfo") or {}
    return ": ".join(part for part in (info.get("reasonCode"), info.get("additionalInfo")) if part)


async def display_message_set(*, station: Station, **fields) -> DisplayMessage:
    """SetDisplayMessage: the message with the station's answer, whatever it was.
    CommandFailed (recorded as SendFailed) when the station gives no usable answer."""
    display_messages_check(station)
    message = await sync_to_async(display_message_create)(station=station, **fields)
    try:
        answer = await command_run(station, request_of(message))
    except CommandFailed as failure:
        await DisplayMessage.objects.filter(pk=message.pk).aupdate(
            status=Status.SEND_FAILED, error=failure.body, updated_at=timezone.now())
        raise
    return await sync_to_async(display_message_answered)(
        pk=message.pk, answer=answer.status, answer_info=_status_info(answer.response))


# Clearing --------------------------------------------------------------------------------------
@transaction.atomic
def display_message_clear_answered(*, station_id: int, message_id: int, answer: str) -> int:
    """Accepted: the messages Set with this id are Cleared; Unknown: the station had none, so
    they are Gone. Returns how many changed."""
    status = Status.CLEARED if answer == "Accepted" else Status.GONE
    return DisplayMessage.objects.filter(
        station_id=station_id, message_id=message_id, status=Status.SET,
    ).update(status=status, clear_answer=answer[:10], updated_at=timezone.now())


async def display_message_clear(*, station: Station, message_id: int) -> str:
    """ClearDisplayMessage of any id (one we never set too); the station's answer."""
    display_messages_check(station)
    answer = await command_run(station, req.DisplayMessageClear(message_id=message_id))
    await sync_to_async(display_message_clear_answered)(
        station_id=station.pk, message_id=message_id, answer=answer.status)
    return answer.status


@transaction.atomic
def display_messages_transaction_ended(*, station_id: int, transaction_id: str) -> int:
    """The station ended the transaction and dropped its messages: ours are Gone."""
    return DisplayMessage.objects.filter(
        station_id=station_id, transaction_id=transaction_id, status=Status.SET,
    ).exclude(transaction_id="").update(status=Status.GONE, updated_at=timezone.now())


# Reports ---------------------------------------------------------------------------------------
async def display_messages_get(*, station: Station, message_ids: tuple[int, ...] = (),
                               priority: str = "", state: str = "") -> DisplayMessageReport:
    """GetDisplayMessages under a requestId of its own (the report's id); the messages come in
    NotifyDisplayMessages parts (`display_messages_reported`). Unknown (no message matches)
    completes the report at once."""
    display_messages_check(station)
    report = await DisplayMessageReport.objects.acreate(
        tenant_id=station.tenant_id, station=station, message_ids=list(message_ids),
        priority=priority, state=state)
    await DisplayMessageReport.objects.filter(pk=report.pk).aupdate(request_id=report.pk)
    request = req.DisplayMessagesGet(request_id=report.pk, message_ids=tuple(message_ids),
                                     priority=priority, state=state)
    try:
        answer = await command_run(station, request)
    except CommandFailed as failure:
        await DisplayMessageReport.objects.filter(pk=report.pk).aupdate(
            error=failure.body, completed_at=timezone.now())
        raise
    if answer.status == "Accepted":
        await DisplayMessageReport.objects.filter(pk=report.pk).aupdate(status=answer.status)
    else:
        await sync_to_async(display_messages_none)(report_id=report.pk, status=answer.status)
    return await DisplayMessageReport.objects.aget(pk=report.pk)


async def display_messages_report_awaited(*, report_id: int, timeout: float) -> DisplayMessageReport:
    """The report once its last part came, or as it stands after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        report = await DisplayMessageReport.objects.aget(pk=report_id)
        if report.completed_at or asyncio.get_running_loop().time() >= deadline:
            return report
        await asyncio.sleep(0.1)


@transaction.atomic
def display_messages_none(*, report_id: int, status: str) -> None:
    """The station holds no message matching the report's criteria."""
    report = DisplayMessageReport.objects.select_for_update().get(pk=report_id)
    report.status, report.completed_at = status[:10], timezone.now()
    report.save(update_fields=["status", "completed_at"])
    _sweep(report)


@transaction.atomic
def display_messages_reported(*, station_id: int, request_id: int, messages: list[dict],
                              reported: list[dict], tbc: bool) -> DisplayMessageReport | None:
    """One NotifyDisplayMessages part: `messages` (the model's fields of each message) and
    `reported` (each as the station worded it). What it holds is learnt; the last part (tbc
    false) completes the report, and what it lacks of the criteria is Gone. A part for a request
    we did not make is learnt from, not kept (None)."""
    station = Station.objects.get(pk=station_id)
    now = timezone.now()
    for fields, info in zip(messages, reported, strict=True):
        _learn(station, fields, info, now)
    report = (DisplayMessageReport.objects.select_for_update()
              .filter(station_id=station_id, request_id=request_id).first())
    if report is None:
        log.info("NotifyDisplayMessages for unknown request %s of station %s", request_id,
                 station_id)
        return None
    report.messages = [*report.messages, *reported]
    report.parts += 1
    if not tbc:
        report.completed_at = now
        _sweep(report)
    report.save()
    return report


def _learn(station: Station, fields: dict, info: dict, now: datetime) -> None:
    """The station holds this message: note what it reported on ours, or record it as its own."""
    held = (DisplayMessage.objects.filter(station=station, message_id=fields["message_id"],
                                          status=Status.SET).order_by("-created_at", "-id").first())
    if held is not None:
        held.reported, held.reported_at = info, now
        held.save(update_fields=["reported", "reported_at", "updated_at"])
        return
    session = (ChargingSession.objects.filter(station=station,
                                              station_transaction_id=fields["transaction_id"]).first()
               if fields["transaction_id"] else None)
    DisplayMessage.objects.create(tenant_id=station.tenant_id, station=station, session=session,
                                  origin=Origin.STATION, status=Status.SET, reported=info,
                                  reported_at=now, **fields)


def _sweep(report: DisplayMessageReport) -> int:
    """Messages Set before the report that match its criteria but were not reported are Gone."""
    reported = {info.get("id") for info in report.messages}
    held = DisplayMessage.objects.filter(station_id=report.station_id, status=Status.SET,
                                         created_at__lt=report.requested_at)
    if report.message_ids:
        held = held.filter(message_id__in=report.message_ids)
    if report.priority:
        held = held.filter(priority=report.priority)
    if report.state:
        held = held.filter(state=report.state)
    return held.exclude(message_id__in=reported).update(status=Status.GONE,
                                                         updated_at=timezone.now())
