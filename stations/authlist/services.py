"""Sending a station its local authorization list (SendLocalList, full or differential) and
asking which version it holds (GetLocalListVersion).

Versions count what the station accepted: each update is sent as that version + 1, and only one
update of a station's list is on its way at a time (a Pending one claims the list). A station
that answers VersionMismatch (its list is not the one we think) gets the full list at once.

The lists keep themselves in sync: when the tenant's id tags change, each station whose list
should now hold something else is marked due a differential update, sent at once when it is
connected and otherwise when it next boots (stations/authlist/resync.py)."""

import hashlib
import json
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stations.authlist.limits import local_list_limits, parts_of, too_long
from stations.authlist.models import LocalList, LocalListUpdate, UpdateStatus
from stations.authlist.selectors import (
    TOKEN_TYPE,
    local_list_due,
    local_list_entries,
)
from stations.commands import requests as req
from stations.commands.sending import CommandFailed, command_run
from stations.models import Station
from stations.ocpp.dbthreads import db

FULL, DIFFERENTIAL = LocalListUpdate.FULL, LocalListUpdate.DIFFERENTIAL
SYNC_ROUNDS = 10  # differential updates one sync sends at most, one after the other


class LocalListBusy(CommandFailed):
    """Another update of this station's list awaits its answer: two must not claim one version."""

    status_code = 409


def entries_hash(snapshot: dict[str, dict]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


def list_entry(name: str, info: dict | None = None) -> dict:
    """One entry as sent: {idTag, idTagInfo?, tokenType?}; the token's type (kept in the
    snapshot's info, TOKEN_TYPE) goes beside the idTagInfo, for 2.0.1's IdToken."""
    info = dict(info or {})
    token_type = info.pop(TOKEN_TYPE, None)
    entry: dict = {"idTag": name}
    if info:
        entry["idTagInfo"] = info
    if token_type:
        entry[TOKEN_TYPE] = token_type
    return entry


def list_difference(held: dict[str, dict], desired: dict[str, dict]) -> list[dict]:
    """The localAuthorizationList of a differential update: new and changed entries with their
    idTagInfo, removed ones without (which deletes them on the station). Names match in any
    case, as on the station: a tag now spelt otherwise is changed, never removed after. A token
    whose type changed is another 2.0.1 IdToken: the old one is removed too."""
    held_by_key = {name.lower(): (name, info) for name, info in held.items()}
    desired_by_key = {name.lower(): info for name, info in desired.items()}
    changed = [list_entry(name, info) for name, info in sorted(desired.items())
               if held_by_key.get(name.lower()) != (name, info)]
    removed = [list_entry(name, _type_only(info)) for name, info in sorted(held.items())
               if name.lower() not in desired_by_key
               or _type_only(info) != _type_only(desired_by_key[name.lower()])]
    return changed + removed


def _type_only(info: dict) -> dict:
    return {TOKEN_TYPE: info[TOKEN_TYPE]} if TOKEN_TYPE in info else {}


def _local_list_for_update(station: Station) -> LocalList:
    LocalList.objects.get_or_create(station=station, defaults={"tenant_id": station.tenant_id})
    return LocalList.objects.select_for_update().get(station=station, tenant_id=station.tenant_id)


def _in_flight(held: LocalList) -> bool:
    """Whether an update of this (locked) list awaits its answer. One older than any answer can
    be (its sender stopped before recording it) is closed as SendFailed instead."""
    now = timezone.now()
    pending = LocalListUpdate.objects.filter(local_list=held, status=UpdateStatus.PENDING)
    pending.filter(created_at__lt=now - timedelta(seconds=2 * settings.OCPP_COMMAND_TIMEOUT + 10)
                   ).update(status=UpdateStatus.SEND_FAILED, answered_at=now,
                            error="No answer was recorded: the sender stopped.")
    return pending.exists()


@transaction.atomic
def local_list_update_create(*, station: Station, update_type: str, group: str | None = None,
                             resend_of: LocalListUpdate | None = None) -> LocalListUpdate:
    """Record the next update (Pending), choosing the station's group when `group` is given.
    LocalListBusy while another update of the list awaits its answer."""
    held = _local_list_for_update(station)
    if _in_flight(held):
        raise LocalListBusy("Another update of this station's list awaits its answer; try again.")
    if group is not None and group != held.group:
        held.group = group
        held.save(update_fields=["group"])
    desired = local_list_entries(tenant_id=station.tenant_id, group=held.group)
    return _update_record(held, update_type, desired, resend_of)


def _update_record(held: LocalList, update_type: str, desired: dict[str, dict],
                   resend_of: LocalListUpdate | None = None) -> LocalListUpdate:
    if update_type == FULL:
        entries = [list_entry(name, info) for name, info in sorted(desired.items())]
    else:
        entries = list_difference(held.snapshot, desired)
    return LocalListUpdate.objects.create(
        tenant_id=held.tenant_id, local_list=held, update_type=update_type,
        list_version=held.version + 1, group=held.group, entries=entries, snapshot=desired,
        resend_of=resend_of)


@transaction.atomic
def local_list_update_answer(*, update_id: int, status: str, error: str = "",
                             partly_held: dict[str, dict] | None = None,
                             held_version: int | None = None) -> LocalListUpdate:
    """Record the station's answer; an accepted update becomes the list the station holds, under
    `held_version` (its last part's; by default the update's). An update sent in parts whose
    later part failed leaves the station holding `partly_held` (the parts it accepted) under the
    last accepted part's version: out of sync, the next update starts there."""
    update = LocalListUpdate.objects.select_for_update().get(pk=update_id)
    if update.status != UpdateStatus.PENDING:
        return update
    update.status, update.error, update.answered_at = status, error, timezone.now()
    update.save(update_fields=["status", "error", "answered_at"])
    held_now = update.snapshot if status == UpdateStatus.ACCEPTED else partly_held
    if held_now is not None:
        held = LocalList.objects.select_for_update().get(pk=update.local_list_id)
        held.version = update.list_version if held_version is None else held_version
        held.snapshot = held_now
        held.entries_hash, held.confirmed_at = entries_hash(held_now), update.answered_at
        held.save(update_fields=["version", "snapshot", "entries_hash", "confirmed_at"])
    return update


def entries_applied(held: dict[str, dict], entries: list[dict]) -> dict[str, dict]:
    """`held` (idTag -> info) once a station applied `entries` as a differential update: names
    match in any case; a removal names the token's type (a 2.0.1 IdToken of another type stays)."""
    result = dict(held)
    for entry in entries:
        name, key = entry["idTag"], entry["idTag"].lower()
        same = [n for n in result if n.lower() == key]
        if "idTagInfo" in entry:
            for old in same:
                result.pop(old)
            info = dict(entry["idTagInfo"])
            if entry.get(TOKEN_TYPE):
                info[TOKEN_TYPE] = entry[TOKEN_TYPE]
            result[name] = info
        else:
            for old in same:
                if result[old].get(TOKEN_TYPE) == entry.get(TOKEN_TYPE):
                    result.pop(old)
    return result


@transaction.atomic
def local_list_version_record(*, station: Station, version: int) -> LocalList:
    held = _local_list_for_update(station)
    held.station_version, held.station_version_at = version, timezone.now()
    held.save(update_fields=["station_version", "station_version_at"])
    return held


@transaction.atomic
def local_list_update_claim_due(*, station: Station) -> LocalListUpdate | None:
    """The differential update the station's list is due, recorded Pending; None when nothing is
    due or another update awaits its answer (its sender sends this one after it)."""
    held = (LocalList.objects.select_for_update()
            .filter(station=station, tenant_id=station.tenant_id, sync_due=True).first())
    if held is None or _in_flight(held):
        return None
    held.sync_due = False
    held.save(update_fields=["sync_due"])
    desired = local_list_entries(tenant_id=station.tenant_id, group=held.group)
    if desired == held.snapshot:
        return None
    return _update_record(held, DIFFERENTIAL, desired)


@transaction.atomic
def local_list_mark_due(*, station_id: int) -> None:
    LocalList.objects.filter(station_id=station_id).update(sync_due=True)


async def _send(station: Station, update: LocalListUpdate) -> LocalListUpdate:
    """Send the update as the station's limits allow (stations/authlist/limits.py): a list it
    cannot hold is not sent (Failed, with the reason); one longer than a message goes in parts,
    one CALL at a time, the first as the update's type and the rest Differential, each part the
    next version (the update's version, then + 1 ...: a station refuses a Differential whose
    version is not above the list it holds). It is Accepted only when every part was, and the
    station then holds the last part's version."""
    answered = sync_to_async(local_list_update_answer)
    found = await sync_to_async(local_list_limits)(station_id=station.pk)
    reason = too_long(len(update.snapshot), found)
    if reason:
        return await answered(update_id=update.pk, status=UpdateStatus.FAILED, error=reason)
    full, entries = update.update_type == FULL, list(update.entries or ())
    # sized at the highest version a part may carry: a wider number never makes a part too long
    parts = parts_of(station, update.list_version + len(entries), entries, found)
    held = None  # what the station holds once a part of several was accepted
    held_version = None  # and under which version
    for number, part in enumerate(parts, 1):
        version = update.list_version + number - 1
        request = req.LocalListSend(version=version, full=full and number == 1,
                                    entries=tuple(part))
        where = f"Part {number} of {len(parts)}: " if len(parts) > 1 else ""
        try:
            answer = await command_run(station, request)
        except CommandFailed as failure:
            await answered(update_id=update.pk, status=UpdateStatus.SEND_FAILED,
                           error=where + json.dumps(failure.body), partly_held=held,
                           held_version=held_version)
            raise
        if answer.status != UpdateStatus.ACCEPTED:
            return await answered(update_id=update.pk, status=answer.status,
                                  error=where + answer.status if where else "", partly_held=held,
                                  held_version=held_version)
        held_version = version
        if len(parts) > 1:
            start = held if held is not None else \
                {} if full else await sync_to_async(_held_snapshot)(update)
            held = entries_applied(start, part)
    return await answered(update_id=update.pk, status=UpdateStatus.ACCEPTED,
                          held_version=held_version)


def _held_snapshot(update: LocalListUpdate) -> dict[str, dict]:
    return LocalList.objects.values_list("snapshot", flat=True).get(pk=update.local_list_id)


async def local_list_send(*, station: Station, update_type: str,
                          group: str | None = None) -> LocalListUpdate:
    """Send the station its list (CommandFailed when it gives no usable answer). After a
    VersionMismatch the full list follows; the returned update then has it as `resend`."""
    update = await sync_to_async(local_list_update_create)(station=station, update_type=update_type,
                                                           group=group)
    sent = await _send_and_resend(station, update)
    try:  # an id-tag change made while this update was on its way follows it
        await local_list_sync(station_id=station.pk)
    except CommandFailed:
        pass  # it stays due: sent at the next change or boot
    return sent


async def _send_and_resend(station: Station, update: LocalListUpdate) -> LocalListUpdate:
    update = await _send(station, update)
    if update.status == UpdateStatus.VERSION_MISMATCH:
        resend = await sync_to_async(local_list_update_create)(station=station, update_type=FULL,
                                                               resend_of=update)
        await _send(station, resend)
        update = await LocalListUpdate.objects.select_related("resend").aget(pk=update.pk)
    return update


async def local_list_version_get(*, station: Station) -> LocalList:
    """Ask the station which list version it holds (-1: it has no local list, 0: an empty one)."""
    report = await command_run(station, req.LocalListVersionGet())
    return await sync_to_async(local_list_version_record)(station=station, version=report.version)


def _station_with_link(station_id: int) -> Station | None:
    return Station.objects.select_related("server_process").filter(pk=station_id).first()


async def local_list_sync(*, station_id: int) -> LocalListUpdate | None:
    """Send the station the differential updates its list is due while it is connected, one at a
    time: a change made while one awaits its answer goes out after it, as the next version. One
    the station does not take stays due (for its next boot). Returns the last update sent."""
    last = None
    for _ in range(SYNC_ROUNDS):
        station = await db(_station_with_link, station_id)
        if station is None or not station.connected:
            break
        update = await db(local_list_update_claim_due, station=station)
        if update is None:
            break
        try:
            last = await _send_and_resend(station, update)
        except CommandFailed:
            last = await db(_update_with_resend, update.pk)
        except BaseException:  # e.g. cancelled at shutdown: the list stays due, nothing is lost
            await db(local_list_mark_due, station_id=station_id)
            raise
        outcome = last
        if last.status == UpdateStatus.VERSION_MISMATCH:  # then the full list followed (or not)
            outcome = getattr(last, "resend", None) or last
        if outcome.status not in (UpdateStatus.ACCEPTED, UpdateStatus.NOT_SUPPORTED):
            await db(local_list_mark_due, station_id=station_id)
            break
    return last


def _update_with_resend(update_id: int) -> LocalListUpdate:
    return LocalListUpdate.objects.select_related("resend").get(pk=update_id)


async def local_list_send_due(*, station_id: int) -> None:
    """At boot: a station that was offline when its list changed gets the update now. Nothing
    due costs one lookup by station."""
    if await db(local_list_due, station_id=station_id):
        await local_list_sync(station_id=station_id)

