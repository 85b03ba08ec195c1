"""Setting, clearing and reading charging profiles on stations (OCPP 1.6 Smart Charging, and
2.0.1's: the same profiles worded by the station's translator; docs/smart-charging.md).

Load management builds on these. The async functions are the core (the API and the station
handlers run in an event loop); `charging_profile_set`, `charging_profiles_clear` and
`composite_schedule_get` are their twins for synchronous code (services, Celery tasks).
Every profile sent is recorded with the station's answer or the failure; a failure is then
raised on as the `CommandFailed` it was (409 not connected, 502 CALLERROR, 504 timeout).
"""

import logging
from decimal import Decimal

from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stations import timestamps
from stations.commands import requests as req
from stations.commands.sending import (
    CommandFailed,
    CommandInvalid,
    StationNotConnected,
    StationTimedOut,
    command_run,
    translator_for,
)
from stations.models import Connector, Evse, Station
from stations.quirks import quirks_of
from stations.selectors import sessions_by_transaction_id
from stations.services.station_commands import session_start_remote
from stations.smartcharging.checks import ProfileInvalid, checked_profile, checked_remote_start
from stations.smartcharging.models import (
    Answer,
    ChargingProfile,
    Ended,
    Failure,
    ProfileClearing,
    ProfileReport,
    Purpose,
    SchedulePeriod,
    Waiting,
)

log = logging.getLogger(__name__)


# Setting a profile ---------------------------------------------------------------------------
async def acharging_profile_set(*, station: Station, connector_id: int,
                                profile: dict) -> list[ChargingProfile]:
    """Send `profile` (OCPP JSON) to the connector; return the stored profiles: one, or one
    per connector where a quirk sends it to each (see `_targets`)."""
    targets = await sync_to_async(_checked_targets)(station, connector_id, profile)
    rows = []
    for target, sent in targets:
        row = await sync_to_async(_profile_record)(
            station=station, connector_id=target, profile=sent,
            requested_connector_id=connector_id if target != connector_id else None)
        rows.append(await _send(station, row))
    return rows


def charging_profile_set(*, station: Station, connector_id: int,
                         profile: dict) -> list[ChargingProfile]:
    return async_to_sync(acharging_profile_set)(station=station, connector_id=connector_id,
                                                profile=profile)


def _checked_targets(station: Station, connector_id: int, profile: dict) -> list[tuple[int, dict]]:
    profile = checked_profile(station, connector_id, profile)
    return _targets(station, connector_id, profile)


def _targets(station: Station, connector_id: int, profile: dict) -> list[tuple[int, dict]]:
    """(connector, profile) pairs to send."""
    # Quirk `max_profile_on_connector_zero_only`: such stations take a ChargePointMaxProfile on
    # connector 0 only and reject a TxDefaultProfile there too, so a TxDefaultProfile for the
    # whole station (connector 0) goes to each of its connectors 1..N instead. Each copy after
    # the first gets a free id of its own: a station replaces a profile with the same id on
    # any connector (OCPP 1.6, 3.13.2).
    if (connector_id != 0 or profile["chargingProfilePurpose"] != Purpose.TX_DEFAULT
            or not quirks_of(station).max_profile_on_connector_zero_only):
        return [(connector_id, profile)]
    if station.ocpp_version == "2.0.1":  # a 2.0.1 profile goes to an EVSE, not a connector
        connectors = list(Evse.objects.filter(station=station, evse_id__gt=0)
                          .order_by("evse_id").values_list("evse_id", flat=True))
    else:
        connectors = list(Connector.objects.filter(station=station, connector_id__gt=0)
                          .order_by("connector_id").values_list("connector_id", flat=True))
    if not connectors:
        raise ProfileInvalid("This station model takes a TxDefaultProfile per connector, and it "
                             "has reported no connectors yet.", "connector_id")
    taken = set(ChargingProfile.objects.filter(station=station, installed=True)
                .values_list("charging_profile_id", flat=True))
    targets, profile_id = [(connectors[0], profile)], profile["chargingProfileId"]
    for connector in connectors[1:]:
        profile_id += 1
        while profile_id in taken:
            profile_id += 1
        targets.append((connector, profile | {"chargingProfileId": profile_id}))
    return targets


async def _send(station: Station, row: ChargingProfile) -> ChargingProfile:
    try:
        answer = await command_run(station, req.ChargingProfileSet(evse_id=row.connector_id,
                                                                   profile=row.payload))
    except CommandFailed as failure:
        await sync_to_async(charging_profile_fail)(profile_id=row.pk, failure=failure)
        raise
    return await sync_to_async(charging_profile_answer)(profile_id=row.pk, status=answer.status)


def _integer(transaction_id: int | str | None) -> int | None:
    """The 1.6 integer column holds our ids only; a 2.0.1 station's string is in
    `station_transaction_id`."""
    return transaction_id if isinstance(transaction_id, int) else None


def _as_string(transaction_id: int | str | None) -> str:
    """A transaction id as the version-neutral field keeps it ("" for none)."""
    return "" if transaction_id is None else str(transaction_id)


@transaction.atomic
def _profile_record(*, station: Station, connector_id: int | None, profile: dict,
                    requested_connector_id: int | None = None, sent_with: str = "SetChargingProfile",
                    id_tag: str = "", waiting_for: str = "") -> ChargingProfile:
    schedule = profile["chargingSchedule"]
    row = ChargingProfile.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=connector_id,
        requested_connector_id=requested_connector_id, sent_with=sent_with, id_tag=id_tag,
        payload=profile, charging_profile_id=profile["chargingProfileId"],
        stack_level=profile["stackLevel"], purpose=profile["chargingProfilePurpose"],
        kind=profile["chargingProfileKind"], recurrency_kind=profile.get("recurrencyKind", ""),
        valid_from=timestamps.parse(profile.get("validFrom")),
        valid_to=timestamps.parse(profile.get("validTo")),
        transaction_id=_integer(profile.get("transactionId")), duration=schedule.get("duration"),
        evse_id=connector_id, station_transaction_id=_as_string(profile.get("transactionId")),
        start_schedule=timestamps.parse(schedule.get("startSchedule")),
        charging_rate_unit=schedule["chargingRateUnit"],
        min_charging_rate=_decimal(schedule.get("minChargingRate")),
        waiting_for=waiting_for, sent_at=None if waiting_for == Waiting.HELD else timezone.now(),
    )
    SchedulePeriod.objects.bulk_create(
        SchedulePeriod(profile=row, start_period=p["startPeriod"], limit=_decimal(p["limit"]),
                       number_phases=p.get("numberPhases"))
        for p in schedule["chargingSchedulePeriod"])
    return row


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def charging_profile_answer(*, profile_id: int, status: str) -> ChargingProfile:
    """Record the station's answer; an accepted profile replaces the one with its id and the one
    with its stack level and purpose on its connector (OCPP 1.6, 3.13.2)."""
    row = ChargingProfile.objects.select_for_update().get(pk=profile_id)
    row.status, row.answered_at = status, timezone.now()
    if row.sent_with == "RemoteStartTransaction" and status == Answer.ACCEPTED:
        pass  # installed once its transaction starts (charging_profiles_transaction_started)
    elif status == Answer.ACCEPTED:
        _install(row)
    else:
        row.waiting_for = Waiting.NOTHING
    row.save()
    return row


def _install(row: ChargingProfile) -> None:
    now = timezone.now()
    row.installed, row.waiting_for = True, Waiting.NOTHING
    (ChargingProfile.objects.filter(station_id=row.station_id, installed=True)
     .filter(Q(charging_profile_id=row.charging_profile_id)
             | Q(connector_id=row.connector_id, stack_level=row.stack_level, purpose=row.purpose))
     .exclude(pk=row.pk).update(installed=False, ended=Ended.REPLACED, ended_at=now))


@transaction.atomic
def charging_profile_fail(*, profile_id: int, failure: CommandFailed) -> None:
    ChargingProfile.objects.filter(pk=profile_id).update(
        failure=_failure_kind(failure), failure_detail=failure.body, waiting_for=Waiting.NOTHING,
        answered_at=timezone.now())


def _failure_kind(failure: CommandFailed) -> str:
    if isinstance(failure, StationNotConnected):
        return Failure.NOT_CONNECTED
    if isinstance(failure, StationTimedOut):
        return Failure.TIMEOUT
    return Failure.CALL_ERROR


# Clearing ------------------------------------------------------------------------------------
async def acharging_profiles_clear(*, station: Station, charging_profile_id: int | None = None,
                                   connector_id: int | None = None, purpose: str = "",
                                   stack_level: int | None = None) -> ProfileClearing:
    """ClearChargingProfile: by id, or by the criteria given (none: every profile)."""
    request = req.ChargingProfilesClear(profile_id=charging_profile_id, evse_id=connector_id,
                                        purpose=purpose, stack_level=stack_level)
    clearing = await ProfileClearing.objects.acreate(
        tenant_id=station.tenant_id, station=station, charging_profile_id=charging_profile_id,
        connector_id=connector_id, purpose=purpose, stack_level=stack_level)
    try:
        answer = await command_run(station, request)
    except CommandFailed as failure:
        clearing.failure, clearing.failure_detail = _failure_kind(failure), failure.body
        clearing.answered_at = timezone.now()
        await clearing.asave()
        raise
    return await sync_to_async(profiles_cleared)(clearing_id=clearing.pk, status=answer.status)


def charging_profiles_clear(**kwargs) -> ProfileClearing:
    return async_to_sync(acharging_profiles_clear)(**kwargs)


@transaction.atomic
def profiles_cleared(*, clearing_id: int, status: str) -> ProfileClearing:
    """Record the answer. Accepted: the matching profiles are gone. Unknown: the station holds
    none that match, so any we count as installed are not there either."""
    clearing = ProfileClearing.objects.select_for_update().get(pk=clearing_id)
    clearing.status, clearing.answered_at = status, timezone.now()
    clearing.save()
    matching = ChargingProfile.objects.filter(station_id=clearing.station_id, installed=True)
    if clearing.charging_profile_id is not None:
        matching = matching.filter(charging_profile_id=clearing.charging_profile_id)
    else:
        if clearing.connector_id is not None:
            matching = matching.filter(connector_id=clearing.connector_id)
        if clearing.purpose:
            matching = matching.filter(purpose=clearing.purpose)
        if clearing.stack_level is not None:
            matching = matching.filter(stack_level=clearing.stack_level)
    cleared = list(matching.select_for_update())
    clearing.cleared.set(cleared)
    matching.update(installed=False, ended=Ended.CLEARED, ended_at=clearing.answered_at)
    return clearing


# The composite schedule ----------------------------------------------------------------------
async def acomposite_schedule_get(*, station: Station, connector_id: int, duration: int,
                                  unit: str | None = None) -> dict:
    """The station's GetCompositeSchedule answer: what it will actually allow from now."""
    request = req.CompositeScheduleGet(evse_id=connector_id, duration=duration, rate_unit=unit)
    return (await command_run(station, request)).response


def composite_schedule_get(**kwargs) -> dict:
    return async_to_sync(acomposite_schedule_get)(**kwargs)


# The profiles a 2.0.1 station reports it holds ------------------------------------------------
async def acharging_profiles_get(*, station: Station, evse_id: int | None = None, purpose: str = "",
                                 stack_level: int | None = None, profile_ids: tuple[int, ...] = (),
                                 sources: tuple[str, ...] = ()) -> ProfileReport:
    """GetChargingProfiles (2.0.1; a 1.6 station cannot carry it: CommandInvalid). The report is
    recorded under a requestId of its own (the row's id); the profiles come afterwards in
    ReportChargingProfiles parts (`charging_profiles_reported`). NoProfiles completes it empty."""
    report = await ProfileReport.objects.acreate(tenant_id=station.tenant_id, station=station,
                                                 evse_id=evse_id)
    request = req.ChargingProfilesGet(request_id=report.pk, evse_id=evse_id, purpose=purpose,
                                      stack_level=stack_level, profile_ids=tuple(profile_ids),
                                      sources=tuple(sources))
    try:
        action, payload = translator_for(station).call_of(request)
    except (TypeError, ValueError):
        await report.adelete()
        raise CommandInvalid("GetChargingProfiles is OCPP 2.0.1's: this station's version has "
                             "no such message.") from None
    await ProfileReport.objects.filter(pk=report.pk).aupdate(
        request_id=report.pk, criteria=payload.get("chargingProfile", {}))
    try:
        answer = await command_run(station, request)
    except CommandFailed as failure:
        await ProfileReport.objects.filter(pk=report.pk).aupdate(
            failure=_failure_kind(failure), failure_detail=failure.body)
        raise
    done = {"completed_at": timezone.now()} if answer.status != "Accepted" else {}
    await ProfileReport.objects.filter(pk=report.pk).aupdate(status=answer.status, **done)
    return await ProfileReport.objects.aget(pk=report.pk)


def charging_profiles_get(**kwargs) -> ProfileReport:
    return async_to_sync(acharging_profiles_get)(**kwargs)


@transaction.atomic
def charging_profiles_reported(*, station_id: int, request_id: int, evse_id: int, source: str,
                               profiles: list[dict], tbc: bool) -> ProfileReport | None:
    """One ReportChargingProfiles part: its profiles join the report; the last part (tbc false)
    completes it. A part for a request we did not make is not kept (None)."""
    report = (ProfileReport.objects.select_for_update()
              .filter(station_id=station_id, request_id=request_id).first())
    if report is None:
        log.info("ReportChargingProfiles for unknown request %s of station %s", request_id,
                 station_id)
        return None
    report.profiles = [*report.profiles, *({"evseId": evse_id, "chargingLimitSource": source,
                                            "chargingProfile": profile} for profile in profiles)]
    report.parts += 1
    if not tbc:
        report.completed_at = timezone.now()
    report.save()
    return report


# Remote start with a profile, and the profile's transaction ----------------------------------
async def aremote_start(*, station: Station, id_tag: str, connector_id: int | None = None,
                        profile: dict | None = None, token_type: str = "ISO14443",
                        ) -> tuple[req.SessionStartReport, ChargingProfile | None]:
    """RemoteStartTransaction (2.0.1: RequestStartTransaction); its TxProfile is recorded,
    waiting for the transaction. Returns the station's answer (with the remoteStartId that
    will name the session on 2.0.1) and the profile."""
    checked_remote_start(id_tag, connector_id, profile, version=station.ocpp_version or "1.6")
    if profile is None:
        return await session_start_remote(station=station, id_token=id_tag, token_type=token_type,
                                          evse_id=connector_id), None
    # Quirk `tx_profile_after_start_only`: the station rejects a TxProfile until it has the
    # StartTransaction answer, so the profile is held back and sent right after it.
    held = (await sync_to_async(quirks_of)(station)).tx_profile_after_start_only
    row = await sync_to_async(_profile_record)(
        station=station, connector_id=connector_id, profile=profile, id_tag=id_tag,
        sent_with="SetChargingProfile" if held else "RemoteStartTransaction",
        waiting_for=Waiting.HELD if held else Waiting.START)
    try:
        result = await session_start_remote(station=station, id_token=id_tag, token_type=token_type,
                                            evse_id=connector_id,
                                            charging_profile=None if held else profile)
    except CommandFailed as failure:
        await sync_to_async(charging_profile_fail)(profile_id=row.pk, failure=failure)
        raise
    status = result.status
    if held:
        if status != Answer.ACCEPTED:
            await ChargingProfile.objects.filter(pk=row.pk).aupdate(
                waiting_for=Waiting.NOTHING, failure_detail={result.action: status})
        return result, await ChargingProfile.objects.aget(pk=row.pk)
    return result, await sync_to_async(charging_profile_answer)(profile_id=row.pk, status=status)


@transaction.atomic
def charging_profiles_transaction_started(*, station_id: int, transaction_id: int | str) -> list[int]:
    """Bind the remote start's profile to the transaction that began: sent with the start, it
    is installed now; held back, it is made ready to send. Returns the ids to send."""
    waiting = ChargingProfile.objects.filter(station_id=station_id,
                                             waiting_for__in=[Waiting.START, Waiting.HELD])
    if not waiting.exists():  # the common case: a start without a profile
        return []
    session = (sessions_by_transaction_id(station_id=station_id, transaction_id=transaction_id)
               .only("connector_id", "evse_id", "id_tag").first())
    if session is None:
        return []
    # A profile's connector is where it was sent: 1.6's connector, 2.0.1's EVSE (the session's
    # evse_id, which for 1.6 is its connector).
    target = session.evse_id if session.evse_id is not None else session.connector_id
    waiting = (waiting.select_for_update().filter(id_tag__lower=session.id_tag.lower())
               .filter(Q(connector_id=target) | Q(connector_id__isnull=True))
               .order_by("-created_at"))
    to_send = []
    for row in waiting[:1]:
        row.connector_id, row.transaction_id = target, _integer(transaction_id)
        row.evse_id, row.station_transaction_id = session.evse_id, _as_string(transaction_id)
        if row.waiting_for == Waiting.HELD:
            row.payload = row.payload | {"transactionId": transaction_id}
            row.sent_at = timezone.now()
            to_send.append(row.pk)
        else:
            _install(row)
        row.save()
    return to_send


async def asend_held_profiles(*, station_id: int, profile_ids: list[int]) -> None:
    """Send profiles held back for a transaction; each answer or failure is recorded."""
    station = await Station.objects.select_related("server_process").aget(pk=station_id)
    for profile_id in profile_ids:
        row = await ChargingProfile.objects.aget(pk=profile_id)
        try:
            await _send(station, row)
        except CommandFailed as failure:
            log.warning("Held profile %s for %s not set: %s", profile_id, station.identity, failure)


@transaction.atomic
def charging_profiles_transaction_stopped(*, station_id: int, transaction_id: int | str) -> int:
    """A TxProfile ends with its transaction (1.6: our integer, 2.0.1: the station's string).
    Returns how many ended."""
    bound = (Q(transaction_id=transaction_id) if isinstance(transaction_id, int)
             else Q(station_transaction_id=transaction_id))
    return (ChargingProfile.objects
            .filter(bound, station_id=station_id, purpose=Purpose.TX)
            .filter(Q(installed=True) | ~Q(waiting_for=Waiting.NOTHING))
            .update(installed=False, waiting_for=Waiting.NOTHING, ended=Ended.TRANSACTION_STOPPED,
                    ended_at=timezone.now()))
